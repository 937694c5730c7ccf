import { useState } from 'react';
import { Alert, Form, Input, Modal, Space, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../console/errors';
import { api } from '../../shared/api';

interface ThirdPartyForm {
  username: string;
  displayName: string;
  displayNameEn?: string;
}

export function ThirdPartyModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('evaluation');
  const [form] = Form.useForm<ThirdPartyForm>();
  const qc = useQueryClient();
  const [created, setCreated] = useState<{ user: { username: string }; password: string }>();
  const create = useMutation({
    mutationFn: (body: ThirdPartyForm) =>
      api.post<{ user: { username: string }; password: string }>('/api/evaluation/third-parties', {
        ...body,
        displayNameEn: body.displayNameEn?.trim() || undefined,
      }),
    onSuccess: (r) => {
      setCreated(r);
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => void applyFieldErrors(form, e, ['username', 'displayName', 'displayNameEn']),
  });
  const close = () => {
    setCreated(undefined);
    form.resetFields();
    onClose();
  };
  return (
    <Modal
      open={open}
      title={t('panels.thirdParty')}
      onCancel={close}
      cancelText={t('console:common.cancel')}
      okText={created ? t('console:common.confirm') : t('panels.create')}
      okButtonProps={{ loading: create.isPending }}
      onOk={() => (created ? close() : form.submit())}
      destroyOnHidden
    >
      {created ? (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="third-party-created">
          <Alert type="success" showIcon message={t('panels.created', { username: created.user.username })} />
          <Typography.Paragraph>{t('panels.passwordOnce')}</Typography.Paragraph>
          <Typography.Text code copyable style={{ fontSize: 16 }} data-testid="third-party-password">
            {created.password}
          </Typography.Text>
        </Space>
      ) : (
        <Form<ThirdPartyForm> form={form} layout="vertical" onFinish={(v) => create.mutate(v)}>
          <Form.Item
            name="username"
            label={t('panels.username')}
            rules={[{ required: true, pattern: /^[a-zA-Z0-9._-]{3,60}$/ }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('panels.orgName')} rules={[{ required: true }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="displayNameEn" label={t('panels.orgNameEn')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
