import { App, Input, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';

/** Hide (with a public reason) or show an item again. */
export function useModeration(invalidate: unknown[]) {
  const { t } = useTranslation('participation');
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (b: { kind: string; id: string; action: 'hide' | 'show'; reason?: string }) =>
      api.post('/api/participation/moderate', b),
    onSuccess: () => qc.invalidateQueries({ queryKey: invalidate }),
    onError: (e) => message.error(errorText(e)),
  });
  return (kind: string, id: string, hidden: boolean) => {
    if (hidden) return m.mutate({ kind, id, action: 'show' });
    let reason = '';
    modal.confirm({
      title: t('hideReason'),
      content: (
        <Input.TextArea
          autoFocus
          rows={2}
          onChange={(e) => (reason = e.target.value)}
          data-testid="hide-reason"
        />
      ),
      onOk: () => {
        if (!reason.trim()) {
          message.error(t('reasonRequired'));
          return Promise.reject(new Error('reason'));
        }
        m.mutate({ kind, id, action: 'hide', reason });
      },
    });
  };
}

export function StatusTag({ status, reason }: { status: string; reason: string | null }) {
  const { t } = useTranslation('participation');
  return (
    <Tag color={status === 'hidden' ? 'default' : 'green'} title={reason ?? undefined}>
      {t(`status.${status}`)}
    </Tag>
  );
}
