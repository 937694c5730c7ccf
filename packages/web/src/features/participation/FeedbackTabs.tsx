import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { ActionFields } from './ActionFields';
import { api, qs } from '../../shared/api';
import { fmtDate } from '../../shared/format';

interface Seat {
  userId: string;
  displayName: string | null;
  relevance: number;
  status: string;
}
interface Interview {
  id: string;
  heldOn: string;
  title: string;
  status: string;
  record: string | null;
  seats: Seat[];
}
interface Proposal {
  userId: string;
  displayName: string;
  category: string;
  district: string | null;
  relevance: number;
}
type DateLike = { format(f: string): string };

export function InterviewsTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-interviews', planId];
  const [n, setN] = useState(5);
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<{ items: Interview[] }>(`/api/participation/plans/${planId}/interviews`),
  });
  const proposals = useQuery({
    queryKey: ['part-seats', planId, n],
    queryFn: () =>
      api.get<{ items: Proposal[] }>(`/api/participation/plans/${planId}/seat-proposals${qs({ n })}`),
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
                    attended: iv.seats.filter((s) => s.status === 'attended').map((s) => s.userId),
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

interface Improvement {
  id: string;
  title: string;
  summary: string | null;
  followers: number;
  actions: {
    id: string;
    action: string;
    owner: string;
    deadline: string;
    status: string;
    evidence: string | null;
    overdue: boolean;
  }[];
}

export function ImprovementsTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-improvements', planId];
  const list = useQuery({
    queryKey: key,
    queryFn: () =>
      api.get<{ items: Improvement[] }>(`/api/public/participation/improvements${qs({ planId })}`),
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
                    options={['planned', 'in_progress', 'done'].map((s) => ({
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

interface LinkReport {
  link: string;
  n: number;
  highInputShare: number;
  meanRelevance: number | null;
  summary: {
    highRelevanceShare: number;
    byCategory: Record<string, number>;
    byDistrict: Record<string, number>;
  };
  warnings: { kind: string; message: string }[];
}
interface ReportItem {
  planId: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  participants: number;
  links: LinkReport[];
  warnings: { link: string; kind: string; message: string }[];
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function ReportTab({ cycleId, unitId }: { cycleId: string; unitId?: string }) {
  const { t, i18n } = useTranslation('participation');
  const report = useQuery({
    queryKey: ['part-report', cycleId, unitId ?? ''],
    queryFn: () =>
      api.get<{ items: ReportItem[] }>(`/api/participation/report${qs({ cycleId, orgUnitId: unitId })}`),
  });
  if (report.error) return <Alert type="error" showIcon message={errorText(report.error)} />;
  const cat = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${t(`category2.${k}`, { defaultValue: k })} ${v}`)
      .join('，');
  return (
    <Table
      rowKey="planId"
      size="small"
      loading={report.isLoading}
      dataSource={report.data?.items ?? []}
      pagination={{ pageSize: 20 }}
      data-testid="part-report"
      expandable={{
        expandedRowRender: (item) => (
          <Table
            rowKey="link"
            size="small"
            pagination={false}
            dataSource={item.links}
            columns={[
              { title: '', dataIndex: 'link', render: (l: string) => t(`report.link.${l}`) },
              { title: t('report.participants'), dataIndex: 'n' },
              { title: t('report.high'), render: (_, l) => pct(l.summary.highRelevanceShare) },
              { title: t('report.highInput'), render: (_, l) => pct(l.highInputShare) },
              {
                title: t('report.meanRel'),
                render: (_, l) => (l.meanRelevance === null ? '–' : l.meanRelevance.toFixed(2)),
              },
              { title: t('report.categories'), render: (_, l) => cat(l.summary.byCategory) },
              {
                title: t('report.districts'),
                render: (_, l) =>
                  Object.entries(l.summary.byDistrict)
                    .map(([k, v]) => `${k} ${v}`)
                    .join('，'),
              },
              {
                title: t('report.warnings'),
                render: (_, l) =>
                  l.warnings.length
                    ? l.warnings.map((w) => (
                        <Tag key={w.kind} color="orange" title={w.message}>
                          {t(`report.warning.${w.kind}`)}
                        </Tag>
                      ))
                    : t('report.none'),
              },
            ]}
          />
        ),
      }}
      columns={[
        { title: '', render: (_, r) => pick(i18n.language, r.appraiseeName, r.appraiseeNameEn) },
        { title: t('report.participants'), dataIndex: 'participants', width: 100 },
        {
          title: t('report.warnings'),
          render: (_, r) => (
            <Space wrap size={4}>
              {r.warnings.map((w, i) => (
                <Tag key={i} color="orange" title={w.message}>
                  {t(`report.link.${w.link}`)}: {t(`report.warning.${w.kind}`)}
                </Tag>
              ))}
            </Space>
          ),
        },
      ]}
    />
  );
}
