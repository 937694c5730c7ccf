import { useState } from 'react';
import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../console/errors';
import { useLogout } from '../../console/auth';
import { api } from '../../shared/api';
import type {
  RecoveryCodesReply,
  TotpEnableReply,
  TotpSetupReply,
  SessionUser as User,
} from '@perfcommons/contracts';

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
                v &&
                [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((r) => r.test(v)).length <
                  3
                  ? Promise.reject(new Error(t('password.rules')))
                  : Promise.resolve(),
            },
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

/**
 * Two-factor authentication (TOTP, RFC 6238): with the current password, creates a key for an
 * authenticator app, then enables it with a first code. Required in production for administrators and the
 * office (shown before anything else), available to everyone from the user menu.
 */
export function TotpSetup({ user, onDone }: { user: User; onDone: () => void }) {
  const { t } = useTranslation('console');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ currentPassword: string; code: string }>();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState<TotpSetupReply | null>(null);
  /** Recovery codes just issued: shown once, until the user says they are saved. */
  const [codes, setCodes] = useState<string[] | null>(null);

  const run = async (fn: () => Promise<void>, fields: string[]) => {
    setBusy(true);
    setErrors([]);
    try {
      await fn();
    } catch (e) {
      setErrors(applyFieldErrors(form, e, fields));
    } finally {
      setBusy(false);
    }
  };
  const start = (v: { currentPassword: string }) =>
    run(async () => {
      setKey(await api.post<TotpSetupReply>('/api/auth/totp/setup', { currentPassword: v.currentPassword }));
    }, ['currentPassword']);
  const enable = (v: { code: string }) =>
    run(async () => {
      const r = await api.post<TotpEnableReply>('/api/auth/totp/enable', { code: v.code });
      setCodes(r.recoveryCodes);
      void message.success(t('totp.enabled'));
    }, ['code']);
  const regenerate = (v: { currentPassword: string; code: string }) =>
    run(async () => {
      const r = await api.post<RecoveryCodesReply>('/api/auth/totp/recovery-codes', v);
      form.resetFields();
      setCodes(r.recoveryCodes);
      void message.success(t('totp.regenerated'));
    }, ['currentPassword', 'code']);
  const saved = () => {
    const left = codes?.length ?? 0;
    setCodes(null);
    qc.setQueryData(['me'], {
      ...user,
      totpEnabled: true,
      totpEnrolmentRequired: false,
      recoveryCodesLeft: left,
    });
    onDone();
  };
  const disable = (v: { currentPassword: string; code: string }) =>
    run(async () => {
      await api.post('/api/auth/totp/disable', v);
      qc.setQueryData(['me'], { ...user, totpEnabled: false });
      void message.success(t('totp.disabled'));
      onDone();
    }, ['currentPassword', 'code']);

  const required = [{ required: true, message: t('totp.required') }];
  const codeItem = (
    <Form.Item
      name="code"
      label={t('totp.code')}
      rules={[...required, { pattern: /^\d{6}$/, message: '000000' }]}
    >
      <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" data-testid="totp-code" />
    </Form.Item>
  );
  return (
    <div data-testid="totp-setup">
      <Typography.Title level={5}>{t('totp.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">
        {user.totpEnrolmentRequired ? t('totp.intro') : t('totp.optional')}
      </Typography.Paragraph>
      {errors.length > 0 && (
        <Alert type="error" showIcon message={errors.join('; ')} style={{ marginBottom: 16 }} />
      )}
      {codes ? (
        <div data-testid="totp-recovery-codes">
          <Typography.Title level={5}>{t('totp.codesTitle')}</Typography.Title>
          <Alert type="warning" showIcon message={t('totp.codesIntro')} style={{ marginBottom: 12 }} />
          <Typography.Paragraph copyable={{ text: codes.join('\n') }}>
            <ol style={{ fontFamily: 'monospace', columns: 2, margin: 0 }}>
              {codes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ol>
          </Typography.Paragraph>
          <Button type="primary" block onClick={saved} data-testid="totp-codes-saved">
            {t('totp.codesSaved')}
          </Button>
        </div>
      ) : user.totpEnabled ? (
        <Form form={form} layout="vertical" requiredMark={false}>
          <Alert
            type={(user.recoveryCodesLeft ?? 0) <= 2 ? 'warning' : 'info'}
            showIcon
            data-testid="totp-codes-left"
            message={t('totp.codesLeft', { count: user.recoveryCodesLeft ?? 0 })}
            description={(user.recoveryCodesLeft ?? 0) <= 2 ? t('totp.codesLow') : undefined}
            style={{ marginBottom: 12 }}
          />
          <Form.Item name="currentPassword" label={t('totp.password')} rules={required}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {codeItem}
          <Button
            block
            loading={busy}
            style={{ marginBottom: 8 }}
            data-testid="totp-regenerate"
            onClick={() => void form.validateFields().then(regenerate)}
          >
            {t('totp.regenerate')}
          </Button>
          <Button danger block loading={busy} onClick={() => void form.validateFields().then(disable)}>
            {t('totp.disable')}
          </Button>
        </Form>
      ) : !key ? (
        <Form form={form} layout="vertical" onFinish={start} requiredMark={false}>
          <Form.Item name="currentPassword" label={t('totp.password')} rules={required}>
            <Input.Password autoComplete="current-password" data-testid="totp-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="totp-start">
            {t('totp.start')}
          </Button>
        </Form>
      ) : (
        <Form form={form} layout="vertical" onFinish={enable} requiredMark={false}>
          <Typography.Paragraph>{t('totp.secret')}</Typography.Paragraph>
          <Typography.Paragraph copyable code data-testid="totp-secret">
            {key.secret}
          </Typography.Paragraph>
          <Typography.Paragraph>
            <a href={key.otpauthUrl}>{key.otpauthUrl}</a>
          </Typography.Paragraph>
          {codeItem}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="totp-enable">
            {t('totp.enable')}
          </Button>
        </Form>
      )}
    </div>
  );
}
