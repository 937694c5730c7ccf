import { useState } from 'react';
import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../console/errors';
import { useLogout } from '../../console/auth';
import { api } from '../../shared/api';
import type { User } from '../../shared/types';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/**
 * The only screen of an account whose password someone else set (install, import, reset): every other
 * API call answers 403 until the user has chosen a new password.
 */
export function ChangePasswordForm({ user, onDone }: { user: User; onDone: () => void }) {
  const { t } = useTranslation('onboarding');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const logout = useLogout();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    setErrors([]);
    try {
      await api.post('/api/auth/password', {
        currentPassword: v.currentPassword,
        newPassword: v.newPassword,
      });
      qc.setQueryData(['me'], { ...user, mustChangePassword: false });
      void message.success(t('password.done'));
      onDone();
    } catch (e) {
      setErrors(applyFieldErrors(form, e, ['currentPassword', 'newPassword']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="change-password">
      <Typography.Title level={5}>{t('password.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('password.intro')}</Typography.Paragraph>
      {errors.length > 0 && (
        <Alert type="error" showIcon message={errors.join('; ')} style={{ marginBottom: 16 }} />
      )}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          name="currentPassword"
          label={t('password.current')}
          rules={[{ required: true, message: t('password.required') }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" id="currentPassword" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('password.next')}
          extra={t('password.rules')}
          rules={[
            { required: true, message: t('password.required') },
            { min: 10, message: t('password.tooShort') },
            {
              validator: (_, v: string | undefined) =>
                v && v.toLowerCase().includes(user.username.toLowerCase())
                  ? Promise.reject(new Error(t('password.hasUsername')))
                  : Promise.resolve(),
            },
          ]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" id="newPassword" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('password.required') },
            ({ getFieldValue }) => ({
              validator: (_, v) =>
                !v || v === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" id="confirmPassword" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="change-password-submit">
          {t('password.submit')}
        </Button>
        <Button type="link" block onClick={() => void logout()} style={{ marginTop: 8 }}>
          {t('password.logout')}
        </Button>
      </Form>
    </div>
  );
}
