import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { hasRole, useMe } from '../../console/auth';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate, fmtDateTime, fmtNum } from '../../shared/format';
import { ChangeList, ColourTag, RevisionTag } from './parts';
import {
  COLOURS,
  TAG_COLOURS,
  useMonitoring,
  type Benford,
  type Colour,
  type FlagItem,
  type LeafTrajectory,
  type Overdue,
  type Period,
  type PlanTrajectory,
  type Revision,
  type Task,
  type TaskStatus,
  type Warning,
} from './api';

const pct = (x: number) => `${fmtNum(x * 100, 1)}%`;

export default function MonitoringPage() {
  const { t } = useTranslation('monitoring');
  useCrumbs([{ title: t('title') }]);
  const me = useMe().data!;
  const office = hasRole(me, 'office', 'admin');
  const verifier = office || hasRole(me, 'verifier');
  const { cycle, setCycleId } = useCycleParam((c) => c.type === 'annual');
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'trajectory';
  const cycleId = cycle?.id;
  const tabs = [
    {
      key: 'trajectory',
      label: t('tabs.trajectory'),
      children: <TrajectoryTab cycleId={cycleId} office={office} />,
    },
    {
      key: 'warnings',
      label: t('tabs.warnings'),
      children: <WarningsTab cycleId={cycleId} office={office} />,
    },
    { key: 'tasks', label: t('tabs.tasks'), children: <TasksTab cycleId={cycleId} office={office} /> },
    { key: 'overdue', label: t('tabs.overdue'), children: <OverdueTab cycleId={cycleId} office={office} /> },
    verifier && { key: 'flags', label: t('tabs.flags'), children: <FlagsTab cycleId={cycleId} /> },
    { key: 'revisions', label: t('tabs.revisions'), children: <RevisionsTab cycleId={cycleId} /> },
  ].filter(Boolean) as { key: string; label: string; children: React.ReactNode }[];
  return (
    <Card title={t('title')} extra={<CycleSelect value={cycleId} onChange={setCycleId} />}>
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(k) => {
          const next = new URLSearchParams(params);
          next.set('tab', k);
          setParams(next, { replace: true });
        }}
        items={tabs}
      />
    </Card>
  );
}

function useRun<T, V = void>(key: string, fn: (v: V) => Promise<T>, done: (r: T) => string) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationKey: [key],
    mutationFn: fn,
    onSuccess: (r) => {
      void message.success(done(r));
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
      void qc.invalidateQueries({ queryKey: ['notifications'] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
}

function TrajectoryTab({ cycleId, office }: { cycleId?: string; office: boolean }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<{ periods: Period[]; items: PlanTrajectory[] }>(
    'trajectory',
    cycleId,
    `/api/monitoring/trajectory?cycleId=${cycleId}`,
  );
  const setPeriods = useRun(
    'periods',
    () =>
      api.put<{ items: Period[] }>('/api/monitoring/periods', {
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
            office && (
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

function WarningsTab({ cycleId, office }: { cycleId?: string; office: boolean }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const me = useMe().data!;
  const canAssign = office || hasRole(me, 'unit_manager');
  const q = useMonitoring<{ items: Warning[] }>(
    'warnings',
    cycleId,
    `/api/monitoring/warnings?cycleId=${cycleId}`,
  );
  const run = useRun(
    'warnings',
    () => api.post<{ raised: number; notified: number }>('/api/monitoring/warnings/run', { cycleId }),
    (r) => t('warningsRun', r),
  );
  const [tasking, setTasking] = useState<Warning | null>(null);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {office && (
        <Button onClick={() => run.mutate()} loading={run.isPending} data-testid="run-warnings">
          {t('runWarnings')}
        </Button>
      )}
      <Table<Warning>
        rowKey="id"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        data-testid="warnings-table"
        columns={[
          {
            title: t('appraisee'),
            key: 'a',
            render: (_, w) => pick(lang, w.appraiseeName, w.appraiseeNameEn),
          },
          {
            title: t('indicator'),
            key: 'i',
            render: (_, w) => `${w.indicatorCode} ${pick(lang, w.indicatorName, w.indicatorNameEn)}`,
          },
          { title: t('period'), dataIndex: 'period' },
          { title: t('status'), dataIndex: 'status', render: (s: Colour) => <ColourTag status={s} /> },
          { title: t('expected'), key: 'e', render: (_, w) => `${fmtNum(w.expected)} ${w.unit ?? ''}` },
          { title: t('actual'), key: 'v', render: (_, w) => `${fmtNum(w.actual)} ${w.unit ?? ''}` },
          { title: t('shortfall'), dataIndex: 'shortfallShare', render: pct },
          {
            title: t('tasks'),
            key: 't',
            render: (_, w) =>
              w.tasks.length ? (
                w.tasks.map((x) => <TaskTag key={x.id} status={x.status} />)
              ) : canAssign ? (
                <Button size="small" onClick={() => setTasking(w)} data-testid="create-task">
                  {t('createTask')}
                </Button>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {tasking && <TaskModal warning={tasking} onClose={() => setTasking(null)} />}
    </Space>
  );
}

function TaskTag({ status, overdue }: { status: TaskStatus; overdue?: boolean }) {
  const { t } = useTranslation('monitoring');
  const colour = status === 'closed' ? 'green' : status === 'in_progress' ? 'blue' : 'orange';
  return (
    <Space size={2}>
      <Tag color={colour}>{t(`taskStatus.${status}`)}</Tag>
      {overdue && <Tag color="red">{t('overdueFlag')}</Tag>}
    </Space>
  );
}

function TaskModal({ warning, onClose }: { warning: Warning; onClose: () => void }) {
  const { t, i18n } = useTranslation('monitoring');
  const [form] = Form.useForm<{ deadline: { format: (f: string) => string }; title?: string }>();
  const create = useRun(
    'task',
    async () => {
      const v = await form.validateFields();
      return api.post(`/api/monitoring/warnings/${warning.id}/tasks`, {
        deadline: v.deadline.format('YYYY-MM-DD'),
        title: v.title || undefined,
      });
    },
    () => t('taskTitle'),
  );
  return (
    <Modal
      open
      title={`${t('taskTitle')}: ${warning.indicatorCode} ${pick(i18n.language, warning.indicatorName, warning.indicatorNameEn)}`}
      onCancel={onClose}
      okText={t('createTask')}
      confirmLoading={create.isPending}
      onOk={() => create.mutateAsync().then(onClose)}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="title" label={t('taskTitle')}>
          <Input maxLength={300} />
        </Form.Item>
        <Form.Item name="deadline" label={t('deadline')} rules={[{ required: true }]}>
          <DatePicker />
        </Form.Item>
        <Typography.Text type="secondary">{t('ownerDefault')}</Typography.Text>
      </Form>
    </Modal>
  );
}

function TasksTab({ cycleId, office }: { cycleId?: string; office: boolean }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<{ items: Task[] }>('tasks', cycleId, `/api/monitoring/tasks?cycleId=${cycleId}`);
  const [closing, setClosing] = useState<Task | null>(null);
  const [resolution, setResolution] = useState('');
  const step = useRun(
    'task-status',
    (v: { id: string; status: TaskStatus; resolution?: string }) =>
      api.post(`/api/monitoring/tasks/${v.id}/status`, { status: v.status, resolution: v.resolution }),
    () => t('taskTitle'),
  );
  return (
    <>
      <Table<Task>
        rowKey="id"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        data-testid="tasks-table"
        columns={[
          {
            title: t('appraisee'),
            key: 'a',
            render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
          },
          { title: t('taskTitle'), dataIndex: 'title' },
          { title: t('owner'), key: 'o', render: (_, r) => pick(lang, r.ownerName, r.ownerNameEn) },
          { title: t('deadline'), dataIndex: 'deadline', render: fmtDate },
          {
            title: t('status'),
            key: 's',
            render: (_, r) => <TaskTag status={r.status} overdue={r.overdue} />,
          },
          { title: t('resolution'), dataIndex: 'resolution', render: (v) => v || '—' },
          {
            title: t('console:common.actions'),
            key: 'x',
            render: (_, r) => (
              <Space>
                {r.status === 'open' && (
                  <Button size="small" onClick={() => step.mutate({ id: r.id, status: 'in_progress' })}>
                    {t('start')}
                  </Button>
                )}
                {r.status !== 'closed' && (
                  <Button size="small" type="primary" onClick={() => setClosing(r)}>
                    {t('close')}
                  </Button>
                )}
                {r.status === 'closed' && office && (
                  <Button size="small" onClick={() => step.mutate({ id: r.id, status: 'open' })}>
                    {t('reopen')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!closing}
        title={t('close')}
        okButtonProps={{ disabled: !resolution.trim(), loading: step.isPending }}
        onCancel={() => setClosing(null)}
        onOk={() =>
          closing &&
          step.mutateAsync({ id: closing.id, status: 'closed', resolution: resolution.trim() }).then(() => {
            setClosing(null);
            setResolution('');
          })
        }
      >
        <Input.TextArea
          rows={4}
          placeholder={t('resolutionRequired')}
          value={resolution}
          onChange={(e) => setResolution(e.target.value)}
        />
      </Modal>
    </>
  );
}

function OverdueTab({ cycleId, office }: { cycleId?: string; office: boolean }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<{ asOf: string; items: Overdue[] }>(
    'overdue',
    cycleId,
    `/api/monitoring/overdue?cycleId=${cycleId}`,
  );
  const run = useRun(
    'reminders',
    () =>
      api.post<{ reminders: number; escalations: number; notified: number }>(
        '/api/monitoring/reminders/run',
        {
          cycleId,
        },
      ),
    (r) => t('remindersRun', r),
  );
  const sent = (at: string | null) => (at ? t('sent', { at: fmtDateTime(at) }) : t('notSent'));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {office && (
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

function FlagsTab({ cycleId }: { cycleId?: string }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<{ items: FlagItem[]; benford: Benford[] }>(
    'flags',
    cycleId,
    `/api/monitoring/flags?cycleId=${cycleId}`,
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Table<FlagItem>
        rowKey="valueId"
        size="small"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        data-testid="flags-table"
        columns={[
          {
            title: t('appraisee'),
            key: 'a',
            render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
          },
          {
            title: t('indicator'),
            key: 'i',
            render: (_, r) => `${r.indicatorCode} ${pick(lang, r.indicatorName, r.indicatorNameEn)}`,
          },
          { title: t('period'), dataIndex: 'period' },
          { title: t('actual'), dataIndex: 'value', render: (v: number) => fmtNum(v, 4) },
          {
            title: t('tabs.flags'),
            key: 'f',
            render: (_, r) =>
              r.flags.map((f) => (
                <Tooltip key={f.kind} title={f.message}>
                  <Tag color="orange">{t(`flagKind.${f.kind}`)}</Tag>
                </Tooltip>
              )),
          },
          {
            title: t('valueStatus'),
            dataIndex: 'status',
            render: (s: string) => <Tag>{t(`valueStatus.${s}`, { ns: 'common', defaultValue: s })}</Tag>,
          },
          {
            title: '',
            key: 'o',
            render: (_, r) => <Link to={`/verify?planId=${r.planId}&cycleId=${cycleId}`}>{t('open')}</Link>,
          },
        ]}
      />
      <Card size="small" title={t('benford')}>
        <Typography.Paragraph type="secondary">{t('benfordHint')}</Typography.Paragraph>
        <Table<Benford>
          rowKey="planId"
          size="small"
          dataSource={(q.data?.benford ?? []).slice().sort((a, b) => b.mad - a.mad)}
          pagination={{ pageSize: 10 }}
          columns={[
            {
              title: t('appraisee'),
              key: 'a',
              render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
            },
            { title: t('benfordN'), dataIndex: 'n' },
            { title: 'χ²', dataIndex: 'chiSquare', render: (v: number) => fmtNum(v, 2) },
            { title: 'MAD', dataIndex: 'mad', render: (v: number) => fmtNum(v, 4) },
            {
              title: t('status'),
              key: 'c',
              render: (_, r) => (
                <Space size={4}>
                  {t(`conformity.${r.conformity}`)}
                  {r.flagged && <Tag color="red">{t('flagged')}</Tag>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

function RevisionsTab({ cycleId }: { cycleId?: string }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<{ items: Revision[] }>(
    'revisions',
    cycleId,
    `/api/monitoring/revisions?cycleId=${cycleId}`,
  );
  return (
    <Table<Revision>
      rowKey="id"
      size="small"
      loading={q.isLoading}
      dataSource={q.data?.items ?? []}
      columns={[
        {
          title: t('appraisee'),
          key: 'a',
          render: (_, r) => (
            <Link to={`/plans/${r.planId}`}>{pick(lang, r.appraiseeName, r.appraiseeNameEn)}</Link>
          ),
        },
        { title: t('change'), key: 'c', render: (_, r) => <ChangeList changes={r.changes} /> },
        { title: t('justification'), dataIndex: 'justification' },
        { title: t('requestedAt'), dataIndex: 'requestedAt', render: fmtDateTime },
        { title: t('status'), dataIndex: 'status', render: (s: string) => <RevisionTag status={s} /> },
      ]}
    />
  );
}
