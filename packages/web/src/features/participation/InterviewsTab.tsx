import { useState } from 'react';
import {
  App,
  Button,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api, qs } from '../../shared/api';
import { fmtDate } from '../../shared/format';
import type { DateLike } from './ActionFields';
import type {
  FeedbackInterviewListReply,
  FeedbackInterviewWithSeats as Interview,
  SeatProposalListReply,
} from '@perfcommons/contracts';

export function InterviewsTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-interviews', planId];
  const [n, setN] = useState(5);
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<FeedbackInterviewListReply>(`/api/participation/plans/${planId}/interviews`),
  });
  const proposals = useQuery({
    queryKey: ['part-seats', planId, n],
    queryFn: () =>
      api.get<SeatProposalListReply>(`/api/participation/plans/${planId}/seat-proposals${qs({ n })}`),
  });
  const [form] = Form.useForm<{ title: string; heldOn: DateLike }>();
  const create = useMutation({
    mutationFn: (v: { title: string; heldOn: DateLike }) =>
      api.post(`/api/participation/plans/${planId}/interviews`, {
        title: v.title,
        heldOn: v.heldOn.format('YYYY-MM-DD'),
        seatUserIds: (proposals.data?.items ?? []).map((p) => p.userId),
      }),
    onSuccess: () => {
      form.resetFields();
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  const [recording, setRecording] = useState<Interview | null>(null);
  const [record, setRecord] = useState({ text: '', attended: [] as string[] });
  const save = useMutation({
    mutationFn: () =>
      api.post(`/api/participation/interviews/${recording!.id}/record`, {
        record: record.text,
        attendedUserIds: record.attended,
      }),
    onSuccess: () => {
      setRecording(null);
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  return (
    <>
      <Typography.Title level={5}>{t('proposals')}</Typography.Title>
      <Space style={{ marginBottom: 8 }}>
        {t('seats')} <InputNumber min={1} max={50} value={n} onChange={(v) => setN(v ?? 5)} />
      </Space>
      <Table
        rowKey="userId"
        size="small"
        pagination={false}
        loading={proposals.isLoading}
        dataSource={proposals.data?.items ?? []}
        columns={[
          { title: '', dataIndex: 'displayName' },
          {
            title: t('category'),
            dataIndex: 'category',
            render: (c: string) => t(`category2.${c}`, { defaultValue: c }),
          },
          { title: t('district'), dataIndex: 'district' },
          { title: t('relevance'), dataIndex: 'relevance', render: (r: number) => r.toFixed(2) },
        ]}
      />
      <Form form={form} layout="inline" style={{ margin: '12px 0' }} onFinish={(v) => create.mutate(v)}>
        <Form.Item name="title" rules={[{ required: true }]}>
          <Input placeholder={t('interviewTitle')} />
        </Form.Item>
        <Form.Item name="heldOn" rules={[{ required: true }]}>
          <DatePicker placeholder={t('heldOn')} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('createInterview')}
        </Button>
      </Form>
      <Table
        rowKey="id"
        size="small"
        dataSource={list.data?.items ?? []}
        pagination={false}
        expandable={{
          expandedRowRender: (iv) => (
            <Space direction="vertical">
              {iv.seats.map((s) => (
                <span key={s.userId}>
                  {s.displayName} · {s.relevance.toFixed(2)} <Tag>{t(`seatStatus.${s.status}`)}</Tag>
                </span>
              ))}
              {iv.record && <Typography.Paragraph>{iv.record}</Typography.Paragraph>}
            </Space>
          ),
        }}
        columns={[
          { title: t('heldOn'), dataIndex: 'heldOn', width: 110, render: (d: string) => fmtDate(d) },
          { title: t('interviewTitle'), dataIndex: 'title' },
          { title: t('seats'), render: (_, iv) => iv.seats.length, width: 80 },
          {
            title: '',
            width: 140,
            render: (_, iv) => (
              <Button
                size="small"
                onClick={() => {
                  setRecording(iv);
                  setRecord({
                    text: iv.record ?? '',
                    attended: iv.seats.flatMap((s) =>
                      s.status === 'attended' && s.userId ? [s.userId] : [],
                    ),
                  });
                }}
              >
                {t('recordInterview')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!recording}
        title={t('recordInterview')}
        onCancel={() => setRecording(null)}
        onOk={() => save.mutate()}
        confirmLoading={save.isPending}
      >
        <Typography.Text>{t('attended')}</Typography.Text>
        <Checkbox.Group
          style={{ display: 'flex', flexDirection: 'column', margin: '8px 0' }}
          value={record.attended}
          onChange={(v) => setRecord({ ...record, attended: v as string[] })}
          options={(recording?.seats ?? []).map((s) => ({
            value: s.userId,
            label: `${s.displayName} (${s.relevance.toFixed(2)})`,
          }))}
        />
        <Input.TextArea
          rows={4}
          placeholder={t('record')}
          value={record.text}
          onChange={(e) => setRecord({ ...record, text: e.target.value })}
        />
      </Modal>
    </>
  );
}
