import { useState } from 'react';
import { App, Button, DatePicker, Form, Input, Modal, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { ActionFields } from './ActionFields';
import { api } from '../../shared/api';
import { fmtDate } from '../../shared/format';
import type { CounselingListReply, CounselingSession as Counseling } from '@perfcommons/contracts';

const lines = (s?: string) =>
  (s ?? '')
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

export function CounselingTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-counseling', planId];
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<CounselingListReply>(`/api/public/participation/plans/${planId}/counseling`),
  });
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const save = useMutation({
    mutationFn: (v: {
      heldOn: { format(f: string): string };
      attendees?: string;
      issues?: string;
      summary?: string;
      actions?: { action: string; owner: string; deadline: { format(f: string): string } }[];
    }) =>
      api.post(`/api/participation/plans/${planId}/counseling`, {
        heldOn: v.heldOn.format('YYYY-MM-DD'),
        attendees: lines(v.attendees),
        issues: lines(v.issues),
        summary: v.summary || undefined,
        actions: (v.actions ?? []).map((a) => ({ ...a, deadline: a.deadline.format('YYYY-MM-DD') })),
      }),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  return (
    <>
      <Button
        type="primary"
        onClick={() => setOpen(true)}
        style={{ marginBottom: 12 }}
        data-testid="part-counseling-new"
      >
        {t('tabs.counseling')} +
      </Button>
      <Table
        rowKey="id"
        size="small"
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('heldOn'), dataIndex: 'heldOn', width: 110, render: (d: string) => fmtDate(d) },
          { title: t('attendees'), dataIndex: 'attendees', render: (a: string[]) => a.join('、') },
          { title: t('issues'), dataIndex: 'issues', render: (a: string[]) => a.join('；') },
          {
            title: t('actions'),
            dataIndex: 'actions',
            render: (a: Counseling['actions']) =>
              a.map((x, i) => <div key={i}>{`${x.action}（${x.owner}，${fmtDate(x.deadline)}）`}</div>),
          },
        ]}
      />
      <Modal
        open={open}
        title={t('tabs.counseling')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        width={640}
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item name="heldOn" label={t('heldOn')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="attendees" label={t('attendees')} rules={[{ required: true }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="issues" label={t('issues')}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <ActionFields />
          <Form.Item name="summary" label={t('summary')} style={{ marginTop: 12 }}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
