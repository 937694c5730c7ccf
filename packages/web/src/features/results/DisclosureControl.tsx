import { useEffect } from 'react';
import { Alert, App, Button, Checkbox, Form, Space, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import './disclosure-i18n';
import type { DisclosureReply } from '@perfcommons/contracts';

/** GET /api/public/cycles/:id/disclosure, PUT /api/cycles/:id/disclosure. */
/** What the office sets (the reply adds whether it is the default policy). */
type Disclosure = Omit<DisclosureReply, 'isDefault'>;

/** The office's control of what the public sees of a cycle's results (issue 14). */
export function DisclosureControl({ cycleId }: { cycleId: string }) {
  const { t } = useTranslation('disclosure');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Disclosure>();
  const policy = useQuery({
    queryKey: ['disclosure', cycleId],
    queryFn: () => api.get<DisclosureReply>(`/api/public/cycles/${cycleId}/disclosure`),
  });
  useEffect(() => {
    if (policy.data) form.setFieldsValue(policy.data);
  }, [policy.data, form]);
  const save = useMutation({
    mutationFn: (v: Disclosure) => api.put<DisclosureReply>(`/api/cycles/${cycleId}/disclosure`, v),
    onSuccess: (d) => {
      void message.success(t('saved'));
      qc.setQueryData(['disclosure', cycleId], d);
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const grades = Form.useWatch('cadreGrades', form);
  useEffect(() => {
    if (grades === false) form.setFieldValue('cadreConsequences', false);
  }, [grades, form]);
  return (
    <div data-testid="disclosure-control">
      <Typography.Title level={5}>{t('title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('help')}</Typography.Paragraph>
      {policy.error && <Alert type="error" message={errorText(policy.error)} />}
      {policy.data?.isDefault && (
        <Alert type="info" showIcon message={t('isDefault')} style={{ marginBottom: 8 }} />
      )}
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} disabled={!policy.data}>
        <Space direction="vertical" size={0}>
          <Form.Item name="unitResults" valuePropName="checked" noStyle>
            <Checkbox>{t('unitResults')}</Checkbox>
          </Form.Item>
          <Form.Item name="cadreGrades" valuePropName="checked" noStyle>
            <Checkbox>{t('cadreGrades')}</Checkbox>
          </Form.Item>
          <Form.Item name="cadreConsequences" valuePropName="checked" noStyle>
            <Checkbox disabled={grades === false}>{t('cadreConsequences')}</Checkbox>
          </Form.Item>
          <Typography.Text type="secondary">{t('cadreConsequencesHelp')}</Typography.Text>
        </Space>
        <div style={{ marginTop: 8 }}>
          <Button htmlType="submit" loading={save.isPending} data-testid="disclosure-save">
            {t('save')}
          </Button>
        </div>
      </Form>
    </div>
  );
}
