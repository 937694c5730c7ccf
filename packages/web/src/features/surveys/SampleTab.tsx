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
  Radio,
  Row,
  Select,
  Table,
  Typography,
  Upload,
} from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Trans, useTranslation } from 'react-i18next';
import { useStrataLabel } from './useStrataLabel';
import { errorText } from '../../console/errors';
import type { ErrorDetail } from '@perfcommons/contracts';
import { api, ApiError } from '../../shared/api';
import type {
  FrameReply,
  JobAccepted,
  SampleReply,
  SampleSizeReply,
  SurveyDetailReply as SurveyDetail,
} from '@perfcommons/contracts';
import { JobProgress } from '../jobs/JobProgress';

/** The sampling frame, the sample size calculator and the stratified draw. */
export function SampleTab({ detail }: { detail: SurveyDetail }) {
  const { t } = useTranslation('surveys');
  const stratumLabel = useStrataLabel(detail.survey.strataFields);
  const { message } = App.useApp();
  const qc = useQueryClient();
  const id = detail.survey.id;
  const [errors, setErrors] = useState<ErrorDetail[]>([]);
  // Once a frame exists the upload says whether it replaces it or appends to it (the API requires it).
  const [frameMode, setFrameMode] = useState<'replace' | 'append'>('replace');
  const [frameJob, setFrameJob] = useState<string>();
  const [sizes, setSizes] = useState<SampleSizeReply>();
  // The mode the shown sizes were calculated in (not that of a calculation still under way).
  const [sizesMode, setSizesMode] = useState<string>();
  // Strata whose population cannot supply the sample the margin of error needs (the size is capped).
  const capped = sizes?.strata.filter((s) => s.capped) ?? [];
  const [drawForm] = Form.useForm();
  const { modal } = App.useApp();
  const { can } = detail;
  const refresh = () => void qc.invalidateQueries({ queryKey: ['survey', id] });
  const upload = useMutation({
    mutationFn: (file: File) => {
      const fd = new FormData();
      fd.append('file', file);
      const mode = detail.frame.size ? frameMode : 'replace';
      return api.post<FrameReply | JobAccepted>(`/api/surveys/${id}/frame/import?mode=${mode}&wait=true`, fd);
    },
    onSuccess: (r) => {
      setErrors([]);
      // A large CSV goes on as a job after the wait: show its progress, refresh when it ends.
      if ('jobId' in r) return setFrameJob(r.jobId);
      framed(r);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.details.length) setErrors(e.details);
      void message.error(errorText(e).slice(0, 200));
    },
  });
  const framed = (r: FrameReply) => {
    void message.success(
      r.mode === 'append'
        ? t('sample.appended', { n: r.inserted, total: r.total })
        : r.replaced
          ? t('sample.replacedFrame', { n: r.inserted, replaced: r.replaced, total: r.total })
          : t('sample.imported', { n: r.inserted, total: r.total }),
    );
    refresh();
  };
  const calc = useMutation({
    mutationFn: (v: { marginOfError: number; responseRate: number; designEffect: number; mode: string }) =>
      api.post<SampleSizeReply>('/api/surveys/sample-size', { ...v, surveyId: id }),
    onSuccess: (r, v) => {
      setSizes(r);
      setSizesMode(v.mode);
      // The calculator fills the sample size of the draw form.
      if (r) drawForm.setFieldsValue({ size: r.total });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const draw = useMutation({
    mutationFn: (v: { size: number; allocation: string; seed: string; sd?: string }) =>
      api.post<SampleReply>(`/api/surveys/${id}/sample`, {
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
        <Card size="small" title={t('sample.frame')} data-testid="frame-card">
          <Typography.Paragraph type="secondary">
            <Trans
              t={t}
              i18nKey="sample.importHelp"
              values={{ fields: detail.survey.strataFields.join(', ') }}
              components={{ code: <code /> }}
            />
          </Typography.Paragraph>
          {detail.frame.size > 0 && can.changeFrame && (
            <Radio.Group
              style={{ marginBottom: 8, display: 'block' }}
              value={frameMode}
              onChange={(e) => setFrameMode(e.target.value as 'replace' | 'append')}
              data-testid="frame-mode"
              options={[
                { value: 'replace', label: t('sample.modeReplace', { n: detail.frame.size }) },
                { value: 'append', label: t('sample.modeAppend') },
              ]}
            />
          )}
          <Upload
            accept=".csv,.xlsx"
            showUploadList={false}
            disabled={!can.changeFrame}
            beforeUpload={(f) => {
              upload.mutate(f);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={upload.isPending} disabled={!can.changeFrame}>
              {t('sample.import')}
            </Button>
          </Upload>
          {frameJob && (
            <div style={{ marginTop: 12 }}>
              <JobProgress
                jobId={frameJob}
                kind="surveys.frame-import"
                onDone={(job) => {
                  setFrameJob(undefined);
                  if (job.state === 'completed' && job.result) framed(job.result);
                  else refresh();
                }}
              />
            </div>
          )}
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
              { title: t('sample.stratum'), dataIndex: 'stratum', render: (k: string) => stratumLabel(k) },
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
          {sizes && capped.length > 0 && (
            <Alert
              type="warning"
              showIcon
              data-testid="sample-size-exceeds"
              message={
                // One size for the whole frame: it is the frame; per stratum: name the strata.
                sizesMode !== 'perStratum'
                  ? t('sample.exceedsAll', { frame: detail.frame.size })
                  : t('sample.exceeds', {
                      k: capped.length,
                      strata: capped
                        .slice(0, 5)
                        .map((s) => `${stratumLabel(s.stratum)}（${s.population}）`)
                        .join('、'),
                    })
              }
            />
          )}
        </Card>
        <Card size="small" title={t('sample.draw')}>
          {!detail.frame.size && (
            <Alert type="info" message={t('sample.noFrame')} style={{ marginBottom: 8 }} />
          )}
          <Form
            layout="vertical"
            disabled={!can.drawSample || !detail.frame.size}
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
              {t(`sample.alloc.${detail.sample.allocation}`)}
            </Typography.Paragraph>
          )}
        </Card>
      </Col>
    </Row>
  );
}
