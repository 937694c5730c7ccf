import { useState } from 'react';
import { App, Button, Checkbox, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { Questionnaire } from '@perfcommons/domain';
import { useCrumbs } from '../../console/crumbs';
import { applyFieldErrors } from '../../console/errors';
import { useCycles } from '../../console/queries';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import type { Items } from '@perfcommons/contracts';
import type { CreateSurveyReply, SurveyListItem as Survey, SurveyStatus } from '@perfcommons/contracts';

export const STATUS_COLORS: Record<SurveyStatus, string> = {
  draft: 'default',
  fielding: 'processing',
  closed: 'warning',
  published: 'success',
};

/** A starting questionnaire, so a new survey can be fielded after a few edits. */
const starter = (): Questionnaire => ({
  sections: [
    {
      id: 's1',
      title: '总体评价',
      titleEn: 'Overall',
      questions: [
        {
          id: 'overall',
          type: 'likert5',
          text: '您对政府部门的工作总体满意吗？',
          textEn: 'Overall, how satisfied are you with the government departments?',
          required: true,
          dimension: 'overall',
        },
        { id: 'advice', type: 'text', text: '您的意见和建议', textEn: 'Your suggestions', maxLength: 1000 },
      ],
    },
  ],
});

export default function SurveysPage() {
  const { t, i18n } = useTranslation('surveys');
  useCrumbs([{ title: t('title') }]);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const cycles = useCycles();
  const list = useQuery({
    queryKey: ['surveys'],
    queryFn: () => api.get<Items<Survey>>('/api/surveys').then((r) => r.items),
  });
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const create = useMutation({
    mutationFn: (v: Record<string, unknown>) =>
      api.post<CreateSurveyReply>('/api/surveys', {
        ...v,
        strataFields: String(v.strataFields ?? '')
          .split(/[,\s，]+/)
          .filter(Boolean),
        definition: starter(),
      }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['surveys'] });
      setOpen(false);
      navigate(`/surveys/${r.survey.id}`);
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, ['code', 'title', 'titleEn', 'cycleId', 'strataFields']);
      if (rest.length) void message.error(rest.join('; '));
    },
  });
  const cycleName = (id: string | null) => {
    const c = cycles.data?.find((x) => x.id === id);
    return c ? pick(i18n.language, c.name, c.nameEn) : '';
  };
  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setOpen(true)}
          data-testid="survey-create"
        >
          {t('list.create')}
        </Button>
      </Space>
      <Table<Survey>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        locale={{ emptyText: t('list.empty') }}
        pagination={false}
        columns={[
          { title: t('list.code'), dataIndex: 'code' },
          {
            title: t('list.name'),
            render: (_, s) => <Link to={`/surveys/${s.id}`}>{pick(i18n.language, s.title, s.titleEn)}</Link>,
          },
          { title: t('list.cycle'), render: (_, s) => cycleName(s.cycleId) },
          {
            title: t('list.status'),
            dataIndex: 'status',
            render: (v: SurveyStatus) => <Tag color={STATUS_COLORS[v]}>{t(`status.${v}`)}</Tag>,
          },
          { title: t('list.invitations'), dataIndex: 'invitations', align: 'right' },
          { title: t('list.responses'), dataIndex: 'responses', align: 'right' },
        ]}
      />
      <Modal
        open={open}
        title={t('create.title')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ strataFields: 'respondentType, district, area', openMode: false }}
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item name="code" label={t('create.code')} rules={[{ required: true }]}>
            <Input placeholder="2026-satisfaction" />
          </Form.Item>
          <Form.Item name="title" label={t('create.name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="titleEn" label={t('create.nameEn')}>
            <Input />
          </Form.Item>
          <Form.Item name="cycleId" label={t('create.cycle')}>
            <Select
              allowClear
              options={(cycles.data ?? []).map((c) => ({
                value: c.id,
                label: pick(i18n.language, c.name, c.nameEn),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="strataFields"
            label={t('create.strata')}
            extra={t('create.strataHelp')}
            rules={[{ required: true }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="openMode" valuePropName="checked">
            <Checkbox>{t('create.openMode')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
