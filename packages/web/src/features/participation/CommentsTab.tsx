import { useState } from 'react';
import { Alert, App, Button, Input, List, Space, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import type { PlanCommentListReply } from '@perfcommons/contracts';
import { StatusTag, useModeration } from './moderation';

export function CommentsTab({ planId }: { planId: string }) {
  const { t } = useTranslation('participation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['part-comments', planId];
  const comments = useQuery({
    queryKey: key,
    queryFn: () => api.get<PlanCommentListReply>(`/api/participation/plans/${planId}/comments`),
  });
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const answer = useMutation({
    mutationFn: (b: { id: string; answer: string }) =>
      api.post(`/api/participation/comments/${b.id}/answer`, { answer: b.answer }),
    onSuccess: () => {
      message.success(t('saved'));
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => message.error(errorText(e)),
  });
  const moderate = useModeration(key);
  const open = (comments.data?.items ?? []).filter((c) => c.status === 'visible' && !c.answer).length;
  return (
    <>
      {open > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('unansweredNote', { n: open })}
        />
      )}
      <List
        loading={comments.isLoading}
        dataSource={comments.data?.items ?? []}
        locale={{ emptyText: t('empty') }}
        renderItem={(c) => (
          <List.Item
            actions={[
              <Button key="m" size="small" onClick={() => moderate('comment', c.id, c.status === 'hidden')}>
                {t(c.status === 'hidden' ? 'show' : 'hide')}
              </Button>,
            ]}
          >
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Tag>{c.indicatorCode ?? t('wholePlan')}</Tag>
                <StatusTag status={c.status} reason={c.hiddenReason} />
                <Tag color={c.answer ? 'green' : 'orange'}>{t(c.answer ? 'answered' : 'unanswered')}</Tag>
              </Space>
              <Typography.Text>{c.body}</Typography.Text>
              <Space.Compact style={{ width: '100%' }}>
                <Input.TextArea
                  rows={1}
                  placeholder={t('answerPlaceholder')}
                  value={drafts[c.id] ?? c.answer ?? ''}
                  onChange={(e) => setDrafts({ ...drafts, [c.id]: e.target.value })}
                  data-testid="part-answer"
                />
                <Button
                  type="primary"
                  loading={answer.isPending}
                  onClick={() => answer.mutate({ id: c.id, answer: drafts[c.id] ?? c.answer ?? '' })}
                >
                  {t('answer')}
                </Button>
              </Space.Compact>
            </Space>
          </List.Item>
        )}
      />
    </>
  );
}
