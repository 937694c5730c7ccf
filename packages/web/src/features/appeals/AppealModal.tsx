import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Typography,
  Upload,
  type UploadFile,
} from 'antd';
import { DeleteOutlined, InboxOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors, errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import type { BreakdownView } from '../../shared/tree';
import type { ResultItem as Result } from '@perfcommons/contracts';
import type { Appeal } from './types';
import { EVIDENCE_MAX_BYTES } from '@perfcommons/contracts/enums';
import { SYNTHETIC_NODE_CODES } from '@perfcommons/domain';
import { EVIDENCE_ACCEPT } from '../values/Evidence';

/** Leaves of a breakdown, for the indicator picker. */
function leaves(ns: BreakdownView[], out: BreakdownView[] = []): BreakdownView[] {
  for (const n of ns) {
    // Parts of a combined total are not indicators of the plan, so not appealable.
    if (SYNTHETIC_NODE_CODES.includes(n.code)) continue;
    if (n.children?.length) leaves(n.children, out);
    else out.push(n);
  }
  return out;
}

interface FormValues {
  indicatorCode: string;
  reason: string;
  evidence: string[];
}

export function AppealModal({
  result,
  breakdown,
  indicatorCode,
  namesEn,
  onClose,
}: {
  result?: Result;
  breakdown: BreakdownView[];
  indicatorCode?: string;
  namesEn: Map<string, string>;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('appeals');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const rules = useQuery({
    queryKey: ['rules', result?.cycleId],
    enabled: !!result?.cycleId,
    queryFn: () => api.get<{ rules: { appealWindowDays: number } }>(`/api/cycles/${result!.cycleId}/rules`),
  });
  // Files chosen (dragged or picked) before filing; uploaded to the appeal once it exists, one at a time.
  const [files, setFiles] = useState<UploadFile[]>([]);
  const file = useMutation({
    mutationFn: async (v: FormValues) => {
      const { appeal } = await api.post<{ appeal: Appeal }>(`/api/results/${result!.id}/appeals`, {
        indicatorCode: v.indicatorCode,
        reason: v.reason,
        evidence: (v.evidence ?? []).map((e) => e?.trim()).filter(Boolean),
      });
      const failed: string[] = [];
      for (const f of files) {
        const body = new FormData();
        body.append('file', f.originFileObj as File, f.name);
        try {
          await api.post(`/api/appeals/${appeal.id}/files`, body);
        } catch (e) {
          failed.push(`${f.name}：${errorText(e)}`);
        }
      }
      return failed;
    },
    onSuccess: (failed) => {
      if (failed.length) void message.warning(t('filesFailed', { files: failed.join('; ') }), 8);
      setFiles([]);
      void message.success(t('filed'));
      void qc.invalidateQueries({ queryKey: ['appeals'] });
      form.resetFields();
      onClose();
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, ['indicatorCode', 'reason', 'evidence']);
      if (rest.length) void message.error(rest.join('; '));
    },
  });
  const options = leaves(breakdown).map((n) => ({
    value: n.code,
    label: `${n.code} ${(lang === 'en' && namesEn.get(n.code)) || n.name}`,
  }));

  return (
    <Modal
      open={!!result}
      title={result ? t('fileTitle', { name: pick(lang, result.appraiseeName, result.appraiseeNameEn) }) : ''}
      okText={t('submit')}
      cancelText={t('console:common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: file.isPending, 'data-testid': 'appeal-submit' }}
      destroyOnHidden
      width={640}
    >
      {rules.data && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('window', { days: rules.data.rules.appealWindowDays })}
        />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{ indicatorCode, evidence: [''] }}
        onFinish={(v) => file.mutate(v)}
        data-testid="appeal-form"
      >
        <Form.Item name="indicatorCode" label={t('indicator')} rules={[{ required: true }]}>
          <Select showSearch optionFilterProp="label" options={options} data-testid="appeal-indicator" />
        </Form.Item>
        <Form.Item name="reason" label={t('reason')} rules={[{ required: true, min: 5 }]}>
          <Input.TextArea
            rows={4}
            maxLength={5000}
            placeholder={t('reasonPlaceholder')}
            data-testid="appeal-reason"
          />
        </Form.Item>
        <Typography.Text strong>{t('evidence')}</Typography.Text>
        <Form.List name="evidence">
          {(fields, { add, remove }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                  <Form.Item name={f.name} style={{ flex: 1, minWidth: 420 }}>
                    <Input
                      maxLength={500}
                      placeholder={t('evidencePlaceholder')}
                      data-testid={`appeal-evidence-${i}`}
                    />
                  </Form.Item>
                  <DeleteOutlined onClick={() => remove(f.name)} aria-label={t('console:common.delete')} />
                </Space>
              ))}
              {fields.length < 20 && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')}>
                  {t('addEvidence')}
                </Button>
              )}
            </div>
          )}
        </Form.List>
        <Typography.Text strong>{t('files')}</Typography.Text>
        <Upload.Dragger
          style={{ marginTop: 8 }}
          multiple
          accept={EVIDENCE_ACCEPT}
          fileList={files}
          beforeUpload={(f) => {
            if (f.size > EVIDENCE_MAX_BYTES) void message.error(t('fileTooLarge', { name: f.name }));
            else setFiles((l) => [...l, { uid: f.uid, name: f.name, size: f.size, originFileObj: f }]);
            return false;
          }}
          onRemove={(f) => setFiles((l) => l.filter((x) => x.uid !== f.uid))}
          data-testid="appeal-files"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('filesDrop')}</p>
          <p className="ant-upload-hint">{t('filesHint')}</p>
        </Upload.Dragger>
      </Form>
    </Modal>
  );
}
