import { Alert, App, Button, Card, Form, Input, Space, Typography } from 'antd';
import { LinkOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors, errorText } from '../../console/errors';
import { api } from '../../shared/api';
import type { Cycle } from '@perfcommons/contracts';
import type { RulesReply as RulesView } from '@perfcommons/contracts';
import { GradesCard, ScoringCard, VersionsCard } from './RulesCards';
import { ConsequencesCard } from './RulesConsequences';
import { type FormValues, fromForm, toForm } from './rules-form';

/** The cycle's rules 考核办法: editable before evaluation, frozen (read-only) afterwards, versioned. */
export function RulesTab({ cycle }: { cycle: Cycle }) {
  const { t } = useTranslation('evaluation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const q = useQuery({
    queryKey: ['rules', cycle.id],
    queryFn: () => api.get<RulesView>(`/api/cycles/${cycle.id}/rules`),
  });
  const save = useMutation({
    mutationFn: (f: FormValues) =>
      api.put<{ version: { version: number } }>(`/api/cycles/${cycle.id}/rules`, fromForm(f)),
    onSuccess: (r) => {
      void message.success(t('rules.saved', { v: r.version.version }));
      form.setFieldValue('note', undefined);
      void qc.invalidateQueries({ queryKey: ['rules', cycle.id] });
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, []);
      void message.error(rest.length ? rest.join('; ') : errorText(e));
    },
  });
  const data = q.data;
  const frozen = data?.frozen ?? false;
  const published = data?.versions.some((v) => v.frozenAt);

  if (!data)
    return (
      <Card loading={q.isLoading}>{q.error && <Alert type="error" message={errorText(q.error)} />}</Card>
    );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Alert
        type={frozen ? 'info' : 'warning'}
        showIcon
        data-testid="rules-state"
        message={frozen ? t('rules.frozen') : t('rules.editable')}
        action={
          published ? (
            <Button
              size="small"
              icon={<LinkOutlined />}
              href={`/cycles/${cycle.id}/regulations`}
              target="_blank"
              data-testid="regulations-link"
            >
              {t('rules.regulations')}
            </Button>
          ) : (
            <Typography.Text type="secondary">{t('rules.noRegulations')}</Typography.Text>
          )
        }
      />
      <Form<FormValues>
        form={form}
        key={`${cycle.id}:${data.versions.length}`}
        layout="vertical"
        initialValues={toForm(data)}
        disabled={frozen}
        onFinish={(f) => save.mutate(f)}
        data-testid="rules-form"
      >
        <ScoringCard />

        <GradesCard frozen={frozen} />

        <ConsequencesCard frozen={frozen} />

        {!frozen && (
          <Card size="small" style={{ marginBottom: 16 }}>
            <Form.Item name="note" label={t('rules.note')}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('rules.notePlaceholder')} />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              icon={<SaveOutlined />}
              loading={save.isPending}
              data-testid="rules-save"
            >
              {t('rules.save')}
            </Button>
          </Card>
        )}
      </Form>

      <VersionsCard versions={data.versions} />
    </Space>
  );
}
