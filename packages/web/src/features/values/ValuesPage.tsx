import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Typography,
  Upload,
} from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Trans, useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { useCrumbs } from '../../console/crumbs';
import { applyFieldErrors, detailMessage, errorHeadline, fieldLabel } from '../../console/errors';
import { useCycles } from '../../console/queries';
import { pick } from '../../i18n';
import type { ErrorDetail, JobAccepted, JobOf } from '@perfcommons/contracts';
import { ApiError, api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import type { PlanValue } from '@perfcommons/contracts';
import { VALUE_STATUSES } from '@perfcommons/contracts/enums';
import { JobProgress } from '../jobs/JobProgress';
import { EvidenceCell } from './Evidence';
import { leavesOf, PlanPicker, StatusTag, usePlanDetail, usePlanValues } from './shared';

interface ValueForm {
  indicatorCode: string;
  period: string;
  value: number;
  note?: string;
}

/** `rows.3.value` → data row 4 of the sheet (header is sheet row 1, so sheet row 5). */
function reportRows(details: ErrorDetail[]) {
  return details.map((d, i) => {
    const m = /^rows\.(\d+)\.?(.*)$/.exec(d.path);
    return {
      key: i,
      row: m ? Number(m[1]) + 1 : null,
      field: fieldLabel(m ? m[2]! : d.path),
      message: detailMessage(d.message),
    };
  });
}

export default function ValuesPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation('values');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const plan = usePlanDetail(id);
  const values = usePlanValues(id);
  const [form] = Form.useForm<ValueForm>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [report, setReport] = useState<{ message: string; details: ErrorDetail[] } | null>(null);
  const [uploading, setUploading] = useState(false);
  useCrumbs([
    { title: t('title'), to: '/values' },
    ...(plan.data ? [{ title: pick(lang, plan.data.plan.title, plan.data.plan.titleEn) }] : []),
  ]);
  const leaves = leavesOf(plan.data?.tree ?? []);
  const leafByCode = new Map(leaves.map((l) => [l.code, l]));
  const refresh = () => void qc.invalidateQueries({ queryKey: ['values', id] });

  const report1 = useMutation({
    mutationFn: (v: ValueForm) => api.post(`/api/plans/${id}/values`, { ...v, note: v.note || undefined }),
    onSuccess: () => {
      void message.success(t('reported'));
      form.resetFields(['value', 'note']);
      setFormErrors([]);
      refresh();
    },
    onError: (e) => setFormErrors(applyFieldErrors(form, e, ['indicatorCode', 'period', 'value', 'note'])),
  });

  // The file is imported as a job: its progress bar below, then the count or the refusal row by row.
  const [importJob, setImportJob] = useState<string>();
  const upload = async (file: File) => {
    const body = new FormData();
    body.append('file', file, file.name);
    setUploading(true);
    setReport(null);
    try {
      const r = await api.post<JobAccepted>(`/api/plans/${id}/values/import`, body);
      setImportJob(r.jobId);
    } catch (e) {
      setUploading(false);
      if (e instanceof ApiError) setReport({ message: errorHeadline(e), details: e.details });
      else void message.error(errorHeadline(e));
    }
  };
  const imported = (job: JobOf<'values.import'>) => {
    setUploading(false);
    if (job.state === 'completed') {
      setImportJob(undefined);
      void message.success(t('imported', { n: job.result?.inserted ?? 0 }));
      refresh();
    } else if (job.lastError) {
      setImportJob(undefined);
      setReport({ message: job.lastError.message, details: job.lastError.details ?? [] });
    }
  };

  const approved = plan.data && ['approved', 'closed'].includes(plan.data.plan.status);
  const cycles = useCycles();
  const year = cycles.data?.find((c) => c.id === plan.data?.plan.cycleId)?.periodEnd.slice(0, 4);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('title')}>
        <PlanPicker planId={id} toPath={(p) => `/plans/${p}/values`} />
        {plan.data && !approved && (
          <Alert style={{ marginTop: 12 }} type="warning" showIcon message={t('notApproved')} />
        )}
      </Card>
      {id && plan.data && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <Card title={t('single')}>
              <Form
                form={form}
                layout="vertical"
                initialValues={{ period: year }}
                onFinish={(v) => report1.mutate(v)}
                disabled={!approved}
              >
                <Form.Item name="indicatorCode" label={t('indicator')} rules={[{ required: true }]}>
                  <Select
                    showSearch
                    optionFilterProp="label"
                    data-testid="value-indicator"
                    options={leaves.map((l) => ({
                      value: l.code,
                      label: `${l.code} ${pick(lang, l.name, l.nameEn)}${l.unit ? ` (${l.unit})` : ''}`,
                    }))}
                  />
                </Form.Item>
                <Space wrap>
                  <Form.Item
                    name="period"
                    label={t('period')}
                    rules={[{ required: true }]}
                    extra={t('periodHint')}
                  >
                    <Input style={{ width: 160 }} placeholder="2025" />
                  </Form.Item>
                  <Form.Item name="value" label={t('value')} rules={[{ required: true }]}>
                    <InputNumber style={{ width: 160 }} />
                  </Form.Item>
                </Space>
                <Form.Item name="note" label={t('note')}>
                  <Input.TextArea rows={2} />
                </Form.Item>
                {formErrors.length > 0 && (
                  <Alert type="error" showIcon style={{ marginBottom: 12 }} message={formErrors.join('; ')} />
                )}
                <Button type="primary" htmlType="submit" loading={report1.isPending}>
                  {t('submit')}
                </Button>
              </Form>
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card title={t('upload')}>
              <Typography.Paragraph type="secondary">
                {/* Column names are a file format: shown as code, the same in both languages. */}
                <Trans t={t} i18nKey="uploadHint" components={{ code: <code /> }} />
              </Typography.Paragraph>
              <Upload
                accept=".xlsx,.csv"
                showUploadList={false}
                disabled={!approved}
                beforeUpload={(file) => {
                  void upload(file);
                  return false;
                }}
              >
                <Button
                  icon={<UploadOutlined />}
                  loading={uploading}
                  disabled={!approved}
                  data-testid="values-upload"
                >
                  {t('uploadButton')}
                </Button>
              </Upload>
              {importJob && (
                <div style={{ marginTop: 12 }}>
                  <JobProgress jobId={importJob} kind="values.import" onDone={imported} />
                </div>
              )}
              {report && (
                <>
                  <Alert
                    style={{ marginTop: 12 }}
                    type="error"
                    showIcon
                    message={t('errorReport', { message: report.message })}
                    data-testid="import-report"
                  />
                  <Table
                    style={{ marginTop: 8 }}
                    size="small"
                    rowKey="key"
                    dataSource={reportRows(report.details)}
                    pagination={{ pageSize: 10 }}
                    columns={[
                      { title: t('row'), dataIndex: 'row', width: 70, render: (v) => v ?? '—' },
                      { title: t('field'), dataIndex: 'field', width: 130 },
                      { title: t('problem'), dataIndex: 'message' },
                    ]}
                  />
                </>
              )}
            </Card>
          </Col>
          <Col xs={24}>
            <Card title={t('list')}>
              <Table<PlanValue>
                rowKey="id"
                size="small"
                loading={values.isLoading}
                dataSource={values.data ?? []}
                pagination={{ pageSize: 20 }}
                columns={[
                  {
                    title: t('indicator'),
                    dataIndex: 'indicatorCode',
                    sorter: (a, b) => a.indicatorCode.localeCompare(b.indicatorCode),
                    render: (c: string) => {
                      const l = leafByCode.get(c);
                      return `${c} ${l ? pick(lang, l.name, l.nameEn) : ''}`;
                    },
                  },
                  {
                    title: t('period'),
                    dataIndex: 'period',
                    sorter: (a, b) => a.period.localeCompare(b.period),
                  },
                  {
                    title: t('value'),
                    dataIndex: 'value',
                    render: (v: number, r) => `${fmtNum(v, 4)}${leafByCode.get(r.indicatorCode)?.unit ?? ''}`,
                  },
                  { title: t('note'), dataIndex: 'note', render: (v) => v || '—' },
                  {
                    title: t('status'),
                    dataIndex: 'status',
                    filters: VALUE_STATUSES.map((s) => ({
                      text: t(`common:valueStatus.${s}`),
                      value: s,
                    })),
                    onFilter: (v, r) => r.status === v,
                    render: (s: string) => <StatusTag status={s} />,
                  },
                  { title: t('reason'), dataIndex: 'reason', render: (v) => v || '—' },
                  {
                    title: t('evidence'),
                    key: 'evidence',
                    render: (_, r) => (
                      <EvidenceCell valueId={r.id} code={r.indicatorCode} canUpload={!!approved} />
                    ),
                  },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
    </Space>
  );
}
