import { useState } from 'react';
import { App, Button, Card, Input, Modal, Space, Switch, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, ApiError } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import type { PlanValue } from '../../shared/types';
import { EvidenceCell } from './Evidence';
import { leavesOf, PlanPicker, StatusTag, usePlanDetail, usePlanValues } from './shared';

export default function VerifyPage() {
  const { t, i18n } = useTranslation('values');
  const lang = i18n.language;
  useCrumbs([{ title: t('verifyTitle') }]);
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const planId = params.get('planId') ?? undefined;
  const plan = usePlanDetail(planId);
  const values = usePlanValues(planId);
  const qc = useQueryClient();
  const [pendingOnly, setPendingOnly] = useState(true);
  const [rejecting, setRejecting] = useState<PlanValue | null>(null);
  const [reason, setReason] = useState('');
  const leafByCode = new Map(leavesOf(plan.data?.tree ?? []).map((l) => [l.code, l]));

  const decide = useMutation({
    // The decision names the version reviewed: a value re-reported meanwhile answers 409 version_conflict.
    mutationFn: (v: { id: string; version: number; decision: 'verified' | 'rejected'; reason?: string }) =>
      api.post(`/api/values/${v.id}/verify`, { decision: v.decision, reason: v.reason, version: v.version }),
    onSuccess: (_, v) => {
      void message.success(v.decision === 'verified' ? t('verified') : t('rejected'));
      setRejecting(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['values', planId] });
    },
    onError: (e) => {
      void message.error(errorText(e));
      // Show the value as it now stands (a newer report, or a frozen cycle).
      if (e instanceof ApiError && e.code === 'version_conflict')
        void qc.invalidateQueries({ queryKey: ['values', planId] });
    },
  });

  const rows = (values.data ?? []).filter((v) => !pendingOnly || v.status === 'reported');
  return (
    <Card
      title={t('verifyTitle')}
      extra={
        <Space>
          {t('onlyPending')}
          <Switch checked={pendingOnly} onChange={setPendingOnly} />
        </Space>
      }
    >
      <PlanPicker planId={planId} toPath={(id) => `/verify?planId=${id}`} />
      {planId && (
        <Table<PlanValue>
          style={{ marginTop: 16 }}
          rowKey="id"
          size="small"
          loading={values.isLoading}
          dataSource={rows}
          pagination={{ pageSize: 20 }}
          columns={[
            {
              title: t('indicator'),
              dataIndex: 'indicatorCode',
              render: (c: string) => {
                const l = leafByCode.get(c);
                return `${c} ${l ? pick(lang, l.name, l.nameEn) : ''}`;
              },
            },
            { title: t('period'), dataIndex: 'period' },
            {
              title: t('value'),
              dataIndex: 'value',
              render: (v: number, r) => {
                const l = leafByCode.get(r.indicatorCode);
                const out =
                  l &&
                  ((l.plausibleMin !== undefined && v < l.plausibleMin) ||
                    (l.plausibleMax !== undefined && v > l.plausibleMax));
                return (
                  <Space size={4}>
                    {fmtNum(v, 4)}
                    {l?.unit}
                    {out && <Tag color="orange">{t('outOfRange')}</Tag>}
                  </Space>
                );
              },
            },
            { title: t('note'), dataIndex: 'note', render: (v) => v || '—' },
            {
              title: t('evidence'),
              key: 'evidence',
              render: (_, v) => <EvidenceCell valueId={v.id} code={v.indicatorCode} canUpload={false} />,
            },
            { title: t('status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
            { title: t('reason'), dataIndex: 'reason', render: (v) => v || '—' },
            {
              title: t('console:common.actions'),
              key: 'a',
              render: (_, v) =>
                v.status !== 'verified' && (
                  <Space>
                    <Button
                      size="small"
                      type="primary"
                      onClick={() => decide.mutate({ id: v.id, version: v.version, decision: 'verified' })}
                    >
                      {t('verify')}
                    </Button>
                    {v.status !== 'rejected' && (
                      <Button size="small" danger onClick={() => setRejecting(v)}>
                        {t('reject')}
                      </Button>
                    )}
                  </Space>
                ),
            },
          ]}
        />
      )}
      <Modal
        open={!!rejecting}
        title={t('reject')}
        okText={t('reject')}
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: decide.isPending }}
        cancelText={t('console:common.cancel')}
        onCancel={() => setRejecting(null)}
        onOk={() =>
          rejecting &&
          decide.mutate({
            id: rejecting.id,
            version: rejecting.version,
            decision: 'rejected',
            reason: reason.trim(),
          })
        }
      >
        <Input.TextArea
          rows={3}
          placeholder={t('rejectReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Card>
  );
}
