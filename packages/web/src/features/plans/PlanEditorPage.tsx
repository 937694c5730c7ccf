import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Badge, Button, Card, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { CheckOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { validateTree } from '@perfcommons/domain';
import { useCrumbs } from '../../console/crumbs';
import AgreementPanel from '../monitoring/AgreementPanel';
import { detailText, errorHeadline, errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { ApiError, api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import type { ErrorDetail, PlanDetailReply, Plan as PlanSummary, TreeProblem } from '@perfcommons/contracts';
import { AhpModal } from './AhpModal';
import { LintPanel } from './LintPanel';
import { LeafDrawer } from './LeafDrawer';
import { ApproveModal } from './ApproveModal';
import { EditorAlerts } from './EditorAlerts';
import { TreeToolbar, treeColumns } from './PlanTreeColumns';
import {
  addChild,
  findNode,
  fromEdit,
  nodeAtPath,
  normalSum,
  problemsByCode,
  setChildWeights,
  toEdit,
  updateNode,
  type EditNode,
} from './treeOps';
import { ownerName } from './setupApi';
import { LibraryPicker } from '../indicators/LibraryPicker';
import { leafFromEntry } from '../indicators/api';

export default function PlanEditorPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation('plans');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const detail = useQuery({
    queryKey: ['plan', id],
    queryFn: () => api.get<PlanDetailReply>(`/api/plans/${id}`),
  });

  const [tree, setTree] = useState<EditNode[]>([]);
  const [version, setVersion] = useState(0);
  const [dirty, setDirty] = useState(false);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [leafKey, setLeafKey] = useState<string | null>(null);
  const [ahpKey, setAhpKey] = useState<string | null | undefined>(undefined);
  // The node a library indicator is being picked under (null: picker closed).
  const [pickUnder, setPickUnder] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<ErrorDetail[]>([]);
  const [conflict, setConflict] = useState<number | null>(null);
  const [approveOpen, setApproveOpen] = useState(false);

  const plan = detail.data?.plan;
  useCrumbs([
    { title: t('title'), to: plan ? `/plans?cycleId=${plan.cycleId}` : '/plans' },
    { title: plan ? pick(lang, plan.title, plan.titleEn) : '…' },
  ]);

  // Load (and reload after a save or conflict) the server's tree into the editor.
  const loadFrom = (d: PlanDetailReply) => {
    const edit = toEdit(d.tree);
    setTree(edit);
    setVersion(d.plan.version);
    setDirty(false);
    const keys: string[] = [];
    const walk = (ns: EditNode[]) =>
      ns.forEach((n) => {
        if (n.children?.length) {
          keys.push(n.key);
          walk(n.children);
        }
      });
    walk(edit);
    setExpanded(keys);
  };
  useEffect(() => {
    if (detail.data) loadFrom(detail.data);
  }, [detail.data]);

  // What the user may do is the server's answer (`can`), computed from the rules it enforces.
  const editable = !!plan?.can?.edit;
  // Live validation with the same domain function the server uses.
  const problems = useMemo(() => validateTree(fromEdit(tree)), [tree]);
  const byCode = useMemo(() => problemsByCode(problems), [problems]);
  const serverByKey = useMemo(() => {
    const m = new Map<string, string[]>();
    const loose: string[] = [];
    for (const d of serverErrors) {
      const { node, field } = nodeAtPath(tree, d.path);
      if (node) m.set(node.key, [...(m.get(node.key) ?? []), `${field}: ${d.message}`]);
      else loose.push(d.path ? `${d.path}: ${d.message}` : d.message);
    }
    return { m, loose };
  }, [serverErrors, tree]);

  const change = (next: EditNode[]) => {
    setTree(next);
    setDirty(true);
  };
  const patch = (key: string, p: Partial<EditNode>) => change(updateNode(tree, key, p));

  const problemText = (p: TreeProblem): string => {
    if (p.kind === 'weightSum') {
      const parent = p.code ? findByCode(tree, p.code) : undefined;
      const sum = normalSum(parent ? parent.children : tree);
      const target = parent
        ? t('problem.childrenOf', { name: pick(lang, parent.name, parent.nameEn) || parent.code })
        : t('problem.firstLevel');
      return t('problem.weightSum', { target, sum: fmtNum(sum) });
    }
    return lang === 'en' ? p.message : t(`problem.${p.kind}`, { code: p.code, defaultValue: p.message });
  };

  const save = useMutation({
    mutationFn: () => api.put<PlanDetailReply>(`/api/plans/${id}/tree`, { tree: fromEdit(tree), version }),
    onSuccess: (d) => {
      setServerErrors([]);
      setConflict(null);
      qc.setQueryData(['plan', id], d);
      loadFrom(d);
      void qc.invalidateQueries({ queryKey: ['plans'] });
      void message.success(t('editor.saved', { version: d.plan.version }));
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409 && e.code === 'version_conflict') {
        void api.get<PlanDetailReply>(`/api/plans/${id}`).then((d) => setConflict(d.plan.version));
        setConflict(-1);
      } else if (e instanceof ApiError && e.details.length) setServerErrors(e.details);
      else void message.error(errorText(e));
    },
  });
  const [actionErrors, setActionErrors] = useState<{ title: string; details: string[] } | null>(null);
  const act = (path: string, body: unknown, ok: string, title: string) =>
    api
      .post<{ plan: PlanSummary }>(path, body)
      .then(() => {
        setActionErrors(null);
        void message.success(ok);
        void qc.invalidateQueries({ queryKey: ['plan', id] });
        void qc.invalidateQueries({ queryKey: ['plans'] });
      })
      .catch((e: unknown) => {
        const details = e instanceof ApiError && e.details.length ? e.details.map(detailText) : [];
        setActionErrors({ title: `${title}: ${errorHeadline(e)}`, details });
      });

  if (!plan)
    return (
      <Card loading={detail.isLoading}>
        {detail.error && <Alert type="error" message={errorText(detail.error)} />}
      </Card>
    );

  const leafNode = leafKey ? findNode(tree, leafKey) : undefined;
  const ahpChildren =
    ahpKey === undefined ? [] : ahpKey === null ? tree : (findNode(tree, ahpKey)?.children ?? []);
  const ahpName =
    ahpKey === undefined
      ? ''
      : ahpKey === null
        ? t('problem.firstLevel')
        : pick(lang, findNode(tree, ahpKey)?.name, findNode(tree, ahpKey)?.nameEn);

  const columns = treeColumns({
    t,
    lang,
    tree,
    editable,
    byCode,
    serverByKey: serverByKey.m,
    problemText,
    patch,
    change,
    setExpanded,
    setLeafKey,
    setPickUnder,
    setAhpKey,
  });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <span>{pick(lang, plan.title, plan.titleEn)}</span>
            <Tag color={plan.status === 'approved' ? 'green' : plan.status === 'draft' ? 'default' : 'blue'}>
              {t(`common:planStatus.${plan.status}`)}
            </Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('version')} {version}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="plan-owner">
              {t('owner.label', { name: plan.owner ? ownerName(lang, plan.owner) : t('owner.none') })}
            </Typography.Text>
            {dirty && <Badge status="warning" text={t('editor.dirty')} />}
          </Space>
        }
        extra={
          <Space wrap>
            <Button onClick={() => navigate(`/plans/${id}/values`)}>{t('values')}</Button>
            {editable && (
              <Button
                type="primary"
                icon={<SaveOutlined />}
                loading={save.isPending}
                onClick={() => save.mutate()}
                data-testid="plan-save"
              >
                {t('editor.save')}
              </Button>
            )}
            {editable && (
              <Popconfirm
                title={t('editor.submitConfirm')}
                description={t('editor.submitConfirmHint')}
                okText={t('editor.submit')}
                cancelText={t('console:common.cancel')}
                disabled={dirty}
                onConfirm={() =>
                  act(`/api/plans/${id}/submit`, undefined, t('editor.submitted'), t('editor.submitErrors'))
                }
              >
                <Button icon={<SendOutlined />} disabled={dirty} data-testid="plan-submit">
                  {t('editor.submit')}
                </Button>
              </Popconfirm>
            )}
            {plan.can?.approve && (
              <Button
                type="primary"
                icon={<CheckOutlined />}
                onClick={() => setApproveOpen(true)}
                data-testid="plan-approve"
              >
                {t('editor.approve')}
              </Button>
            )}
          </Space>
        }
      >
        {!editable && (
          <Alert
            style={{ marginBottom: 12 }}
            type="info"
            showIcon
            message={t('editor.readOnly', { status: t(`common:planStatus.${plan.status}`) })}
          />
        )}
        <EditorAlerts
          conflict={conflict}
          looseSaveErrors={serverByKey.loose}
          saveRefused={serverErrors.length > 0}
          actionErrors={actionErrors}
          onReload={() => {
            setConflict(null);
            void detail.refetch().then((r) => r.data && loadFrom(r.data));
          }}
          onCloseSave={() => setServerErrors([])}
          onCloseAction={() => setActionErrors(null)}
        />
        <Alert
          style={{ marginBottom: 12 }}
          type={problems.length ? 'warning' : 'success'}
          showIcon
          data-testid="plan-validation"
          message={
            problems.length ? t('editor.problemsTitle', { n: problems.length }) : t('editor.noProblems')
          }
          description={
            byCode.get('')?.length ? (
              <span className="pc-problem" data-testid="problem-root">
                {byCode.get('')!.map(problemText).join('; ')}
              </span>
            ) : undefined
          }
        />
        {detail.data?.lint && (
          <div style={{ marginBottom: 12 }}>
            <LintPanel
              planId={id}
              findings={detail.data.lint}
              tree={detail.data.tree}
              canSubmit={!!plan.can?.submit}
              dirty={dirty}
              onOpen={(code) => setLeafKey(findByCode(tree, code)?.key ?? null)}
            />
          </div>
        )}
        <TreeToolbar
          planId={id}
          tree={tree}
          editable={editable}
          onChange={change}
          onAhpRoot={() => setAhpKey(null)}
          onEntropyApplied={(groups) => void message.success(t('planDesign:entropy.applied', { n: groups }))}
        />
        <Table<EditNode>
          rowKey="key"
          size="small"
          dataSource={tree}
          // A read-only plan has no actions: an empty fixed column would hide the rules beneath it.
          columns={editable ? columns : columns.filter((c) => c.key !== 'actions')}
          pagination={false}
          scroll={editable ? { x: 1110 } : undefined}
          expandable={{
            expandedRowKeys: expanded,
            onExpandedRowsChange: (keys) => setExpanded(keys as string[]),
          }}
          data-testid="plan-tree"
        />
      </Card>

      <LibraryPicker
        open={pickUnder !== null}
        onClose={() => setPickUnder(null)}
        onPick={(e) => {
          if (pickUnder === null) return;
          const [next, key] = addChild(tree, pickUnder, e.name);
          change(updateNode(next, key, leafFromEntry(e)));
          setExpanded((x) => [...x, pickUnder]);
          setPickUnder(null);
          void message.success(t('indicators:picked', { name: e.name, code: e.code, version: e.version }));
        }}
      />
      <LeafDrawer
        node={leafNode}
        planId={id}
        saved={!dirty}
        editable={!!editable}
        onClose={() => setLeafKey(null)}
        onChange={(p) => leafKey && patch(leafKey, p)}
        problems={leafNode ? (byCode.get(leafNode.code) ?? []).map(problemText) : []}
      />
      <AhpModal
        open={ahpKey !== undefined}
        name={ahpName ?? ''}
        nodes={ahpChildren.filter((c) => (c.kind ?? 'normal') === 'normal')}
        editable={!!editable}
        onClose={() => setAhpKey(undefined)}
        onApply={(weights) => {
          change(setChildWeights(tree, ahpKey ?? null, weights));
          setAhpKey(undefined);
          void message.success(t('ahp.applied'));
        }}
      />
      {plan?.status === 'approved' && plan.can && detail.data && (
        <AgreementPanel planId={id} can={plan.can} tree={detail.data.tree} />
      )}
      <ApproveModal
        open={approveOpen}
        onClose={() => setApproveOpen(false)}
        onApprove={(body) =>
          void act(`/api/plans/${id}/approve`, body, t('editor.approved'), t('editor.approve'))
        }
      />
    </Space>
  );
}

function findByCode(nodes: EditNode[], code: string): EditNode | undefined {
  for (const n of nodes) {
    if (n.code === code) return n;
    const c = n.children && findByCode(n.children, code);
    if (c) return c;
  }
  return undefined;
}
