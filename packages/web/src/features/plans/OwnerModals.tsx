import { useEffect, useState } from 'react';
import { Alert, App, Button, Input, List, Modal, Select, Space, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import type { Items } from '@perfcommons/contracts';
import {
  bulkApprovePlans,
  ownerName,
  setPlanOwner,
  type ApproveOutcome,
  type BulkApproveResult,
  type PlanOwner,
  type PlanWithOwner,
} from './setupApi';

/** Picks the owner of one plan among the active accounts (office only). */
export function OwnerModal({ plan, onClose }: { plan?: PlanWithOwner; onClose: () => void }) {
  const { t, i18n } = useTranslation('plans');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  useEffect(() => {
    setOwnerId(plan?.ownerId ?? null);
    setQ('');
  }, [plan]);
  const users = useQuery({
    queryKey: ['users', 'search', q],
    queryFn: () => api.get<Items<PlanOwner>>(`/api/users${qs({ q })}`).then((r) => r.items),
    enabled: !!plan,
  });
  const save = useMutation({
    mutationFn: (id: string | null) => setPlanOwner(plan!.id, id),
    onSuccess: () => {
      void message.success(t('owner.saved'));
      void qc.invalidateQueries({ queryKey: ['plans'] });
      void qc.invalidateQueries({ queryKey: ['plan', plan!.id] });
      onClose();
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const options = (users.data ?? []).map((u) => ({
    value: u.id,
    label: `${ownerName(lang, u)} · ${u.username}`,
  }));
  if (plan?.owner && !options.some((o) => o.value === plan.owner!.id))
    options.unshift({
      value: plan.owner.id,
      label: `${ownerName(lang, plan.owner)} · ${plan.owner.username}`,
    });
  return (
    <Modal
      open={!!plan}
      title={plan ? t('owner.title', { plan: pick(lang, plan.title, plan.titleEn) }) : ''}
      onCancel={onClose}
      onOk={() => save.mutate(ownerId)}
      okText={t('console:common.save')}
      cancelText={t('console:common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={{ disabled: ownerId === (plan?.ownerId ?? null), 'data-testid': 'owner-save' }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('owner.hint')}</Typography.Paragraph>
      <Space.Compact style={{ width: '100%' }}>
        <Select
          showSearch
          allowClear
          style={{ width: '100%' }}
          value={ownerId ?? undefined}
          placeholder={t('owner.search')}
          filterOption={false}
          onSearch={setQ}
          onChange={(v?: string) => setOwnerId(v ?? null)}
          loading={users.isFetching}
          options={options}
          data-testid="owner-select"
        />
        {plan?.ownerId && (
          <Button danger onClick={() => setOwnerId(null)}>
            {t('owner.clear')}
          </Button>
        )}
      </Space.Compact>
    </Modal>
  );
}

/** Approves the selected plans, each on its own, and shows what happened to each. */
export function BulkApproveModal({
  open,
  plans,
  onClose,
}: {
  open: boolean;
  plans: PlanWithOwner[];
  onClose: (done: boolean) => void;
}) {
  const { t, i18n } = useTranslation('plans');
  const lang = i18n.language;
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<BulkApproveResult>();
  const [snapshot, setSnapshot] = useState<PlanWithOwner[]>([]);
  useEffect(() => {
    if (open) {
      setResult(undefined);
      setReason('');
      setSnapshot(plans);
    }
    // The list is taken when the dialog opens; the table refreshing behind it must not change it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  const run = useMutation({
    mutationFn: () =>
      bulkApprovePlans({
        planIds: snapshot.map((p) => p.id),
        ...(reason.trim() ? { overrideReason: reason.trim() } : {}),
      }),
    onSuccess: (r) => {
      setResult(r);
      void qc.invalidateQueries({ queryKey: ['plans'] });
    },
  });
  /** Why a plan was not approved, in the console's language when the server's code is a known one. */
  const refusal = (i: Extract<ApproveOutcome, { outcome: 'refused' }>) => {
    const status = snapshot.find((p) => p.id === i.planId)?.status;
    if (i.error === 'conflict' && i.details?.some((d) => d.path === 'status'))
      return t('bulk.reasons.not_published', { status: status ? t(`common:planStatus.${status}`) : '' });
    if (i.error && ['unanswered_comments', 'version_conflict', 'cycle_published'].includes(i.error))
      return t(`bulk.reasons.${i.error}`);
    return [i.message, ...(i.details ?? []).map((d) => `${d.path}: ${d.message}`)].join(' · ');
  };
  const titleOf = (id: string) => {
    const p = snapshot.find((x) => x.id === id);
    return p ? pick(lang, p.title, p.titleEn) : id;
  };
  return (
    <Modal
      open={open}
      width={720}
      title={t('bulk.title', { n: snapshot.length })}
      onCancel={() => onClose(!!result)}
      footer={
        result ? (
          <Button type="primary" onClick={() => onClose(true)}>
            {t('bulk.close')}
          </Button>
        ) : (
          <Space>
            <Button onClick={() => onClose(false)}>{t('console:common.cancel')}</Button>
            <Button
              type="primary"
              loading={run.isPending}
              onClick={() => run.mutate()}
              data-testid="bulk-approve-ok"
            >
              {t('console:common.confirm')}
            </Button>
          </Space>
        )
      }
    >
      {!result ? (
        <>
          <Alert type="info" showIcon message={t('bulk.hint')} style={{ marginBottom: 12 }} />
          {run.error && <Alert type="error" message={errorText(run.error)} style={{ marginBottom: 12 }} />}
          <Input.TextArea
            rows={3}
            maxLength={2000}
            value={reason}
            placeholder={t('bulk.overrideReason')}
            onChange={(e) => setReason(e.target.value)}
          />
          <List
            size="small"
            style={{ marginTop: 12, maxHeight: 240, overflow: 'auto' }}
            dataSource={snapshot}
            renderItem={(p) => <List.Item>{pick(lang, p.title, p.titleEn)}</List.Item>}
          />
        </>
      ) : (
        <div data-testid="bulk-approve-result">
          <Alert
            type={result.refused ? 'warning' : 'success'}
            showIcon
            message={t('bulk.result', { approved: result.approved, refused: result.refused })}
            style={{ marginBottom: 12 }}
          />
          <List
            size="small"
            style={{ maxHeight: 360, overflow: 'auto' }}
            dataSource={result.items}
            renderItem={(i) => (
              <List.Item>
                <List.Item.Meta
                  title={
                    <Space>
                      <Tag color={i.outcome === 'approved' ? 'green' : 'red'}>{t(`bulk.${i.outcome}`)}</Tag>
                      {titleOf(i.planId)}
                    </Space>
                  }
                  description={i.outcome === 'refused' ? refusal(i) : undefined}
                />
              </List.Item>
            )}
          />
        </div>
      )}
    </Modal>
  );
}
