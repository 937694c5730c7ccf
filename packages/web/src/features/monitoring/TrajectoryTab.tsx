import { Alert, Button, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate, fmtNum } from '../../shared/format';
import { ColourTag, pct } from './parts';
import type {
  CycleTrajectoryReply,
  LeafTrajectory,
  PeriodListReply,
  PlanTrajectory,
} from '@perfcommons/contracts';
import type { TrajectoryColour as Colour } from '@perfcommons/contracts/enums';
import { COLOURS, TAG_COLOURS, useMonitoring } from './api';
import { useRun } from './useRun';

/** Traffic lights of the cycle's plans against their trajectories; the reporting calendar. */
export function TrajectoryTab({ cycleId, canSetPeriods }: { cycleId?: string; canSetPeriods: boolean }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<CycleTrajectoryReply>(
    'trajectory',
    cycleId,
    `/api/monitoring/trajectory?cycleId=${cycleId}`,
  );
  const setPeriods = useRun(
    'periods',
    () =>
      api.put<PeriodListReply>('/api/monitoring/periods', {
        cycleId,
        frequency: 'quarterly',
        deadlineDays: 15,
        graceDays: 7,
      }),
    (r) => t('periodsSet', { n: r.items.length }),
  );
  const periods = q.data?.periods ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {q.data && periods.length === 0 && (
        <Alert
          type="info"
          message={t('noPeriods')}
          action={
            canSetPeriods && (
              <Button size="small" onClick={() => setPeriods.mutate()} loading={setPeriods.isPending}>
                {t('setPeriods')}
              </Button>
            )
          }
        />
      )}
      {periods.length > 0 && (
        <Typography.Text type="secondary">
          {periods.map((p) => `${p.period} ≤ ${fmtDate(p.deadline)}`).join(' · ')}
        </Typography.Text>
      )}
      <Typography.Text type="secondary">{t('rollupHint')}</Typography.Text>
      <Table<PlanTrajectory>
        rowKey="planId"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        data-testid="trajectory-table"
        expandable={{
          rowExpandable: (r) => r.leaves.length > 0,
          expandedRowRender: (r) => <LeafTable leaves={r.leaves} />,
        }}
        columns={[
          {
            title: t('appraisee'),
            key: 'name',
            render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
          },
          {
            title: t('status'),
            dataIndex: 'status',
            filters: (['red', 'yellow', 'green'] as const).map((c) => ({ text: t(`colour.${c}`), value: c })),
            onFilter: (v, r) => r.status === v,
            sorter: (a, b) => rank(a.status) - rank(b.status),
            render: (s: Colour | null) => <ColourTag status={s} />,
          },
          {
            title: t('counts'),
            key: 'counts',
            render: (_, r) => (
              <Space size={4}>
                {(['green', 'yellow', 'red'] as const).map((c) => (
                  <span key={c} style={{ color: COLOURS[c], fontWeight: 600 }}>
                    {r.counts[c]}
                  </span>
                ))}
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );
}

const rank = (s: Colour | null) => (s === 'red' ? 0 : s === 'yellow' ? 1 : s === 'green' ? 2 : 3);

export function LeafTable({ leaves }: { leaves: LeafTrajectory[] }) {
  const { t, i18n } = useTranslation('monitoring');
  return (
    <Table<LeafTrajectory>
      rowKey="code"
      size="small"
      pagination={false}
      dataSource={leaves}
      columns={[
        {
          title: t('indicator'),
          key: 'n',
          render: (_, l) => `${l.code} ${pick(i18n.language, l.name, l.nameEn)}`,
        },
        {
          title: t('period'),
          key: 'p',
          render: (_, l) =>
            l.points.map((p) => (
              <Tooltip
                key={p.period}
                title={`${t('expected')} ${fmtNum(p.expected)} · ${t('actual')} ${fmtNum(p.value)}`}
              >
                <Tag color={TAG_COLOURS[p.status]}>{p.period.slice(5)}</Tag>
              </Tooltip>
            )),
        },
        {
          title: t('expected'),
          key: 'e',
          render: (_, l) => (l.latest ? `${fmtNum(l.latest.expected)} ${l.unit ?? ''}` : '—'),
        },
        {
          title: t('actual'),
          key: 'a',
          render: (_, l) => (l.latest ? `${fmtNum(l.latest.value)} ${l.unit ?? ''}` : '—'),
        },
        {
          title: t('shortfall'),
          key: 's',
          render: (_, l) => (l.latest ? pct(l.latest.shortfallShare) : '—'),
        },
        { title: t('status'), dataIndex: 'status', render: (s: Colour | null) => <ColourTag status={s} /> },
      ]}
    />
  );
}
