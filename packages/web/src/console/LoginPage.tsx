import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { setLang, type Lang } from '../i18n';
import { ApiError, api } from '../shared/api';
import { errorText } from './errors';
import type { AuthConfigReply, LoginReply } from '@perfcommons/contracts';
import { ChangePasswordForm, TotpSetup } from '../features/onboarding/ChangePassword';
import { useMe } from './auth';

export function LoginPage() {
  const { t, i18n } = useTranslation('console');
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needTotp, setNeedTotp] = useState(false);
  // `/` (and no state) lets the index route send each role to its own work.
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  // Production servers have no demo accounts: the hint is shown only outside production.
  const config = useQuery({
    queryKey: ['auth-config'],
    queryFn: () => api.get<AuthConfigReply>('/api/auth/config'),
    staleTime: Infinity,
  });

  if (me.data && !me.data.mustChangePassword && !me.data.totpEnrolmentRequired)
    return <Navigate to={from} replace />;

  const submit = async (v: { username: string; password: string; totp?: string; recoveryCode?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const { user } = await api.post<LoginReply>('/api/auth/login', {
        ...v,
        totp: v.totp || undefined,
        recoveryCode: v.recoveryCode || undefined,
      });
      sessionStorage.removeItem('pc_landing');
      qc.setQueryData(['me'], user);
      // A password someone else set, or a second factor the roles require: that form shows here first.
      if (!user.mustChangePassword && !user.totpEnrolmentRequired) navigate(from, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'totp_required' || e.code === 'totp_invalid')) {
        setNeedTotp(true);
        setError(
          e.code !== 'totp_invalid'
            ? t('login.totpHint')
            : e.details[0]?.path === 'recoveryCode'
              ? t('login.recoveryInvalid')
              : errorText(e),
        );
      } else if (e instanceof ApiError && (e.code === 'account_locked' || e.code === 'address_locked')) {
        const until = /locked until (\S+)/.exec(e.details[0]?.message ?? '')?.[1];
        setError(t('login.locked', { until: until ? new Date(until).toLocaleString(i18n.language) : '' }));
      } else setError(e instanceof ApiError && e.status === 401 ? t('login.failed') : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="pc-login">
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('title')}
          </Typography.Title>
          <Segmented
            size="small"
            value={i18n.language}
            onChange={(v) => setLang(v as Lang)}
            options={[
              { label: '中', value: 'zh-CN' },
              { label: 'EN', value: 'en' },
            ]}
          />
        </div>
        {me.data?.mustChangePassword ? (
          <ChangePasswordForm
            user={me.data}
            onDone={() => {
              if (!me.data?.totpEnrolmentRequired) navigate(from, { replace: true });
            }}
          />
        ) : me.data?.totpEnrolmentRequired ? (
          <TotpSetup user={me.data} onDone={() => navigate(from, { replace: true })} />
        ) : (
          <LoginForm
            error={error}
            busy={busy}
            submit={submit}
            needTotp={needTotp}
            demo={config.data ? !config.data.production : false}
          />
        )}
      </Card>
    </div>
  );
}

function LoginForm(props: {
  error: string | null;
  busy: boolean;
  submit: (v: { username: string; password: string; totp?: string; recoveryCode?: string }) => Promise<void>;
  needTotp: boolean;
  demo: boolean;
}) {
  const { t } = useTranslation('console');
  const { error, busy, submit, demo, needTotp } = props;
  // A lost authenticator: one of the one-time recovery codes instead of the 6-digit code.
  const [recovery, setRecovery] = useState(false);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('login.title')}</Typography.Paragraph>
      {error && (
        <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />
      )}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          name="username"
          label={t('login.username')}
          rules={[{ required: true, message: t('login.required') }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" id="username" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          rules={[{ required: true, message: t('login.required') }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" id="password" />
        </Form.Item>
        {needTotp && recovery && (
          <Form.Item
            name="recoveryCode"
            label={t('login.recoveryCode')}
            rules={[{ required: true, min: 8, message: t('login.recoveryHint') }]}
          >
            <Input prefix={<SafetyOutlined />} autoComplete="off" id="recoveryCode" autoFocus />
          </Form.Item>
        )}
        {needTotp && (
          <Typography.Link
            onClick={() => setRecovery(!recovery)}
            style={{ display: 'block', marginBottom: 12 }}
            data-testid="login-use-recovery"
          >
            {recovery ? t('login.useTotp') : t('login.useRecovery')}
          </Typography.Link>
        )}
        {needTotp && !recovery && (
          <Form.Item
            name="totp"
            label={t('login.totp')}
            rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.totpHint') }]}
          >
            <Input
              prefix={<SafetyOutlined />}
              inputMode="numeric"
              maxLength={6}
              autoComplete="one-time-code"
              id="totp"
              autoFocus
            />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
          {t('login.submit')}
        </Button>
      </Form>
      {demo && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
          {t('login.demo')}
        </Typography.Paragraph>
      )}
    </>
  );
}
