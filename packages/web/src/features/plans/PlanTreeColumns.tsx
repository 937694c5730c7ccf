import type { Dispatch, SetStateAction } from 'react';
import { Button, Input, InputNumber, Popconfirm, Select, Space, Tag, Tooltip, Typography } from 'antd';
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  BookOutlined,
  DeleteOutlined,
  EyeOutlined,
  FormOutlined,
  NodeIndexOutlined,
  PlusOutlined,
  SubnodeOutlined,
} from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { sumsTo100 } from '@perfcommons/domain';
import type { TreeProblem } from '@perfcommons/contracts';
import { pick } from '../../i18n';
import { fmtNum } from '../../shared/format';
import { EntropyButton } from './EntropyModal';
import { ruleSummary } from './ruleSummary';
import { addChild, addSibling, move, normalSum, remove, type EditNode } from './treeOps';

/** What the columns of the plan tree read and change in the editor's state. */
export interface TreeColumnsContext {
  t: TFunction;
  lang: string;
  tree: EditNode[];
  editable: boolean;
  /** The domain's problems of the tree, by indicator code. */
  byCode: Map<string, TreeProblem[]>;
  /** The server's problems of the last save, by node key. */
  serverByKey: Map<string, string[]>;
  problemText: (p: TreeProblem) => string;
  patch: (key: string, p: Partial<EditNode>) => void;
  change: (next: EditNode[]) => void;
  setExpanded: Dispatch<SetStateAction<string[]>>;
  setLeafKey: (key: string) => void;
  setPickUnder: (key: string) => void;
  setAhpKey: (key: string) => void;
}

/**
 * Columns of the plan editor's indicator tree: code and name (with the problems of the node), kind, weight,
 * the sum of the children's weights, the scoring rule, and the actions on the node (add, pick from the
 * library, move, AHP weights, delete).
 */
export function treeColumns(ctx: TreeColumnsContext) {
  const { t, lang, tree, editable, byCode, serverByKey, problemText, patch, change } = ctx;
  const { setExpanded, setLeafKey, setPickUnder, setAhpKey } = ctx;
  return [
    {
      title: t('editor.name'),
      key: 'name',
      width: 300,
      render: (_: unknown, n: EditNode) => {
        const mine = byCode.get(n.code) ?? [];
        const server = serverByKey.get(n.key) ?? [];
        return (
          <div className="pc-node-name">
            <Space.Compact style={{ width: '100%' }}>
              <Input
                size="small"
                style={{ width: 72 }}
                value={n.code}
                disabled={!editable}
                aria-label={t('editor.code')}
                onChange={(e) => patch(n.key, { code: e.target.value })}
              />
              <Input
                size="small"
                value={n.name}
                disabled={!editable}
                aria-label={t('editor.name')}
                data-testid={`name-${n.code}`}
                onChange={(e) => patch(n.key, { name: e.target.value })}
              />
            </Space.Compact>
            {lang === 'en' && (
              <Input
                size="small"
                variant="borderless"
                placeholder={t('editor.nameEn')}
                value={n.nameEn ?? ''}
                disabled={!editable}
                onChange={(e) => patch(n.key, { nameEn: e.target.value })}
              />
            )}
            {mine.map((p, i) => (
              <div key={i} className="pc-problem" data-testid={`problem-${n.code}`} title={p.message}>
                {problemText(p)}
              </div>
            ))}
            {server.map((m, i) => (
              <div key={`s${i}`} className="pc-problem">
                {m}
              </div>
            ))}
          </div>
        );
      },
    },
    {
      title: t('editor.kind'),
      key: 'kind',
      width: 110,
      render: (_: unknown, n: EditNode) => (
        <Select
          size="small"
          style={{ width: 100 }}
          value={n.kind ?? 'normal'}
          aria-label={`${n.code} ${t('editor.kind')}`}
          disabled={!editable}
          onChange={(v) => patch(n.key, { kind: v === 'normal' ? undefined : v })}
          options={(['normal', 'bonus', 'deduction'] as const).map((k) => ({
            value: k,
            label: t(`common:kind.${k}`),
          }))}
        />
      ),
    },
    {
      title: t('editor.weight'),
      key: 'weight',
      width: 110,
      render: (_: unknown, n: EditNode) => (
        <InputNumber
          size="small"
          style={{ width: 90 }}
          min={0}
          max={1000}
          value={n.weight}
          disabled={!editable}
          data-testid={`weight-${n.code}`}
          aria-label={`${t('editor.weight')} ${n.code}`}
          onChange={(v) => patch(n.key, { weight: typeof v === 'number' ? v : 0 })}
        />
      ),
    },
    {
      title: t('editor.childSum'),
      key: 'sum',
      width: 110,
      render: (_: unknown, n: EditNode) => {
        if (!n.children?.length) return null;
        const s = normalSum(n.children);
        return (
          <span className={sumsTo100(s) ? 'pc-sum-ok' : 'pc-sum-bad'} data-testid={`sum-${n.code}`}>
            {fmtNum(s)} / 100
          </span>
        );
      },
    },
    {
      title: t('editor.rule'),
      key: 'rule',
      width: 250,
      render: (_: unknown, n: EditNode) => {
        if (n.children?.length) return null;
        // Wraps within the column: nothing may run under the fixed action column beside it.
        return (
          <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 4, minWidth: 0 }}>
            <Typography.Text
              type={n.rule ? undefined : 'secondary'}
              style={{ fontSize: 12, minWidth: 0, overflowWrap: 'anywhere' }}
            >
              {n.rule ? ruleSummary(t, n.rule) : t('editor.noRule')}
              {n.target !== undefined && ` · ${t('common:misc.target')} ${fmtNum(n.target)}${n.unit ?? ''}`}
            </Typography.Text>
            {n.subjects?.length ? (
              <Tag>{n.subjects.map((s) => t(`common:subject.${s.type}`)).join('/')}</Tag>
            ) : null}
            {n.veto && <Tag color="red">{t('common:misc.veto')}</Tag>}
            <Button
              size="small"
              icon={editable ? <FormOutlined /> : <EyeOutlined />}
              onClick={() => setLeafKey(n.key)}
              data-testid={`rule-${n.code}`}
            >
              {editable ? t('editor.editRule') : t('editor.viewRule')}
            </Button>
          </div>
        );
      },
    },
    {
      title: t('editor.actions'),
      key: 'actions',
      width: 190,
      fixed: 'right' as const,
      render: (_: unknown, n: EditNode) =>
        editable && (
          <Space size={2}>
            <Tooltip title={t('editor.addChild')}>
              <Button
                size="small"
                type="text"
                icon={<SubnodeOutlined />}
                aria-label={t('editor.addChild')}
                onClick={() => {
                  const [next] = addChild(tree, n.key, t('editor.newIndicator'));
                  change(next);
                  setExpanded((e) => [...e, n.key]);
                }}
              />
            </Tooltip>
            <Tooltip title={t('indicators:pick')}>
              <Button
                size="small"
                type="text"
                icon={<BookOutlined />}
                aria-label={t('indicators:pick')}
                onClick={() => setPickUnder(n.key)}
                data-testid={`pick-under-${n.code}`}
              />
            </Tooltip>
            <Tooltip title={t('editor.addSibling')}>
              <Button
                size="small"
                type="text"
                icon={<PlusOutlined />}
                aria-label={t('editor.addSibling')}
                onClick={() => change(addSibling(tree, n.key, t('editor.newIndicator'))[0])}
              />
            </Tooltip>
            <Tooltip title={t('editor.up')}>
              <Button
                size="small"
                type="text"
                icon={<ArrowUpOutlined />}
                aria-label={t('editor.up')}
                onClick={() => change(move(tree, n.key, -1))}
              />
            </Tooltip>
            <Tooltip title={t('editor.down')}>
              <Button
                size="small"
                type="text"
                icon={<ArrowDownOutlined />}
                aria-label={t('editor.down')}
                onClick={() => change(move(tree, n.key, 1))}
              />
            </Tooltip>
            {(n.children?.length ?? 0) >= 2 && (
              <Tooltip title={t('editor.ahp')}>
                <Button
                  size="small"
                  type="text"
                  icon={<NodeIndexOutlined />}
                  aria-label={t('editor.ahp')}
                  onClick={() => setAhpKey(n.key)}
                />
              </Tooltip>
            )}
            <Popconfirm
              title={t('editor.deleteConfirm', { name: pick(lang, n.name, n.nameEn) })}
              okText={t('console:common.confirm')}
              cancelText={t('console:common.cancel')}
              onConfirm={() => change(remove(tree, n.key))}
            >
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('editor.delete')}
              />
            </Popconfirm>
          </Space>
        ),
    },
  ];
}

/**
 * Above the tree: the sum of the first-level weights, and for an editor the buttons that add a first-level
 * indicator, weigh the first level by AHP or by entropy from peers' verified history.
 */
export function TreeToolbar({
  planId,
  tree,
  editable,
  onChange,
  onAhpRoot,
  onEntropyApplied,
}: {
  planId: string;
  tree: EditNode[];
  editable: boolean;
  onChange: (next: EditNode[]) => void;
  onAhpRoot: () => void;
  /** After entropy weights were applied to `groups` groups of siblings. */
  onEntropyApplied: (groups: number) => void;
}) {
  const { t } = useTranslation('plans');
  const firstSum = normalSum(tree);
  return (
    <Space style={{ marginBottom: 12 }} wrap>
      <span>
        {t('editor.firstLevelSum')}
        <span className={sumsTo100(firstSum) ? 'pc-sum-ok' : 'pc-sum-bad'} data-testid="sum-root">
          {fmtNum(firstSum)} / 100
        </span>
      </span>
      {editable && (
        <>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => onChange(addChild(tree, null, t('editor.newIndicator'))[0])}
          >
            {t('editor.addFirst')}
          </Button>
          {tree.length >= 2 && (
            <Button size="small" icon={<NodeIndexOutlined />} onClick={onAhpRoot} data-testid="ahp-root">
              {t('editor.ahpRoot')}
            </Button>
          )}
          <EntropyButton
            planId={planId}
            tree={tree}
            editable={editable}
            onApply={(next, groups) => {
              onChange(next);
              onEntropyApplied(groups);
            }}
          />
        </>
      )}
    </Space>
  );
}
