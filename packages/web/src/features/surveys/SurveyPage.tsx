import { lazy, Suspense, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Progress,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { DownloadOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, ApiError, qs, type ErrorDetail } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import { Builder } from './Builder';
import { InterviewEntry } from './InterviewEntry';
import { OUTCOMES, OutcomeEntry, type Outcome } from './OutcomeEntry';
import { STATUS_COLORS } from './SurveysPage';
import type { SurveyDetail } from './types';

const AnalysisTab = lazy(() => import('./AnalysisTab'));
const pct = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);

function downloadCsv(name: string, rows: (string | number | null)[][]) {
  const esc = (x: unknown) => {
    const s = String(x ?? '');
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const blob = new Blob(['\uFEFF' + rows.map((r) => r.map(esc).join(',')).join('\r\n')], {
    type: 'text/csv',
  });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

export default function SurveyPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation('surveys');
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const detail = useQuery({
    queryKey: ['survey', id],
    queryFn: () => api.get<SurveyDetail>(`/api/surveys/${id}`),
  });
  const s = detail.data?.survey;
  useCrumbs([
    { title: t('title'), to: '/surveys' },
    { title: s ? pick(i18n.language, s.title, s.titleEn) : '…' },
  ]);
  const action = useMutation({
    mutationFn: (what: 'start' | 'close' | 'publish') => api.post(`/api/surveys/${id}/${what}`, {}),
    onSuccess: (_, what) => {
      if (what === 'publish') void message.success(t('actions.published'));
      void qc.invalidateQueries({ queryKey: ['survey', id] });
      void qc.invalidateQueries({ queryKey: ['surveys'] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  if (detail.isLoading || !detail.data || !s) return <Spin />;
  const confirm = (what: 'start' | 'close' | 'publish') =>
    modal.confirm({ content: t(`actions.${what}Confirm`), onOk: () => action.mutateAsync(what) });
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {pick(i18n.language, s.title, s.titleEn)}
        </Typography.Title>
        <Tag color={STATUS_COLORS[s.status]} data-testid="survey-status">
          {t(`status.${s.status}`)}
        </Tag>
        {s.status === 'draft' && (
          <Button type="primary" onClick={() => confirm('start')}>
            {t('actions.start')}
          </Button>
        )}
        {s.status === 'fielding' && <Button onClick={() => confirm('close')}>{t('actions.close')}</Button>}
        {(s.status === 'closed' || s.status === 'published') && (
          <Button type="primary" onClick={() => confirm('publish')}>
            {t('actions.publish')}
          </Button>
        )}
        {s.status === 'published' && (
          <Button type="link" href={`/surveys/${s.id}`} target="_blank">
            {t('actions.portal')}
          </Button>
        )}
      </Space>
      <Tabs
        destroyOnHidden
        items={[
          {
            key: 'q',
            label: t('tabs.questionnaire'),
            children: detail.data.version && <Builder detail={detail.data} />,
          },
          { key: 's', label: t('tabs.sample'), children: <SampleTab detail={detail.data} /> },
          { key: 'i', label: t('tabs.invitations'), children: <InvitationsTab detail={detail.data} /> },
          { key: 'f', label: t('tabs.fieldwork'), children: <FieldworkTab detail={detail.data} /> },
          {
            key: 'a',
            label: t('tabs.analysis'),
            children:
              s.status === 'draft' ? (
                <Alert type="info" message={t('an.notFielded')} />
              ) : (
                <Suspense fallback={<Spin />}>
                  <AnalysisTab surveyId={s.id} />
                </Suspense>
              ),
          },
        ]}
      />
    </>
  );
}

function SampleTab({ detail }: { detail: SurveyDetail }) {
  const { t } = useTranslation('surveys');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const id = detail.survey.id;
  const [errors, setErrors] = useState<ErrorDetail[]>([]);
  const [sizes, setSizes] = useState<{
    strata: { stratum: string; population: number; n: number }[];
    total: number;
    warnings?: string[];
  }>();
  const [drawForm] = Form.useForm();
  const { modal } = App.useApp();
  const draft = detail.survey.status === 'draft';
  const refresh = () => void qc.invalidateQueries({ queryKey: ['survey', id] });
  const upload = useMutation({
    mutationFn: (file: File) => {
      const fd = new FormData();
      fd.append('file', file);
      return api.post<{ inserted: number }>(`/api/surveys/${id}/frame/import?mode=replace`, fd);
    },
    onSuccess: (r) => {
      setErrors([]);
      void message.success(t('sample.imported', { n: r.inserted }));
      refresh();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.details.length) setErrors(e.details);
      void message.error(errorText(e).slice(0, 200));
    },
  });
  const calc = useMutation({
    mutationFn: (v: { marginOfError: number; responseRate: number; designEffect: number; mode: string }) =>
      api.post<typeof sizes>('/api/surveys/sample-size', { ...v, surveyId: id }),
    onSuccess: (r) => {
      setSizes(r);
      // The calculator fills the sample size of the draw form.
      if (r) drawForm.setFieldsValue({ size: r.total });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const draw = useMutation({
    mutationFn: (v: { size: number; allocation: string; seed: string; sd?: string }) =>
      api.post<{ sample: { size: number; seed: string } }>(`/api/surveys/${id}/sample`, {
        ...v,
        sd: v.sd ? (JSON.parse(v.sd) as Record<string, number>) : undefined,
      }),
    onSuccess: (r) => {
      void message.success(t('sample.drawn', { n: r.sample.size, seed: r.sample.seed }));
      refresh();
    },
    onError: (e) => void message.error(errorText(e)),
  });
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('sample.frame')}>
          <Typography.Paragraph type="secondary">
            {t('sample.importHelp', { fields: detail.survey.strataFields.join(', ') })}
          </Typography.Paragraph>
          <Upload
            accept=".csv,.xlsx"
            showUploadList={false}
            disabled={!draft || !!detail.sample}
            beforeUpload={(f) => {
              upload.mutate(f);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={upload.isPending} disabled={!draft || !!detail.sample}>
              {t('sample.import')}
            </Button>
          </Upload>
          {errors.length > 0 && (
            <Table
              style={{ marginTop: 12 }}
              size="small"
              title={() => <Typography.Text type="danger">{t('sample.errors')}</Typography.Text>}
              rowKey={(r) => `${r.path}|${r.message}`}
              dataSource={errors}
              pagination={{ pageSize: 10 }}
              data-testid="frame-errors"
              columns={[
                { title: t('sample.row'), dataIndex: 'path', width: 160 },
                { title: t('sample.problem'), dataIndex: 'message' },
              ]}
            />
          )}
          <Typography.Paragraph style={{ marginTop: 12 }}>
            {t('sample.frameSize', { n: detail.frame.size })}
          </Typography.Paragraph>
          <Table
            size="small"
            rowKey="stratum"
            pagination={{ pageSize: 12 }}
            dataSource={detail.frame.strata.map((f) => ({
              ...f,
              allocated: detail.sample?.strata.find((x) => x.stratum === f.stratum)?.allocated,
            }))}
            columns={[
              { title: t('sample.stratum'), dataIndex: 'stratum' },
              { title: t('sample.population'), dataIndex: 'population', align: 'right' },
              { title: t('sample.allocated'), dataIndex: 'allocated', align: 'right' },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('sample.calculator')} style={{ marginBottom: 16 }}>
          <Form
            layout="inline"
            initialValues={{
              marginOfError: 0.05,
              responseRate: 0.6,
              designEffect: 1.2,
              mode: 'proportional',
            }}
            onFinish={(v) => calc.mutate(v)}
          >
            <Form.Item name="marginOfError" label={t('sample.margin')}>
              <InputNumber min={0.005} max={0.3} step={0.01} />
            </Form.Item>
            <Form.Item name="responseRate" label={t('sample.responseRate')}>
              <InputNumber min={0.05} max={1} step={0.05} />
            </Form.Item>
            <Form.Item name="designEffect" label={t('sample.deff')}>
              <InputNumber min={1} max={5} step={0.1} />
            </Form.Item>
            <Form.Item name="mode" label={t('sample.mode')}>
              <Select
                style={{ width: 220 }}
                options={[
                  { value: 'proportional', label: t('sample.proportional') },
                  { value: 'perStratum', label: t('sample.perStratum') },
                ]}
              />
            </Form.Item>
            <Button htmlType="submit" disabled={!detail.frame.size}>
              {t('sample.compute')}
            </Button>
          </Form>
          {sizes && (
            <Typography.Paragraph strong style={{ marginTop: 8 }} data-testid="sample-size-total">
              {t('sample.total', { n: sizes.total })}
            </Typography.Paragraph>
          )}
          {sizes && sizes.total > detail.frame.size && (
            <Alert
              type="warning"
              showIcon
              data-testid="sample-size-exceeds"
              message={t('sample.exceeds', { n: sizes.total, frame: detail.frame.size })}
            />
          )}
          {sizes?.warnings && sizes.warnings.length > 0 && (
            <Alert type="warning" style={{ marginTop: 8 }} message={sizes.warnings.join('; ')} />
          )}
        </Card>
        <Card size="small" title={t('sample.draw')}>
          {!detail.frame.size && (
            <Alert type="info" message={t('sample.noFrame')} style={{ marginBottom: 8 }} />
          )}
          <Form
            layout="vertical"
            disabled={!draft || !detail.frame.size}
            initialValues={{
              size: detail.sample?.size ?? sizes?.total ?? 800,
              allocation: detail.sample?.allocation ?? 'proportional',
              seed: detail.sample?.seed ?? String(new Date().getFullYear()),
            }}
            form={drawForm}
            onFinish={(v: { size: number; allocation: string; seed: string; sd?: string }) => {
              if (!detail.sample) return draw.mutate(v);
              // A redraw replaces the sample and its invitations: ask first.
              modal.confirm({
                title: t('sample.redrawConfirm', { n: detail.sample.size, seed: detail.sample.seed }),
                onOk: () => draw.mutate(v),
              });
            }}
          >
            <Row gutter={8}>
              <Col span={8}>
                <Form.Item name="size" label={t('sample.size')} rules={[{ required: true }]}>
                  <InputNumber min={1} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="allocation" label={t('sample.allocation')}>
                  <Select
                    options={(['proportional', 'equal', 'neyman'] as const).map((a) => ({
                      value: a,
                      label: t(`sample.alloc.${a}`),
                    }))}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item
                  name="seed"
                  label={t('sample.seed')}
                  extra={t('sample.seedHelp')}
                  rules={[{ required: true }]}
                >
                  <Input />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item noStyle shouldUpdate>
              {({ getFieldValue }) =>
                getFieldValue('allocation') === 'neyman' && (
                  <Form.Item name="sd" label={t('sample.sd')}>
                    <Input.TextArea autoSize placeholder='{"household|dc|urban": 0.9, …}' />
                  </Form.Item>
                )
              }
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={draw.isPending}>
              {t('sample.draw')}
            </Button>
          </Form>
          {detail.sample && (
            <Typography.Paragraph style={{ marginTop: 8 }}>
              {t('sample.drawn', { n: detail.sample.size, seed: detail.sample.seed })} ·{' '}
              {t(`sample.alloc.${detail.sample.allocation as 'equal'}`)}
            </Typography.Paragraph>
          )}
        </Card>
      </Col>
    </Row>
  );
}

interface Issued {
  invitationId: string;
  externalId: string | null;
  contact: string | null;
  stratum: string;
  token: string;
  shortCode: string;
  link: string;
}
interface InvitationRow {
  id: string;
  externalId: string | null;
  stratum: string;
  status: 'sampled' | 'issued' | 'partial' | 'answered';
  outcome: Outcome | null;
  mode: string | null;
  submittedAt: string | null;
}

function InvitationsTab({ detail }: { detail: SurveyDetail }) {
  const { t } = useTranslation('surveys');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const id = detail.survey.id;
  const [status, setStatus] = useState<string>();
  const [page, setPage] = useState(1);
  const [issued, setIssued] = useState<Issued[]>();
  const list = useQuery({
    queryKey: ['survey-invitations', id, status, page],
    queryFn: () =>
      api.get<{ items: InvitationRow[]; total: number }>(
        `/api/surveys/${id}/invitations${qs({ status, limit: 50, offset: (page - 1) * 50 })}`,
      ),
  });
  const save = (items: Issued[]) =>
    downloadCsv(`invitations-${detail.survey.code}.csv`, [
      ['externalId', 'stratum', 'contact', 'shortCode', 'link'],
      ...items.map((x) => [x.externalId, x.stratum, x.contact, x.shortCode, `${location.origin}${x.link}`]),
    ]);
  const issue = useMutation({
    mutationFn: () => api.post<{ items: Issued[] }>(`/api/surveys/${id}/invitations/issue`, {}),
    onSuccess: (r) => {
      setIssued(r.items);
      if (r.items.length) save(r.items);
      void qc.invalidateQueries({ queryKey: ['survey-invitations', id] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const setOutcome = useMutation({
    mutationFn: (x: { invitationId: string; outcome: Outcome | null }) =>
      api.put(`/api/surveys/${id}/invitations/${x.invitationId}/outcome`, { outcome: x.outcome }),
    onSuccess: () => {
      void message.success(t('oc.saved'));
      void qc.invalidateQueries({ queryKey: ['survey-invitations', id] });
      void qc.invalidateQueries({ queryKey: ['survey-fieldwork', id] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const canRecord = detail.survey.status === 'fielding' || detail.survey.status === 'closed';
  const closed = detail.survey.status === 'closed' || detail.survey.status === 'published';
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Button
          type="primary"
          onClick={() => issue.mutate()}
          loading={issue.isPending}
          disabled={closed || !detail.sample}
        >
          {t('inv.issue')}
        </Button>
        {issued && issued.length > 0 && (
          <Button icon={<DownloadOutlined />} onClick={() => save(issued)}>
            {t('inv.download')}
          </Button>
        )}
        <Select
          allowClear
          style={{ width: 160 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          placeholder={t('list.status')}
          options={(['sampled', 'issued', 'partial', 'answered'] as const).map((v) => ({
            value: v,
            label: t(`inv.status.${v}`),
          }))}
        />
      </Space>
      {issued && (
        <Alert
          style={{ marginBottom: 12 }}
          type={issued.length ? 'success' : 'info'}
          showIcon
          message={issued.length ? t('inv.issued', { n: issued.length }) : t('inv.none')}
        />
      )}
      <Typography.Paragraph type="secondary">{t('inv.hint')}</Typography.Paragraph>
      <Table<InvitationRow>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: 50,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
          showTotal: (n) => t('inv.total', { n }),
        }}
        columns={[
          { title: t('inv.externalId'), dataIndex: 'externalId' },
          { title: t('sample.stratum'), dataIndex: 'stratum' },
          {
            title: t('list.status'),
            dataIndex: 'status',
            render: (v: InvitationRow['status']) => (
              <Tag
                color={
                  v === 'answered' ? 'green' : v === 'partial' ? 'gold' : v === 'issued' ? 'blue' : 'default'
                }
              >
                {t(`inv.status.${v}`)}
              </Tag>
            ),
          },
          {
            title: t('oc.outcome'),
            dataIndex: 'outcome',
            render: (v: Outcome | null, r) =>
              r.status === 'answered' ? (
                t('oc.outcomes.completed')
              ) : canRecord ? (
                <Select<Outcome>
                  size="small"
                  allowClear
                  style={{ width: 140 }}
                  value={v ?? undefined}
                  placeholder={t('oc.outcomes.unknown')}
                  onChange={(o) => setOutcome.mutate({ invitationId: r.id, outcome: o ?? null })}
                  options={OUTCOMES.map((o) => ({ value: o, label: t(`oc.outcomes.${o}`) }))}
                />
              ) : v ? (
                t(`oc.outcomes.${v}`)
              ) : (
                ''
              ),
          },
          {
            title: t('inv.mode'),
            dataIndex: 'mode',
            render: (v: string | null) => (v ? t(`fw.modes.${v as 'web'}`) : ''),
          },
          {
            title: t('inv.submittedAt'),
            dataIndex: 'submittedAt',
            render: (v: string | null) => fmtDateTime(v),
          },
        ]}
      />
    </>
  );
}

interface Fieldwork {
  strata: {
    stratum: string;
    sampled: number;
    issued: number;
    partial: number;
    responses: number;
    open: number;
    responseRate: number | null;
    quota: number | null;
  }[];
  total: { sampled: number; responses: number; open: number; responseRate: number | null };
  byMode: { mode: string; n: number }[];
  byInterviewer: { interviewerId: string; name: string; nameEn: string | null; mode: string; n: number }[];
  outcomes: { strata: (Dispositions & { stratum: string })[]; total: Dispositions };
}

interface Dispositions {
  complete: number;
  partial: number;
  refused: number;
  nonContact: number;
  ineligible: number;
  unknown: number;
  rr1: number | null;
  coop1: number | null;
  ref1: number | null;
  con1: number | null;
}

function FieldworkTab({ detail }: { detail: SurveyDetail }) {
  const { t, i18n } = useTranslation('surveys');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const id = detail.survey.id;
  const fw = useQuery({
    queryKey: ['survey-fieldwork', id],
    queryFn: () => api.get<Fieldwork>(`/api/surveys/${id}/fieldwork`),
    refetchInterval: detail.survey.status === 'fielding' ? 10_000 : false,
  });
  const [quotas, setQuotas] = useState<Record<string, number | null>>({});
  const saveQuotas = useMutation({
    mutationFn: () => {
      const merged: Record<string, number> = { ...detail.survey.quotas };
      for (const [k, v] of Object.entries(quotas)) {
        if (v == null) delete merged[k];
        else merged[k] = v;
      }
      return api.patch(`/api/surveys/${id}`, { quotas: merged });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['survey', id] });
      void qc.invalidateQueries({ queryKey: ['survey-fieldwork', id] });
      setQuotas({});
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const d = fw.data;
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Space style={{ marginBottom: 8 }}>
          <Button icon={<ReloadOutlined />} onClick={() => void fw.refetch()}>
            {t('fw.refresh')}
          </Button>
          <Button
            onClick={() => saveQuotas.mutate()}
            disabled={!Object.keys(quotas).length}
            loading={saveQuotas.isPending}
          >
            {t('fw.saveQuotas')}
          </Button>
          {detail.survey.status === 'fielding' && detail.version && (
            <InterviewEntry surveyId={id} definition={detail.version.definition} />
          )}
          {(detail.survey.status === 'fielding' || detail.survey.status === 'closed') && (
            <OutcomeEntry surveyId={id} />
          )}
        </Space>
        <Table
          size="small"
          rowKey="stratum"
          loading={fw.isLoading}
          dataSource={d?.strata ?? []}
          pagination={{ pageSize: 24 }}
          data-testid="fieldwork-table"
          summary={() =>
            d && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>{t('fw.total')}</Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  {d.total.sampled}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} />
                <Table.Summary.Cell index={3} />
                <Table.Summary.Cell index={4} align="right">
                  {d.total.responses}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">
                  {d.total.open}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6}>{pct(d.total.responseRate)}</Table.Summary.Cell>
                <Table.Summary.Cell index={7} />
              </Table.Summary.Row>
            )
          }
          columns={[
            { title: t('sample.stratum'), dataIndex: 'stratum' },
            { title: t('fw.sampled'), dataIndex: 'sampled', align: 'right' },
            { title: t('fw.issued'), dataIndex: 'issued', align: 'right' },
            { title: t('fw.partial'), dataIndex: 'partial', align: 'right' },
            { title: t('fw.responses'), dataIndex: 'responses', align: 'right' },
            { title: t('fw.open'), dataIndex: 'open', align: 'right' },
            {
              title: t('fw.rate'),
              dataIndex: 'responseRate',
              width: 180,
              render: (v: number | null) =>
                v == null ? '—' : <Progress percent={Math.round(v * 1000) / 10} size="small" />,
            },
            {
              title: t('fw.quota'),
              dataIndex: 'quota',
              render: (v: number | null, r) => (
                <InputNumber
                  size="small"
                  min={0}
                  value={r.stratum in quotas ? quotas[r.stratum] : v}
                  onChange={(x) => setQuotas({ ...quotas, [r.stratum]: x })}
                />
              ),
            },
          ]}
        />
      </Col>
      <Col span={24}>
        <Card size="small" title={t('oc.title')}>
          <Table<Dispositions & { stratum: string }>
            size="small"
            rowKey="stratum"
            pagination={false}
            scroll={{ x: true }}
            data-testid="outcomes-table"
            dataSource={d ? [...d.outcomes.strata, { stratum: t('fw.total'), ...d.outcomes.total }] : []}
            columns={[
              { title: t('sample.stratum'), dataIndex: 'stratum' },
              ...(['complete', 'partial', 'refused', 'nonContact', 'ineligible', 'unknown'] as const).map(
                (k) => ({ title: t(`oc.${k}`), dataIndex: k, align: 'right' as const }),
              ),
              ...(['rr1', 'coop1', 'ref1', 'con1'] as const).map((k) => ({
                title: t(`oc.${k}`),
                dataIndex: k,
                align: 'right' as const,
                render: (v: number | null) => pct(v),
              })),
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('oc.hint')}
          </Typography.Paragraph>
        </Card>
      </Col>
      <Col xs={24} md={8}>
        <Card size="small" title={t('fw.byMode')}>
          <Table
            size="small"
            rowKey="mode"
            pagination={false}
            dataSource={d?.byMode ?? []}
            columns={[
              { title: t('inv.mode'), dataIndex: 'mode', render: (v: string) => t(`fw.modes.${v as 'web'}`) },
              { title: t('fw.count'), dataIndex: 'n', align: 'right' },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} md={16}>
        <Card size="small" title={t('fw.byInterviewer')}>
          <Table
            size="small"
            rowKey={(r) => `${r.interviewerId}|${r.mode}`}
            pagination={false}
            dataSource={d?.byInterviewer ?? []}
            columns={[
              { title: t('fw.interviewer'), render: (_, r) => pick(i18n.language, r.name, r.nameEn) },
              { title: t('inv.mode'), dataIndex: 'mode', render: (v: string) => t(`fw.modes.${v as 'web'}`) },
              { title: t('fw.count'), dataIndex: 'n', align: 'right' },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
