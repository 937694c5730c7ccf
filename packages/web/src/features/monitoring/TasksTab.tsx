import { useState } from 'react';
import { Button, Input, Modal, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate } from '../../shared/format';
import type { CorrectionTaskListItem as Task, TaskListReply } from '@perfcommons/contracts';
import type { TaskStatus } from '@perfcommons/contracts/enums';
import { useMonitoring } from './api';
import { useRun } from './useRun';

export function TaskTag({ status, overdue }: { status: TaskStatus; overdue?: boolean }) {
  const { t } = useTranslation('monitoring');
  const colour = status === 'closed' ? 'green' : status === 'in_progress' ? 'blue' : 'orange';
  return (
    <Space size={2}>
      <Tag color={colour}>{t(`taskStatus.${status}`)}</Tag>
      {overdue && <Tag color="red">{t('overdueFlag')}</Tag>}
    </Space>
  );
}

/** Correction tasks the user follows or owns, open first; each with what the user may do with it (`can`). */
export function TasksTab({ cycleId }: { cycleId?: string }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<TaskListReply>('tasks', cycleId, `/api/monitoring/tasks?cycleId=${cycleId}`);
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
                {r.can.start && (
                  <Button size="small" onClick={() => step.mutate({ id: r.id, status: 'in_progress' })}>
                    {t('start')}
                  </Button>
                )}
                {r.can.close && (
                  <Button size="small" type="primary" onClick={() => setClosing(r)}>
                    {t('close')}
                  </Button>
                )}
                {r.can.reopen && (
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
