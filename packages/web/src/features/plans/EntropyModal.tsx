import { useState } from 'react';
import { Alert, Button, Modal, Space, Spin, Table, Typography } from 'antd';
import { BarChartOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { leafShares, type IndicatorNode } from '@perfcommons/domain';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import { fromEdit, setChildWeights, toPercent, type EditNode } from './treeOps';
import './design-i18n';
import type { EntropyHistoryReply } from '@perfcommons/contracts';

/** GET /api/plans/:id/entropy-history. */
type EntropyHistory = EntropyHistoryReply;

/**
 * Sibling groups whose normal children are all leaves with an entropy weight: their weights become the
 * children's entropy weights scaled to 100 within the group. Other groups (and every parent) keep theirs.
 */
export function applyEntropy(
  tree: EditNode[],
  weights: Map<string, number>,
): { tree: EditNode[]; groups: number } {
  let next = tree;
  let groups = 0;
  const visit = (siblings: EditNode[], parentKey: string | null) => {
    const normal = siblings.filter((n) => (n.kind ?? 'normal') === 'normal');
    const allLeaves = normal.length >= 2 && normal.every((n) => !n.children?.length && weights.has(n.code));
    if (allLeaves) {
      const ws = normal.map((n) => weights.get(n.code)!);
      const sum = ws.reduce((a, b) => a + b, 0);
      if (sum > 0) {
        next = setChildWeights(next, parentKey, toPercent(ws.map((w) => w / sum)));
        groups++;
      }
    }
    siblings.forEach((n) => n.children?.length && visit(n.children, n.key));
  };
  visit(tree, null);
  return { tree: next, groups };
}

interface Props {
  planId: string;
  /** The tree being edited (current shares; where the weights are applied). */
  tree: EditNode[];
  editable: boolean;
  onApply: (tree: EditNode[], groups: number) => void;
}

/** Button and modal: entropy weights 熵权法 of the plan's data leaves from the peers' history. */
export function EntropyButton({ planId, tree, editable, onApply }: Props) {
  const { t, i18n } = useTranslation('planDesign');
  const lang = i18n.language;
  const [open, setOpen] = useState(false);
  const history = useQuery({
    queryKey: ['plan', planId, 'entropy-history'],
    queryFn: () => api.get<EntropyHistory>(`/api/plans/${planId}/entropy-history`),
    enabled: open,
  });
  const h = history.data;
  const shares = new Map(
    leafShares(fromEdit(tree) as IndicatorNode[]).map((s) => [s.node.code, s.share] as const),
  );
  const byCode = new Map(h?.weights ? h.leaves.map((l, i) => [l.code, h.weights![i]] as const) : []);
  const nameOf = (code: string) => {
    const find = (ns: EditNode[]): EditNode | undefined => {
      for (const n of ns) {
        if (n.code === code) return n;
        const c = n.children && find(n.children);
        if (c) return c;
      }
      return undefined;
    };
    const n = find(tree);
    return n ? `${code} ${pick(lang, n.name, n.nameEn) || ''}`.trim() : code;
  };
  const preview = h?.weights ? applyEntropy(tree, byCode) : null;

  return (
    <>
      <Button
        size="small"
        icon={<BarChartOutlined />}
        onClick={() => setOpen(true)}
        data-testid="entropy-open"
      >
        {t('entropy.button')}
      </Button>
      <Modal
        open={open}
        width={760}
        title={t('entropy.title')}
        onCancel={() => setOpen(false)}
        cancelText={t('console:common.cancel')}
        okText={t('entropy.apply')}
        okButtonProps={{ disabled: !editable || !preview || preview.groups === 0 }}
        onOk={() => {
          if (!preview) return;
          onApply(preview.tree, preview.groups);
          setOpen(false);
        }}
        destroyOnHidden
      >
        {history.isLoading && <Spin />}
        {history.error && <Alert type="error" showIcon message={errorText(history.error)} />}
        {h && (
          <Space direction="vertical" style={{ width: '100%' }}>
            {h.cycleId && (
              <Typography.Paragraph type="secondary">
                {t('entropy.intro', { cycle: pick(lang, h.cycleName, h.cycleNameEn) })}
              </Typography.Paragraph>
            )}
            {h.insufficient && (
              <Alert
                type="warning"
                showIcon
                message={t(`entropy.insufficient.${h.insufficient}`)}
                data-testid="entropy-insufficient"
              />
            )}
            {h.leaves.length > 0 && (
              <Table
                rowKey="code"
                size="small"
                pagination={false}
                dataSource={h.leaves}
                data-testid="entropy-table"
                columns={[
                  {
                    title: t('entropy.leaf'),
                    key: 'leaf',
                    render: (_: unknown, l) => `${l.code} ${pick(lang, l.name, l.nameEn)}`,
                  },
                  { title: t('entropy.peers'), dataIndex: 'peersWithValue', align: 'right' },
                  {
                    title: t('entropy.current'),
                    key: 'current',
                    align: 'right',
                    render: (_: unknown, l) => (shares.has(l.code) ? `${fmtNum(shares.get(l.code)!)}%` : '—'),
                  },
                  {
                    title: t('entropy.weight'),
                    key: 'w',
                    align: 'right',
                    render: (_: unknown, l) =>
                      byCode.has(l.code) ? <strong>{fmtNum(byCode.get(l.code)!)}%</strong> : '—',
                  },
                ]}
              />
            )}
            {h.rows.length > 0 && (
              <Typography.Text type="secondary">{t('entropy.rows', { n: h.rows.length })}</Typography.Text>
            )}
            {h.excluded.length > 0 && (
              <Typography.Text type="secondary">
                {t('entropy.excluded', {
                  list: h.excluded
                    .map((e) => {
                      const why = e.reason === 'not_data' ? t('entropy.notData') : t('entropy.tooFewValues');
                      return lang === 'en' ? `${nameOf(e.code)} (${why})` : `${nameOf(e.code)}（${why}）`;
                    })
                    .join(lang === 'en' ? '; ' : '；'),
                })}
              </Typography.Text>
            )}
            {preview && (
              <Alert
                type="info"
                showIcon
                message={preview.groups ? t('entropy.applyHelp') : t('entropy.nothingToApply')}
              />
            )}
          </Space>
        )}
      </Modal>
    </>
  );
}
