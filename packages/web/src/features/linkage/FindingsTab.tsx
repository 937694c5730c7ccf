import { useState } from 'react';
import {
  Alert,
  App,
  Button,
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
  Upload,
} from 'antd';
import { PaperClipOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import type { Finding, FindingListReply, FindingTargetsReply } from '@perfcommons/contracts';
import { FINDING_KINDS, type FindingKind } from '@perfcommons/domain';
import { applyFieldErrors, errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate } from '../../shared/format';

interface FormValues {
  planId: string;
  indicatorCode: string;
  kind: FindingKind;
  docTitle: string;
  docNumber: string;
  docDate: Dayjs;
  description: string;
  points: number;
}

/** The office records a finding against a plan's deduction item. */
function FindingForm({ cycleId, open, onClose }: { cycleId: string; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation('linkage');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const targets = useQuery({
    queryKey: ['finding-targets', cycleId],
    queryFn: () => api.get<FindingTargetsReply>(`/api/cycles/${cycleId}/findings/targets`),
    enabled: open,
  });
  const planId = Form.useWatch('planId', form);
  const target = targets.data?.items.find((x) => x.planId === planId);
  const submit = async (v: FormValues) => {
    setBusy(true);
    setErrors([]);
    try {
      await api.post(`/api/cycles/${cycleId}/findings`, { ...v, docDate: v.docDate.format('YYYY-MM-DD') });
      void message.success(t('findings.saved'));
      void qc.invalidateQueries({ queryKey: ['findings', cycleId] });
      form.resetFields();
      onClose();
    } catch (e) {
      setErrors(
        applyFieldErrors(form, e, [
          'planId',
          'indicatorCode',
          'kind',
          'docTitle',
          'docNumber',
          'docDate',
          'description',
          'points',
        ]),
      );
    } finally {
      setBusy(false);
    }
  };
  const req = [{ required: true, message: t('required') }];
  return (
    <Modal
      open={open}
      title={t('findings.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      destroyOnHidden
      width={640}
    >
      {errors.length > 0 && (
        <Alert type="error" showIcon message={errors.join('; ')} style={{ marginBottom: 12 }} />
      )}
      {targets.data && targets.data.items.length === 0 && (
        <Alert type="warning" showIcon message={t('findings.noTargets')} style={{ marginBottom: 12 }} />
      )}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={{ kind: 'audit', points: 1 }}
      >
        <Form.Item name="planId" label={t('findings.plan')} rules={req}>
          <Select
            showSearch
            optionFilterProp="label"
            loading={targets.isLoading}
            onChange={() => form.setFieldValue('indicatorCode', undefined)}
            options={(targets.data?.items ?? []).map((p) => ({
              value: p.planId,
              label: `${pick(i18n.language, p.unitName, p.unitNameEn)} · ${pick(i18n.language, p.title, p.titleEn)}`,
            }))}
            data-testid="finding-plan"
          />
        </Form.Item>
        <Form.Item name="indicatorCode" label={t('findings.item')} rules={req}>
          <Select
            options={(target?.items ?? []).map((n) => ({
              value: n.code,
              label: `${n.code} ${pick(i18n.language, n.name, n.nameEn)}（${t('findings.capNote', { weight: n.weight })}）`,
            }))}
            data-testid="finding-item"
          />
        </Form.Item>
        <Space wrap>
          <Form.Item name="kind" label={t('findings.kindLabel')} rules={req}>
            <Select
              style={{ width: 160 }}
              options={FINDING_KINDS.map((k) => ({ value: k, label: t(`findings.kind.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="points" label={t('findings.points')} rules={req}>
            <InputNumber min={0.1} max={100} step={0.5} style={{ width: 120 }} data-testid="finding-points" />
          </Form.Item>
          <Form.Item name="docDate" label={t('findings.docDate')} rules={req}>
            <DatePicker data-testid="finding-date" />
          </Form.Item>
        </Space>
        <Form.Item name="docTitle" label={t('findings.docTitle')} rules={req}>
          <Input maxLength={300} data-testid="finding-title" />
        </Form.Item>
        <Form.Item name="docNumber" label={t('findings.docNumber')} rules={req}>
          <Input maxLength={100} data-testid="finding-number" />
        </Form.Item>
        <Form.Item name="description" label={t('findings.description')} rules={req}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="finding-description" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * Findings of audit, discipline inspection and finance of a cycle: the office records, attaches the
 * source document and withdraws with a reason; a unit sees its own findings.
 */
export function FindingsTab({ cycleId, canRecord }: { cycleId: string; canRecord: boolean }) {
  const { t, i18n } = useTranslation('linkage');
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const list = useQuery({
    queryKey: ['findings', cycleId],
    queryFn: () => api.get<FindingListReply>(`/api/cycles/${cycleId}/findings`),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['findings', cycleId] });
  const withdraw = (f: Finding) => {
    let reason = '';
    modal.confirm({
      title: t('findings.withdrawTitle', { number: f.docNumber }),
      content: (
        <Input.TextArea
          rows={3}
          placeholder={t('findings.withdrawReason')}
          onChange={(e) => (reason = e.target.value)}
          data-testid="withdraw-reason"
        />
      ),
      onOk: async () => {
        try {
          await api.post(`/api/findings/${f.id}/withdraw`, { reason });
          void message.success(t('findings.withdrawnDone'));
          void refresh();
        } catch (e) {
          void message.error(errorText(e));
          throw e;
        }
      },
    });
  };
  const attach = async (f: Finding, file: File) => {
    const body = new FormData();
    body.append('file', file, file.name);
    try {
      await api.post(`/api/findings/${f.id}/file`, body);
      void message.success(t('findings.attached', { name: file.name }));
      void refresh();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Paragraph type="secondary">{t('findings.intro')}</Typography.Paragraph>
      {canRecord && (
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setOpen(true)}
          data-testid="finding-add"
        >
          {t('findings.add')}
        </Button>
      )}
      {list.error && <Alert type="error" showIcon message={errorText(list.error)} />}
      <Table
        size="small"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('findings.empty') }}
        data-testid="findings-table"
        expandable={{
          expandedRowRender: (f) => (
            <div>
              <Typography.Paragraph>{f.description}</Typography.Paragraph>
              {f.withdrawnReason && (
                <Typography.Paragraph type="secondary">
                  {t('findings.withdrawn')}：{f.withdrawnReason}
                </Typography.Paragraph>
              )}
            </div>
          ),
        }}
        columns={[
          { title: t('findings.unit'), render: (_, f) => pick(i18n.language, f.unitName, f.unitNameEn) },
          { title: t('findings.kindLabel'), render: (_, f) => t(`findings.kind.${f.kind}`) },
          {
            title: t('findings.docTitle'),
            render: (_, f) => (
              <span>
                {f.docTitle}
                <br />
                <Typography.Text type="secondary">
                  {f.docNumber} · {fmtDate(f.docDate)}
                </Typography.Text>
              </span>
            ),
          },
          { title: t('findings.item'), dataIndex: 'indicatorCode' },
          { title: t('findings.points'), render: (_, f) => `−${f.points}` },
          {
            title: t('findings.status'),
            render: (_, f) =>
              f.status === 'active' ? (
                <Tag color="red">{t('findings.active')}</Tag>
              ) : (
                <Tag>{t('findings.withdrawn')}</Tag>
              ),
          },
          {
            title: t('findings.file'),
            render: (_, f) =>
              f.file ? (
                <a href={`/api/findings/${f.id}/file`}>
                  <PaperClipOutlined /> {f.file.name}
                </a>
              ) : f.can.attach ? (
                <Upload
                  showUploadList={false}
                  beforeUpload={(file) => {
                    void attach(f, file);
                    return false;
                  }}
                >
                  <Button size="small" icon={<UploadOutlined />}>
                    {t('findings.attach')}
                  </Button>
                </Upload>
              ) : (
                '—'
              ),
          },
          {
            key: 'actions',
            render: (_, f) =>
              f.can.withdraw && (
                <Button size="small" type="link" danger onClick={() => withdraw(f)}>
                  {t('findings.withdraw')}
                </Button>
              ),
          },
        ]}
      />
      {canRecord && <FindingForm cycleId={cycleId} open={open} onClose={() => setOpen(false)} />}
    </Space>
  );
}
