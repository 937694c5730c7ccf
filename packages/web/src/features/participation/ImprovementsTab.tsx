import { useState } from 'react';
import { App, Button, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { ActionFields, type DateLike } from './ActionFields';
import { api, qs } from '../../shared/api';
import { fmtDate } from '../../shared/format';
import type { PublicImprovementListReply } from '@perfcommons/contracts';
import { IMPROVEMENT_ACTION_STATUSES } from '@perfcommons/contracts/enums';

export function ImprovementsTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-improvements', planId];
  const list = useQuery({
    queryKey: key,
    queryFn: () =>
      api.get<PublicImprovementListReply>(`/api/public/participation/improvements${qs({ planId })}`),
  });
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const create = useMutation({
    mutationFn: (v: {
      title: string;
      summary?: string;
      actions: { action: string; owner: string; deadline: DateLike }[];
    }) =>
      api.post(`/api/participation/plans/${planId}/improvements`, {
        title: v.title,
        summary: v.summary || undefined,
        actions: v.actions.map((a) => ({ ...a, deadline: a.deadline.format('YYYY-MM-DD') })),
      }),
    onSuccess: () => {
      setOpen(false);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  const [evidence, setEvidence] = useState<Record<string, string>>({});
  const update = useMutation({
    mutationFn: (b: { id: string; status: string; evidence?: string }) =>
      api.post(`/api/participation/improvement-actions/${b.id}`, {
        status: b.status,
        evidence: b.evidence || undefined,
      }),
    onSuccess: () => {
      message.success(t('saved'));
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)} style={{ marginBottom: 12 }}>
        {t('createImprovement')}
      </Button>
      {(list.data?.items ?? []).map((ip) => (
        <div key={ip.id} style={{ marginBottom: 16 }}>
          <Typography.Title level={5}>
            {ip.title} <Tag>{t('followers', { n: ip.followers })}</Tag>
          </Typography.Title>
          {ip.summary && <Typography.Paragraph type="secondary">{ip.summary}</Typography.Paragraph>}
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={ip.actions}
            columns={[
              { title: t('action'), dataIndex: 'action' },
              { title: t('owner'), dataIndex: 'owner', width: 120 },
              {
                title: t('deadline'),
                dataIndex: 'deadline',
                width: 140,
                render: (d: string, a) => (
                  <>
                    {fmtDate(d)} {a.overdue && <Tag color="red">{t('overdue')}</Tag>}
                  </>
                ),
              },
              {
                title: t('evidence'),
                width: 260,
                render: (_, a) => (
                  <Input
                    size="small"
                    value={evidence[a.id] ?? a.evidence ?? ''}
                    onChange={(e) => setEvidence({ ...evidence, [a.id]: e.target.value })}
                  />
                ),
              },
              {
                title: '',
                width: 140,
                render: (_, a) => (
                  <Select
                    size="small"
                    style={{ width: 120 }}
                    value={a.status}
                    onChange={(status) =>
                      update.mutate({ id: a.id, status, evidence: evidence[a.id] ?? a.evidence ?? undefined })
                    }
                    options={IMPROVEMENT_ACTION_STATUSES.map((s) => ({
                      value: s,
                      label: t(`actionStatus.${s}`),
                    }))}
                  />
                ),
              },
            ]}
          />
        </div>
      ))}
      <Modal
        open={open}
        title={t('createImprovement')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        width={680}
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => create.mutate(v)}
          initialValues={{ actions: [{}] }}
        >
          <Form.Item name="title" label={t('improvementTitle')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="summary" label={t('summary')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <ActionFields />
        </Form>
      </Modal>
    </>
  );
}
