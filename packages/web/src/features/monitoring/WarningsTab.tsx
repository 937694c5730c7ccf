import { useState } from 'react';
import { Button, DatePicker, Form, Input, Modal, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import { ColourTag, pct } from './parts';
import type { EarlyWarning as Warning, RunWarningsReply, WarningListReply } from '@perfcommons/contracts';
import type { TrajectoryColour as Colour } from '@perfcommons/contracts/enums';
import { useMonitoring } from './api';
import { useRun } from './useRun';
import { TaskTag } from './TasksTab';

/** Early warnings of the cycle, worst first, with their correction tasks. */
export function WarningsTab({ cycleId, canRun }: { cycleId?: string; canRun: boolean }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<WarningListReply>(
    'warnings',
    cycleId,
    `/api/monitoring/warnings?cycleId=${cycleId}`,
  );
  const run = useRun(
    'warnings',
    () => api.post<RunWarningsReply>('/api/monitoring/warnings/run', { cycleId }),
    (r) => t('warningsRun', r),
  );
  const [tasking, setTasking] = useState<Warning | null>(null);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {canRun && (
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
              ) : w.can.assignTask ? (
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
