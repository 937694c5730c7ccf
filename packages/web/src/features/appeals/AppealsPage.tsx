import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { ArrowRightOutlined } from '@ant-design/icons';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCrumbs } from '../../console/crumbs';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { applyFieldErrors, errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import { fmtDateTime, fmtNum } from '../../shared/format';
import { EvidenceFiles } from '../values/Evidence';
import type { Items, PlanDetailReply, ResultItem as Result } from '@perfcommons/contracts';
import { nodeName, type IndicatorNode } from '../../shared/tree';
import { GradeTag } from '../results/GradeTag';
import type { Appeal, AppealRevision, ScoreSnapshot } from './types';

const STATUS_COLORS = { pending: 'gold', accepted: 'green', rejected: 'red' } as const;

function Score({ s }: { s: ScoreSnapshot | null }) {
  if (!s) return <>—</>;
  return (
    <Space size={4} wrap>
      <strong>{fmtNum(s.total)}</strong>
      <GradeTag grade={s.grade} />
      {s.rank !== null && <Typography.Text type="secondary">#{s.rank}</Typography.Text>}
    </Space>
  );
}

export default function AppealsPage() {
  const { t, i18n } = useTranslation('appeals');
  const lang = i18n.language;
  useCrumbs([{ title: t('title') }]);
  const { cycle, setCycleId } = useCycleParam((c) => !!c.resultsPublishedAt);
  const [status, setStatus] = useState<Appeal['status']>();
  const appeals = useQuery({
    queryKey: ['appeals', cycle?.id],
    enabled: !!cycle,
    queryFn: () => api.get<Items<Appeal>>(`/api/appeals${qs({ cycleId: cycle!.id })}`).then((r) => r.items),
  });
  const results = useQuery({
    queryKey: ['results', cycle?.id],
    enabled: !!cycle,
    queryFn: () => api.get<Items<Result>>(`/api/cycles/${cycle!.id}/results`).then((r) => r.items),
  });
  const resultById = new Map((results.data ?? []).map((r) => [r.id, r]));
  const [deciding, setDeciding] = useState<Appeal>();
  const rows = (appeals.data ?? []).filter((a) => !status || a.status === status);
  // The indicator's name, from the trees of the plans the listed appeals are about.
  const planIds = [
    ...new Set(rows.map((a) => resultById.get(a.resultId)?.planId).filter((x): x is string => !!x)),
  ];
  const trees = useQueries({
    queries: planIds.map((id) => ({
      queryKey: ['plan', id],
      queryFn: () => api.get<PlanDetailReply>(`/api/plans/${id}`),
      staleTime: 60_000,
    })),
  });
  const names = new Map<string, IndicatorNode>();
  trees.forEach((q, i) => {
    const walk = (ns: IndicatorNode[]) =>
      ns.forEach((n) => {
        names.set(`${planIds[i]}|${n.code}`, n);
        if (n.children) walk(n.children);
      });
    if (q.data?.tree) walk(q.data.tree);
  });
  const indicatorOf = (a: Appeal) => {
    const planId = resultById.get(a.resultId)?.planId;
    return planId ? names.get(`${planId}|${a.indicatorCode}`) : undefined;
  };

  return (
    <Card
      title={t('title')}
      extra={
        <Space wrap>
          <Select
            allowClear
            placeholder={t('allStatus')}
            aria-label={t('allStatus')}
            style={{ width: 140 }}
            value={status}
            onChange={setStatus}
            options={(['pending', 'accepted', 'rejected'] as const).map((s) => ({
              value: s,
              label: t(`statusOpts.${s}`),
            }))}
          />
          <CycleSelect value={cycle?.id} onChange={setCycleId} />
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      {appeals.error && <Alert type="error" message={errorText(appeals.error)} />}
      <Table<Appeal>
        rowKey="id"
        size="small"
        loading={appeals.isLoading}
        dataSource={rows}
        data-testid="appeals-table"
        locale={{ emptyText: t('none') }}
        scroll={{ x: 1090 }}
        pagination={{ defaultPageSize: 20, showTotal: (total) => t('console:common.total', { total }) }}
        expandable={{
          expandedRowRender: (a) => (
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('reason')}>{a.reason}</Descriptions.Item>
              {a.evidence.length > 0 && (
                <Descriptions.Item label={t('evidence')}>
                  <ul style={{ margin: 0, paddingLeft: 18 }}>
                    {a.evidence.map((e, i) => (
                      <li key={i}>{e}</li>
                    ))}
                  </ul>
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('files')}>
                <EvidenceFiles
                  listUrl={`/api/appeals/${a.id}/files`}
                  uploadUrl={a.can?.attach ? `/api/appeals/${a.id}/files` : undefined}
                  fileUrl={(id) => `/api/appeal-files/${id}`}
                  code={`appeal-${a.id}`}
                />
              </Descriptions.Item>
            </Descriptions>
          ),
        }}
        columns={[
          {
            title: t('createdAt'),
            dataIndex: 'createdAt',
            width: 160,
            render: (v: string) => fmtDateTime(v),
          },
          {
            title: t('appraisee'),
            render: (_, a) => {
              const r = resultById.get(a.resultId);
              return r ? pick(lang, r.appraiseeName, r.appraiseeNameEn) : '—';
            },
          },
          {
            title: t('indicator'),
            dataIndex: 'indicatorCode',
            width: 200,
            render: (code: string, a) => {
              const n = indicatorOf(a);
              return (
                <span data-testid="appeal-indicator">
                  <Typography.Text type="secondary">{code}</Typography.Text> {n ? nodeName(lang, n) : null}
                </span>
              );
            },
          },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 90,
            render: (v: Appeal['status']) => <Tag color={STATUS_COLORS[v]}>{t(`statusOpts.${v}`)}</Tag>,
          },
          {
            title: `${t('before')} → ${t('after')}`,
            key: 'change',
            width: 300,
            render: (_, a) => (
              <Space size={6} wrap data-testid="appeal-change">
                <Score s={a.totalBefore} />
                {a.decidedAt && (
                  <>
                    <ArrowRightOutlined />
                    <Score s={a.totalAfter} />
                    {a.totalBefore && a.totalAfter && a.totalAfter.total !== a.totalBefore.total && (
                      <Tag color={a.totalAfter.total > a.totalBefore.total ? 'green' : 'red'}>
                        {a.totalAfter.total > a.totalBefore.total ? '+' : ''}
                        {fmtNum(a.totalAfter.total - a.totalBefore.total)}
                      </Tag>
                    )}
                  </>
                )}
              </Space>
            ),
          },
          {
            title: t('decision'),
            // Decided: the decision; else the action when the server offers it (`can.decide`).
            render: (_, a) =>
              !a.decidedAt ? (
                a.can?.decide ? (
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => setDeciding(a)}
                    data-testid="appeal-decide"
                  >
                    {t('decide')}
                  </Button>
                ) : (
                  '—'
                )
              ) : (
                <div style={{ fontSize: 12 }}>
                  <div>{a.decisionReason}</div>
                  {a.correction && (
                    <Typography.Text type="secondary">
                      {t('corrected', { value: fmtNum(a.correction.value) })}
                      {a.correction.period ? ` (${a.correction.period})` : ''}
                    </Typography.Text>
                  )}
                  <div>
                    <Typography.Text type="secondary">{fmtDateTime(a.decidedAt)}</Typography.Text>
                  </div>
                </div>
              ),
          },
        ]}
      />
      <DecideModal appeal={deciding} onClose={() => setDeciding(undefined)} />
    </Card>
  );
}

interface DecideForm {
  decision: 'accepted' | 'rejected';
  reason: string;
  value?: number | null;
  period?: string;
}

function DecideModal({ appeal, onClose }: { appeal?: Appeal; onClose: () => void }) {
  const { t } = useTranslation('appeals');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<DecideForm>();
  const decision = Form.useWatch('decision', form);
  const decide = useMutation({
    mutationFn: (v: DecideForm) =>
      api.post<{ appeal: Appeal; revisions: AppealRevision[] }>(`/api/appeals/${appeal!.id}/decide`, {
        decision: v.decision,
        reason: v.reason,
        correction:
          v.decision === 'accepted' && v.value !== undefined && v.value !== null
            ? { value: v.value, period: v.period?.trim() || undefined }
            : undefined,
      }),
    onSuccess: (r) => {
      const own = r.revisions.find((x) => x.resultId === r.appeal.resultId);
      void message.success(
        [
          t('decided', { status: t(`statusOpts.${r.appeal.status}`) }),
          own && t('revised', { n: own.revision }),
          r.revisions.length > 1 && t('peersRevised', { n: r.revisions.length - 1 }),
        ]
          .filter(Boolean)
          .join(' · '),
      );
      void qc.invalidateQueries({ queryKey: ['revisions'] });
      void qc.invalidateQueries({ queryKey: ['publication'] });
      void qc.invalidateQueries({ queryKey: ['appeals'] });
      void qc.invalidateQueries({ queryKey: ['results'] });
      void qc.invalidateQueries({ queryKey: ['result'] });
      form.resetFields();
      onClose();
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, ['decision', 'reason']);
      const corr = rest.filter((x) => x.startsWith('correction'));
      if (corr.length) form.setFields([{ name: 'value', errors: corr }]);
      const other = rest.filter((x) => !x.startsWith('correction'));
      if (other.length) void message.error(other.join('; '));
    },
  });
  return (
    <Modal
      open={!!appeal}
      title={appeal ? t('decideTitle', { code: appeal.indicatorCode }) : ''}
      okText={t('console:common.confirm')}
      cancelText={t('console:common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: decide.isPending, 'data-testid': 'decide-submit' }}
      destroyOnHidden
    >
      {appeal && (
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
          <Descriptions.Item label={t('reason')}>{appeal.reason}</Descriptions.Item>
          {appeal.evidence.length > 0 && (
            <Descriptions.Item label={t('evidence')}>{appeal.evidence.join('; ')}</Descriptions.Item>
          )}
          <Descriptions.Item label={t('files')}>
            <EvidenceFiles
              listUrl={`/api/appeals/${appeal.id}/files`}
              fileUrl={(id) => `/api/appeal-files/${id}`}
              code={`decide-${appeal.id}`}
            />
          </Descriptions.Item>
          <Descriptions.Item label={t('before')}>
            <Score s={appeal.totalBefore} />
          </Descriptions.Item>
        </Descriptions>
      )}
      <Form<DecideForm>
        form={form}
        layout="vertical"
        initialValues={{ decision: 'accepted' }}
        onFinish={(v) => decide.mutate(v)}
        data-testid="decide-form"
      >
        <Form.Item name="decision" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'accepted', label: t('accept') },
              { value: 'rejected', label: t('reject') },
            ]}
          />
        </Form.Item>
        {decision !== 'rejected' && (
          <Typography.Paragraph type="secondary" data-testid="decide-revision-help">
            {t('revisionHelp')}
          </Typography.Paragraph>
        )}
        {decision !== 'rejected' && (
          <Space align="start" wrap>
            <Form.Item name="value" label={t('correction')} tooltip={t('correctionHelp')}>
              <InputNumber style={{ width: 200 }} data-testid="decide-value" />
            </Form.Item>
            <Form.Item
              name="period"
              label={t('period')}
              rules={[{ pattern: /^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/ }]}
            >
              <Input style={{ width: 200 }} placeholder="2025" />
            </Form.Item>
          </Space>
        )}
        <Form.Item name="reason" label={t('decisionReason')} rules={[{ required: true, min: 2 }]}>
          <Input.TextArea
            rows={3}
            maxLength={5000}
            placeholder={t('decisionReasonPlaceholder')}
            data-testid="decide-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
