import { useState } from 'react';
import { App, Button, Form, Input, List, Space, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import type { ThreadListReply } from '@perfcommons/contracts';
import { useModeration } from './moderation';

export function ThreadsTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-threads', planId];
  const threads = useQuery({
    queryKey: key,
    queryFn: () => api.get<ThreadListReply>(`/api/participation/plans/${planId}/threads`),
  });
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [form] = Form.useForm<{ title: string; body: string }>();
  const post = useMutation({
    mutationFn: (b: { id: string; body: string }) =>
      api.post(`/api/participation/threads/${b.id}/posts`, { body: b.body }),
    onSuccess: (_, b) => {
      setDrafts({ ...drafts, [b.id]: '' });
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  const open = useMutation({
    mutationFn: (b: { title: string; body: string }) =>
      api.post(`/api/participation/plans/${planId}/threads`, b),
    onSuccess: () => {
      form.resetFields();
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  const moderate = useModeration(key);
  return (
    <>
      {(threads.data?.items ?? []).map((th) => (
        <div key={th.id} style={{ marginBottom: 16 }}>
          <Typography.Title level={5}>
            {th.title} {th.indicatorCode && <Tag>{th.indicatorCode}</Tag>}
          </Typography.Title>
          <List
            size="small"
            bordered
            dataSource={th.posts}
            renderItem={(p) => (
              <List.Item
                actions={[
                  <Button
                    key="m"
                    size="small"
                    type="link"
                    onClick={() => moderate('post', p.id, p.status === 'hidden')}
                  >
                    {t(p.status === 'hidden' ? 'show' : 'hide')}
                  </Button>,
                ]}
              >
                <Space wrap>
                  <Tag color={p.authorRole === 'stakeholder' ? 'blue' : 'gold'}>
                    {t(`role.${p.authorRole}`)}
                    {p.authorName ? ` · ${p.authorName}` : ''}
                  </Tag>
                  <Typography.Text delete={p.status === 'hidden'}>{p.body}</Typography.Text>
                  {p.status === 'hidden' && (
                    <Typography.Text type="secondary">({p.hiddenReason})</Typography.Text>
                  )}
                </Space>
              </List.Item>
            )}
          />
          <Space.Compact style={{ width: '100%', marginTop: 8 }}>
            <Input
              placeholder={t('reply')}
              value={drafts[th.id] ?? ''}
              onChange={(e) => setDrafts({ ...drafts, [th.id]: e.target.value })}
            />
            <Button type="primary" onClick={() => post.mutate({ id: th.id, body: drafts[th.id] ?? '' })}>
              {t('reply')}
            </Button>
          </Space.Compact>
        </div>
      ))}
      <Form form={form} layout="inline" onFinish={(v) => open.mutate(v)}>
        <Form.Item name="title" rules={[{ required: true }]}>
          <Input placeholder={t('title2')} />
        </Form.Item>
        <Form.Item name="body" rules={[{ required: true }]}>
          <Input placeholder={t('content')} style={{ width: 320 }} />
        </Form.Item>
        <Button htmlType="submit" loading={open.isPending}>
          {t('newThread')}
        </Button>
      </Form>
    </>
  );
}
