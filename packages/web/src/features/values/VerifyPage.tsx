import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Input,
  List,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { BulkVerifyReply, QueuedValue, ValueQueueReply } from '@perfcommons/contracts';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { useCycles, useOrgs } from '../../console/queries';
import { pick } from '../../i18n';
import { api, ApiError, qs } from '../../shared/api';
import { fmtDateTime, fmtNum } from '../../shared/format';
import { EvidenceCell } from './Evidence';
import { StatusTag } from './shared';

const FILTERS = [
  'cycleId',
  'planId',
  'orgUnitId',
  'indicator',
  'status',
  'submittedFrom',
  'submittedTo',
] as const;
type Decision = 'verified' | 'rejected';

/**
 * 数据核验: the verifier's queue across plans — every value they may verify, filtered and paged by the
 * server (GET /api/values/queue), decided one by one or in bulk (POST /api/values/bulk-verify, each value
 * through the verify use case). Filters and page live in the address, so a link can open a filtered queue.
 */
export default function VerifyPage() {
  const { t, i18n } = useTranslation('values');
  const lang = i18n.language;
  useCrumbs([{ title: t('verifyTitle') }]);
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const cycles = useCycles();
  const orgs = useOrgs();
  const [selected, setSelected] = useState<QueuedValue[]>([]);
  const [rejecting, setRejecting] = useState<QueuedValue[] | null>(null);
  const [reason, setReason] = useState('');
  const [failures, setFailures] = useState<(BulkVerifyReply['failed'][number] & { label: string })[]>([]);

  const filters = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]));
  const page = Number(params.get('page') ?? 1) || 1;
  const pageSize = Number(params.get('pageSize') ?? 20) || 20;
  const set = (patch: Record<string, string | number | undefined | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch))
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    // A new filter starts again on its first page.
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
    setSelected([]);
  };

  const queryKey = ['value-queue', filters, page, pageSize];
  const queue = useQuery({
    queryKey,
    queryFn: () => api.get<ValueQueueReply>(`/api/values/queue${qs({ ...filters, page, pageSize })}`),
    placeholderData: keepPreviousData,
  });
  const refresh = () => {
    setSelected([]);
    void qc.invalidateQueries({ queryKey: ['value-queue'] });
    void qc.invalidateQueries({ queryKey: ['todo'] });
  };
  const label = (v: QueuedValue) =>
    `${pick(lang, v.appraiseeName, v.appraiseeNameEn)} · ${v.indicatorCode} · ${v.period}`;

  const decide = useMutation({
    // Each decision names the version reviewed: a value re-reported meanwhile fails with version_conflict.
    mutationFn: (v: { items: QueuedValue[]; decision: Decision; reason?: string }) =>
      api.post<BulkVerifyReply>('/api/values/bulk-verify', {
        decision: v.decision,
        reason: v.reason,
        items: v.items.map((i) => ({ id: i.id, version: i.version })),
      }),
    onSuccess: (r, v) => {
      if (r.done.length)
        void message.success(
          t(v.decision === 'verified' ? 'bulkVerified' : 'bulkRejected', { n: r.done.length }),
        );
      const byId = new Map(v.items.map((i) => [i.id, i]));
      setFailures(r.failed.map((f) => ({ ...f, label: byId.get(f.id) ? label(byId.get(f.id)!) : f.id })));
      setRejecting(null);
      setReason('');
      refresh();
    },
    onError: (e) => void message.error(errorText(e)),
  });

  const confirmVerify = (items: QueuedValue[]) => {
    if (items.length === 1) return decide.mutate({ items, decision: 'verified' });
    Modal.confirm({
      title: t('bulkVerifyConfirm', { n: items.length }),
      content: t('bulkVerifyHint'),
      okText: t('verify'),
      cancelText: t('console:common.cancel'),
      onOk: () => decide.mutateAsync({ items, decision: 'verified' }),
    });
  };

  const d = queue.data;
  const units = (orgs.data ?? []).filter((o) => o.kind !== 'government');
  const canDecide = (v: QueuedValue) => v.can.verify;
  const range: [dayjs.Dayjs, dayjs.Dayjs] | null =
    filters.submittedFrom && filters.submittedTo
      ? [dayjs(filters.submittedFrom), dayjs(filters.submittedTo)]
      : null;

  return (
    <Card title={t('verifyTitle')} data-testid="verify-queue">
      <Typography.Paragraph type="secondary">{t('queueHint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }} data-testid="queue-filters">
        <Select
          allowClear
          style={{ minWidth: 220 }}
          placeholder={t('allCycles')}
          aria-label={t('filterCycle')}
          value={filters.cycleId}
          onChange={(v) => set({ cycleId: v })}
          data-testid="queue-cycle"
          options={(cycles.data ?? [])
            .slice()
            .sort((a, b) => b.periodStart.localeCompare(a.periodStart))
            .map((c) => ({ value: c.id, label: pick(lang, c.name, c.nameEn) }))}
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 200 }}
          placeholder={t('allUnits')}
          aria-label={t('filterUnit')}
          value={filters.orgUnitId}
          onChange={(v) => set({ orgUnitId: v })}
          data-testid="queue-unit"
          options={units.map((u) => ({ value: u.id, label: pick(lang, u.name, u.nameEn) }))}
        />
        <Input.Search
          allowClear
          style={{ width: 200 }}
          placeholder={t('filterIndicator')}
          aria-label={t('filterIndicator')}
          defaultValue={filters.indicator}
          onSearch={(v) => set({ indicator: v.trim() })}
          data-testid="queue-indicator"
        />
        <Select
          style={{ width: 130 }}
          aria-label={t('status')}
          value={filters.status ?? 'reported'}
          onChange={(v) => set({ status: v === 'reported' ? undefined : v })}
          data-testid="queue-status"
          options={['reported', 'rejected', 'verified'].map((s) => ({
            value: s,
            label: t(`common:valueStatus.${s}`),
          }))}
        />
        <DatePicker.RangePicker
          aria-label={t('filterSubmitted')}
          placeholder={[t('submittedFrom'), t('submittedTo')]}
          value={range}
          onChange={(r) =>
            set({
              submittedFrom: r?.[0]?.format('YYYY-MM-DD'),
              submittedTo: r?.[1]?.format('YYYY-MM-DD'),
            })
          }
        />
        {filters.planId && (
          <Tag closable onClose={() => set({ planId: undefined })} data-testid="queue-plan-filter">
            {t('onePlan')}
          </Tag>
        )}
      </Space>
      {queue.isError && <Alert type="error" showIcon message={errorText(queue.error)} />}
      {failures.length > 0 && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setFailures([])}
          style={{ marginBottom: 12 }}
          message={t('bulkFailed', { n: failures.length })}
          description={
            <List
              size="small"
              dataSource={failures}
              renderItem={(f) => (
                <List.Item>
                  {f.label}：{errorText(new ApiError(409, f.error, f.message))}
                </List.Item>
              )}
            />
          }
          data-testid="bulk-failures"
        />
      )}
      <Space style={{ marginBottom: 8 }} wrap>
        <Typography.Text type="secondary" data-testid="queue-total">
          {t('queueTotal', { n: d?.total ?? 0 })}
        </Typography.Text>
        {selected.length > 0 && (
          <>
            <Typography.Text strong>{t('selectedN', { n: selected.length })}</Typography.Text>
            <Button
              type="primary"
              size="small"
              icon={<CheckOutlined />}
              loading={decide.isPending}
              onClick={() => confirmVerify(selected)}
              data-testid="bulk-verify"
            >
              {t('bulkVerify')}
            </Button>
            <Button
              danger
              size="small"
              icon={<CloseOutlined />}
              onClick={() => setRejecting(selected)}
              data-testid="bulk-reject"
            >
              {t('bulkReject')}
            </Button>
          </>
        )}
      </Space>
      <Table<QueuedValue>
        rowKey="id"
        size="small"
        loading={queue.isFetching}
        dataSource={d?.items ?? []}
        scroll={{ x: 1560 }}
        rowSelection={{
          selectedRowKeys: selected.map((s) => s.id),
          onChange: (_, rows) => setSelected(rows),
          getCheckboxProps: (v) => ({ disabled: !canDecide(v), 'aria-label': label(v) }),
        }}
        pagination={{
          current: page,
          pageSize,
          total: d?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          onChange: (p, s) => set({ page: p === 1 ? undefined : p, pageSize: s === 20 ? undefined : s }),
        }}
        columns={[
          {
            title: t('appraiseePlan'),
            key: 'plan',
            width: 240,
            render: (_, v) => (
              <Space direction="vertical" size={0}>
                <Typography.Text>{pick(lang, v.appraiseeName, v.appraiseeNameEn)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {pick(lang, v.cycleName, v.cycleNameEn)}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('indicator'),
            key: 'indicator',
            width: 220,
            render: (_, v) => `${v.indicatorCode} ${pick(lang, v.indicatorName, v.indicatorNameEn)}`,
          },
          { title: t('period'), dataIndex: 'period', width: 90 },
          {
            title: t('value'),
            key: 'value',
            width: 150,
            render: (_, v) => {
              const out =
                (v.plausibleMin !== null && v.value < v.plausibleMin) ||
                (v.plausibleMax !== null && v.value > v.plausibleMax);
              return (
                <Space size={4} wrap>
                  {fmtNum(v.value, 4)}
                  {v.unit}
                  {out && <Tag color="orange">{t('outOfRange')}</Tag>}
                </Space>
              );
            },
          },
          { title: t('note'), dataIndex: 'note', width: 140, render: (n) => n || '—' },
          {
            title: t('evidence'),
            key: 'evidence',
            width: 220,
            render: (_, v) =>
              v.evidenceCount > 0 ? (
                <EvidenceCell valueId={v.id} code={v.indicatorCode} canUpload={false} />
              ) : (
                <Typography.Text type="secondary">{t('noEvidence')}</Typography.Text>
              ),
          },
          {
            title: t('submittedAt'),
            dataIndex: 'reportedAt',
            width: 150,
            render: (at: string) => fmtDateTime(at),
          },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 90,
            render: (s: string) => <StatusTag status={s} />,
          },
          {
            title: t('console:common.actions'),
            key: 'a',
            fixed: 'right',
            width: 170,
            render: (_, v) =>
              canDecide(v) && (
                <Space>
                  <Button size="small" type="primary" onClick={() => confirmVerify([v])}>
                    {t('verify')}
                  </Button>
                  {v.status !== 'rejected' && (
                    <Button size="small" danger onClick={() => setRejecting([v])}>
                      {t('reject')}
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
      <Modal
        open={!!rejecting}
        title={
          rejecting && rejecting.length > 1 ? t('bulkRejectTitle', { n: rejecting.length }) : t('reject')
        }
        okText={t('reject')}
        okButtonProps={{
          danger: true,
          disabled: !reason.trim(),
          loading: decide.isPending,
          'data-testid': 'reject-ok',
        }}
        cancelText={t('console:common.cancel')}
        onCancel={() => setRejecting(null)}
        onOk={() =>
          rejecting && decide.mutate({ items: rejecting, decision: 'rejected', reason: reason.trim() })
        }
        destroyOnHidden
      >
        <Input.TextArea
          rows={3}
          aria-label={t('rejectReason')}
          placeholder={t('rejectReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="reject-reason"
        />
      </Modal>
    </Card>
  );
}
