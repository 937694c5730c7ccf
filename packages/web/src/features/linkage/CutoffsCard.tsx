import { useEffect } from 'react';
import { App, Button, Card, Descriptions, Form, InputNumber, Space, Switch, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { LinkageCutoffs, LinkageSettingsReply } from '@perfcommons/contracts';
import { applyFieldErrors } from '../../console/errors';
import { api } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';

/** The city's cut-offs of the rates 计算口径: everyone who reads rates sees them, the office edits them. */
export function CutoffsCard() {
  const { t } = useTranslation('linkage');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<LinkageCutoffs>();
  const q = useQuery({
    queryKey: ['linkage-settings'],
    queryFn: () => api.get<LinkageSettingsReply>('/api/linkage/settings'),
  });
  useEffect(() => {
    if (q.data) form.setFieldsValue(q.data.cutoffs);
  }, [q.data, form]);
  const save = useMutation({
    mutationFn: (v: LinkageCutoffs) => api.put<LinkageSettingsReply>('/api/linkage/settings', v),
    onSuccess: () => {
      void message.success(t('cutoffs.saved'));
      void qc.invalidateQueries({ queryKey: ['linkage-settings'] });
      void qc.invalidateQueries({ queryKey: ['linkage-rates'] });
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, [
        'responseLimitMinutes',
        'partialResolution',
        'basicSatisfaction',
        'excludeConsultations',
      ]);
      if (rest.length) void message.error(rest.join('；'));
    },
  });
  const d = q.data;
  if (!d) return null;
  const c = d.cutoffs;
  return (
    <Card
      size="small"
      title={t('cutoffs.title')}
      data-testid="linkage-cutoffs"
      extra={
        d.isDefault ? (
          <Tag>{t('cutoffs.default')}</Tag>
        ) : (
          <Typography.Text type="secondary">
            {t('cutoffs.updated', { at: fmtDateTime(d.updatedAt) })}
          </Typography.Text>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('cutoffs.intro')}</Typography.Paragraph>
      {d.can.edit ? (
        <Form form={form} layout="inline" onFinish={(v) => save.mutate(v)} initialValues={c}>
          <Form.Item name="responseLimitMinutes" label={t('cutoffs.responseLimit')}>
            <InputNumber
              min={1}
              max={10080}
              step={30}
              addonAfter={t('cutoffs.minutes')}
              style={{ width: 170 }}
            />
          </Form.Item>
          <Form.Item name="partialResolution" label={t('cutoffs.partial')}>
            <InputNumber min={0} max={1} step={0.1} style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="basicSatisfaction" label={t('cutoffs.basic')}>
            <InputNumber min={0} max={1} step={0.1} style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="excludeConsultations" label={t('cutoffs.consultations')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="cutoffs-save">
              {t('cutoffs.save')}
            </Button>
          </Space>
        </Form>
      ) : (
        <Descriptions size="small" column={4}>
          <Descriptions.Item label={t('cutoffs.responseLimit')}>
            {c.responseLimitMinutes} {t('cutoffs.minutes')}
          </Descriptions.Item>
          <Descriptions.Item label={t('cutoffs.partial')}>{c.partialResolution}</Descriptions.Item>
          <Descriptions.Item label={t('cutoffs.basic')}>{c.basicSatisfaction}</Descriptions.Item>
          <Descriptions.Item label={t('cutoffs.consultations')}>
            {c.excludeConsultations ? t('cutoffs.yes') : t('cutoffs.no')}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
