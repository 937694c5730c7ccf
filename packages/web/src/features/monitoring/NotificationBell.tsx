import { Badge, Button, List, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import type { Notification, NotificationListReply } from '@perfcommons/contracts';

/** Where a message leads in the console. */
function target(n: Notification): string | null {
  if (n.kind === 'correction_task') return '/monitoring?tab=tasks';
  if (n.kind === 'early_warning') return '/monitoring?tab=warnings';
  if (n.kind.startsWith('reporting_')) return '/monitoring?tab=overdue';
  if (n.kind === 'plan_revision' && n.planId) return `/plans/${n.planId}`;
  return null;
}

/** The current user's in-platform messages (reminders, warnings, tasks, revisions) in the header. */
export default function NotificationBell() {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['notifications'],
    queryFn: () => api.get<NotificationListReply>('/api/notifications?limit=20'),
    refetchInterval: 60_000,
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['notifications'] });
  const read = useMutation({
    mutationFn: (id: string) => api.post(`/api/notifications/${id}/read`),
    onSuccess: refresh,
  });
  const readAll = useMutation({
    mutationFn: () => api.post('/api/notifications/read-all'),
    onSuccess: refresh,
  });
  const content = (
    <div style={{ width: 380, maxHeight: 440, overflowY: 'auto' }}>
      <List<Notification>
        size="small"
        dataSource={q.data?.items ?? []}
        locale={{ emptyText: t('noNotifications') }}
        renderItem={(n) => (
          <List.Item
            style={{ cursor: 'pointer', opacity: n.readAt ? 0.6 : 1 }}
            onClick={() => {
              if (!n.readAt) read.mutate(n.id);
              const to = target(n);
              if (to) navigate(to);
            }}
          >
            <List.Item.Meta
              title={
                <Typography.Text strong={!n.readAt} style={{ fontSize: 13 }}>
                  {pick(lang, n.title, n.titleEn)}
                </Typography.Text>
              }
              description={
                <>
                  <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0, fontSize: 12 }}>
                    {pick(lang, n.body, n.bodyEn)}
                  </Typography.Paragraph>
                  <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                    {fmtDateTime(n.createdAt)}
                  </Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
    </div>
  );
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={
        <span style={{ display: 'flex', justifyContent: 'space-between' }}>
          {t('notifications')}
          <Button size="small" type="link" disabled={!q.data?.unread} onClick={() => readAll.mutate()}>
            {t('markAll')}
          </Button>
        </span>
      }
      content={content}
    >
      <Badge count={q.data?.unread ?? 0} size="small" overflowCount={99}>
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={t('notifications')}
          data-testid="notification-bell"
        />
      </Badge>
    </Popover>
  );
}
