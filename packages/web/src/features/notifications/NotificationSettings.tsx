import { useEffect, useState } from 'react';
import { App, Button, Checkbox, Space, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { NotificationChannels, NotificationSettings as Settings } from '@perfcommons/contracts';
import { api } from '../../shared/api';
import { errorText } from '../../console/errors';

/** The current user's notification channels (in the platform, e-mail, SMS). */
export function NotificationSettings({ onDone }: { onDone?: () => void }) {
  const { t } = useTranslation('notifications');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settings = useQuery({
    queryKey: ['notification-settings'],
    queryFn: () => api.get<Settings>('/api/notifications/settings'),
  });
  const [value, setValue] = useState<NotificationChannels>();
  useEffect(() => {
    if (settings.data && !value)
      setValue({ inApp: settings.data.inApp, email: settings.data.email, sms: settings.data.sms });
  }, [settings.data, value]);
  const save = useMutation({
    mutationFn: (v: NotificationChannels) => api.put<Settings>('/api/notifications/settings', v),
    onSuccess: (s) => {
      qc.setQueryData(['notification-settings'], s);
      void message.success(t('saved'));
      onDone?.();
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const s = settings.data;
  if (!s || !value) return null;
  const why = (has: boolean, configured: boolean, none: string, off: string) =>
    !configured ? t(off) : !has ? t(none) : null;
  const rows = [
    { key: 'inApp' as const, note: null },
    { key: 'email' as const, note: why(s.emailAddress, s.emailConfigured, 'noEmail', 'emailOff') },
    { key: 'sms' as const, note: why(s.smsNumber, s.smsConfigured, 'noPhone', 'smsOff') },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="notification-settings">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('intro')}</Typography.Text>
      {rows.map((r) => (
        <div key={r.key}>
          <Checkbox
            checked={value[r.key]}
            onChange={(e) => setValue({ ...value, [r.key]: e.target.checked })}
            data-testid={`channel-${r.key}`}
          >
            {t(r.key)}
          </Checkbox>
          {r.note && (
            <Typography.Text type="warning" style={{ fontSize: 12 }}>
              {r.note}
            </Typography.Text>
          )}
        </div>
      ))}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('consent')}
      </Typography.Text>
      <Button type="primary" loading={save.isPending} onClick={() => save.mutate(value)}>
        {t('save')}
      </Button>
    </Space>
  );
}
