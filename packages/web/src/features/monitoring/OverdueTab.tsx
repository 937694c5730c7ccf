import { Button, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate, fmtDateTime } from '../../shared/format';
import type { OverdueReply, OverdueReport as Overdue, RemindersReply } from '@perfcommons/contracts';
import { useMonitoring } from './api';
import { useRun } from './useRun';

/** Missing reports past their deadline; reminders and escalations. */
export function OverdueTab({ cycleId, canRemind }: { cycleId?: string; canRemind: boolean }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<OverdueReply>('overdue', cycleId, `/api/monitoring/overdue?cycleId=${cycleId}`);
  const run = useRun(
    'reminders',
    () =>
      api.post<RemindersReply>('/api/monitoring/reminders/run', {
        cycleId,
      }),
    (r) => t('remindersRun', r),
  );
  const sent = (at: string | null) => (at ? t('sent', { at: fmtDateTime(at) }) : t('notSent'));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {canRemind && (
        <Button onClick={() => run.mutate()} loading={run.isPending} data-testid="run-reminders">
          {t('runReminders')}
        </Button>
      )}
      <Table<Overdue>
        rowKey={(r) => `${r.planId}|${r.period}`}
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        data-testid="overdue-table"
        columns={[
          {
            title: t('appraisee'),
            key: 'a',
            render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
          },
          { title: t('period'), dataIndex: 'period' },
          { title: t('deadlineCol'), dataIndex: 'deadline', render: fmtDate },
          {
            title: t('daysOverdue'),
            key: 'd',
            render: (_, r) => (
              <Space size={4}>
                {r.daysOverdue}
                {r.escalated && <Tag color="red">{t('escalated')}</Tag>}
              </Space>
            ),
          },
          { title: t('missing'), key: 'm', render: (_, r) => r.missing.join(', ') },
          { title: t('reminder'), key: 'r', render: (_, r) => sent(r.reminderSentAt) },
          {
            title: t('escalation'),
            key: 'e',
            render: (_, r) => (r.escalated ? sent(r.escalationSentAt) : '—'),
          },
        ]}
      />
    </Space>
  );
}
