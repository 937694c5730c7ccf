import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors, errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, ApiError } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import type { Cycle, PublicationBlocker, PublicationStatus, PublishReply } from '@perfcommons/contracts';
import './publication-i18n';
import { DisclosureControl } from './DisclosureControl';

type Blocker = PublicationBlocker;

const missingList = (b: Blocker) =>
  (b.reason === 'incomplete' ? b.missing : [])
    .map((m) => m.code ?? m.name ?? '')
    .filter(Boolean)
    .join('、');

/**
 * The office's publication panel on the results page: what blocks publication (with per-appraisee
 * overrides and their reasons), publishing, withdrawing with a public reason, and the history.
 */
export function PublicationPanel({ cycle }: { cycle: Cycle }) {
  const { t, i18n } = useTranslation('publication');
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const [overrides, setOverrides] = useState<Record<string, string | undefined>>({});
  const [withdrawing, setWithdrawing] = useState(false);
  const [withdrawForm] = Form.useForm<{ reason: string }>();
  const status = useQuery({
    queryKey: ['publication', cycle.id],
    queryFn: () => api.get<PublicationStatus>(`/api/cycles/${cycle.id}/publication`),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['publication', cycle.id] });
    void qc.invalidateQueries({ queryKey: ['cycles'] });
    void qc.invalidateQueries({ queryKey: ['results', cycle.id] });
    void qc.invalidateQueries({ queryKey: ['revisions'] });
  };
  const publish = useMutation({
    mutationFn: () =>
      api.post<PublishReply>(`/api/cycles/${cycle.id}/publish-results`, {
        overrides: Object.entries(overrides)
          .filter(([, reason]) => reason !== undefined)
          .map(([planId, reason]) => ({ planId, reason: reason!.trim() })),
      }),
    onSuccess: (r) => {
      void message.success(t('published', { n: r.revisions }));
      setOverrides({});
      refresh();
    },
    onError: (e) => {
      void message.error(errorText(e));
      if (e instanceof ApiError && e.code === 'publication_blocked') refresh();
    },
  });
  const withdraw = useMutation({
    mutationFn: (v: { reason: string }) => api.post(`/api/cycles/${cycle.id}/publication/withdraw`, v),
    onSuccess: () => {
      void message.success(t('withdrawnOk'));
      setWithdrawing(false);
      withdrawForm.resetFields();
      refresh();
    },
    onError: (e) => {
      const rest = applyFieldErrors(withdrawForm, e, ['reason']);
      if (rest.length) void message.error(rest.join('; '));
    },
  });

  const s = status.data;
  const blockers = s?.blockers ?? [];
  const overrideIncomplete = blockers.some(
    (b) => overrides[b.planId] !== undefined && (overrides[b.planId] ?? '').trim().length < 5,
  );
  const open = blockers.filter((b) => overrides[b.planId] === undefined).length;
  const canPublish = ['feedback', 'results', 'closed'].includes(cycle.stage);

  return (
    <Card title={t('title')} data-testid="publication-panel" size="small">
      {status.error && <Alert type="error" message={errorText(status.error)} />}
      {s && (
        <Space direction="vertical" style={{ width: '100%' }}>
          {s.publishedAt ? (
            <Alert type="success" showIcon message={t('publishedAt', { at: fmtDateTime(s.publishedAt) })} />
          ) : s.withdrawn ? (
            <Alert
              type="warning"
              showIcon
              data-testid="publication-withdrawn"
              message={t('withdrawn', { at: fmtDateTime(s.withdrawn.at), reason: s.withdrawn.reason })}
            />
          ) : (
            <Typography.Text type="secondary">{t('notPublished')}</Typography.Text>
          )}
          {!s.publishedAt && blockers.length === 0 && canPublish && (
            <Alert type="info" message={t('ready')} />
          )}
          {!s.publishedAt && !canPublish && (
            <Alert
              type="info"
              data-testid="publication-not-yet"
              message={t('notYetStage', { stage: t(`common:stage.${cycle.stage}`) })}
            />
          )}
          {!s.publishedAt && blockers.length > 0 && (
            <>
              <Alert
                type="warning"
                message={t('blockersTitle', { n: blockers.length })}
                description={t('blockersHelp')}
              />
              <Table
                rowKey="planId"
                size="small"
                data-testid="publication-blockers"
                dataSource={blockers}
                pagination={blockers.length > 10 ? { pageSize: 10 } : false}
                columns={[
                  { title: t('results:appraisee'), dataIndex: 'title' },
                  {
                    title: t('blockerCol'),
                    key: 'why',
                    render: (_, b) => (
                      <Space direction="vertical" size={0}>
                        {b.blockers.map((x) => (
                          <span key={x.reason}>
                            <Tag color={x.reason === 'stale' ? 'orange' : 'red'}>
                              {t(`reason.${x.reason}`)}
                            </Tag>
                            {x.reason === 'incomplete' && missingList(x) && (
                              <Typography.Text type="secondary">
                                {t('missing', { list: missingList(x) })}
                              </Typography.Text>
                            )}
                          </span>
                        ))}
                      </Space>
                    ),
                  },
                  {
                    title: t('override'),
                    key: 'override',
                    width: 360,
                    render: (_, b) => (
                      <Space direction="vertical" style={{ width: '100%' }} size={4}>
                        <Checkbox
                          checked={overrides[b.planId] !== undefined}
                          data-testid="override-check"
                          onChange={(e) =>
                            setOverrides((o) => ({ ...o, [b.planId]: e.target.checked ? '' : undefined }))
                          }
                        >
                          {t('override')}
                        </Checkbox>
                        {overrides[b.planId] !== undefined && (
                          <Input.TextArea
                            rows={2}
                            maxLength={2000}
                            placeholder={t('overrideReason')}
                            data-testid="override-reason"
                            value={overrides[b.planId]}
                            onChange={(e) => setOverrides((o) => ({ ...o, [b.planId]: e.target.value }))}
                          />
                        )}
                      </Space>
                    ),
                  },
                ]}
              />
            </>
          )}
          <Space wrap>
            {!s.publishedAt && (
              <Button
                type="primary"
                icon={<SendOutlined />}
                data-testid="publish-results"
                disabled={!canPublish || open > 0 || overrideIncomplete}
                loading={publish.isPending}
                onClick={() =>
                  modal.confirm({
                    title: t('publish'),
                    content: t('publishConfirm'),
                    okText: t('console:common.confirm'),
                    cancelText: t('console:common.cancel'),
                    onOk: () => publish.mutateAsync(),
                  })
                }
              >
                {t('publish')}
              </Button>
            )}
            {s.publishedAt && (
              <Button
                danger
                icon={<RollbackOutlined />}
                data-testid="withdraw-publication"
                onClick={() => setWithdrawing(true)}
              >
                {t('withdraw')}
              </Button>
            )}
          </Space>
          <DisclosureControl cycleId={cycle.id} />
          {s.history.length > 0 && (
            <>
              <Typography.Text strong>{t('history')}</Typography.Text>
              <Timeline
                data-testid="publication-history"
                items={s.history.map((h) => ({
                  color: h.kind === 'publish' ? 'green' : 'red',
                  children: (
                    <Space direction="vertical" size={0}>
                      <span>
                        <strong>{h.kind === 'publish' ? t('historyPublish') : t('historyWithdraw')}</strong>{' '}
                        {fmtDateTime(h.at)} ·{' '}
                        {t('by', { name: pick(i18n.language, h.actorName, h.actorNameEn) || t('system') })}
                        {h.overrides.length > 0 && (
                          <Tag style={{ marginLeft: 8 }}>
                            {t('overridesCount', { n: h.overrides.length })}
                          </Tag>
                        )}
                      </span>
                      {h.reason && <Typography.Text type="secondary">{h.reason}</Typography.Text>}
                      {h.overrides.map((o) => (
                        <Typography.Text key={o.planId} type="secondary">
                          {o.title ?? ''}：{o.reason}
                        </Typography.Text>
                      ))}
                    </Space>
                  ),
                }))}
              />
            </>
          )}
        </Space>
      )}
      <Modal
        open={withdrawing}
        title={t('withdrawTitle')}
        okText={t('withdraw')}
        okButtonProps={{ danger: true, loading: withdraw.isPending, 'data-testid': 'withdraw-submit' }}
        cancelText={t('console:common.cancel')}
        onCancel={() => setWithdrawing(false)}
        onOk={() => withdrawForm.submit()}
        destroyOnHidden
      >
        <Form form={withdrawForm} layout="vertical" onFinish={(v) => withdraw.mutate(v)}>
          <Form.Item name="reason" label={t('withdrawReason')} rules={[{ required: true, min: 5 }]}>
            <Input.TextArea rows={3} maxLength={2000} data-testid="withdraw-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
