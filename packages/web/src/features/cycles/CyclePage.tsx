import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Input, Modal, Space, Table, Tag } from 'antd';
import { ArrowLeftOutlined, BarChartOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate, fmtDateTime } from '../../shared/format';
import type {
  CycleDetailReply,
  CycleTransition as Transition,
  PublishReply,
  TransitionReply,
  Plan as PlanSummary,
  Stage,
} from '@perfcommons/contracts';
import { StageSteps } from './StageSteps';
import { AdvanceButton, StageChecklist } from './StageChecklist';
import { PlanSetupPanel } from './PlanSetupPanel';

export default function CyclePage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation('cycles');
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const detail = useQuery({
    queryKey: ['cycle', id],
    queryFn: () => api.get<CycleDetailReply>(`/api/cycles/${id}`),
  });
  const plans = usePlans(id);
  const cycle = detail.data?.cycle;
  // What the user may do is the server's answer (`can`), the rule its services enforce.
  const can = cycle?.can;
  useCrumbs([
    { title: t('title'), to: '/cycles' },
    { title: cycle ? pick(i18n.language, cycle.name, cycle.nameEn) : '…' },
  ]);
  const [backOpen, setBackOpen] = useState(false);
  const [reason, setReason] = useState('');

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['cycle', id] });
    void qc.invalidateQueries({ queryKey: ['cycles'] });
  };
  const transition = useMutation({
    mutationFn: (body: { to: Stage; reason?: string }) =>
      api.post<TransitionReply>(`/api/cycles/${id}/transition`, body),
    onSuccess: (r) => {
      void message.success(t('transitioned', { stage: t(`common:stage.${r.cycle.stage}`) }));
      setBackOpen(false);
      setReason('');
      refresh();
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const publish = useMutation({
    mutationFn: () => api.post<PublishReply>(`/api/cycles/${id}/publish-results`),
    onSuccess: () => {
      void message.success(t('console:common.done'));
      refresh();
    },
    onError: (e) => void message.error(errorText(e)),
  });

  if (!cycle)
    return (
      <Card loading={detail.isLoading}>
        {detail.error && <Alert type="error" message={errorText(detail.error)} />}
      </Card>
    );
  const next = cycle.nextStage;
  const prev = cycle.previousStage;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={pick(i18n.language, cycle.name, cycle.nameEn)}
        extra={
          <Button icon={<BarChartOutlined />} onClick={() => navigate(`/results?cycleId=${cycle.id}`)}>
            {t('results')}
          </Button>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 24 }}>
          <Descriptions.Item label={t('code')}>{cycle.code}</Descriptions.Item>
          <Descriptions.Item label={t('type')}>{t(`common:cycleType.${cycle.type}`)}</Descriptions.Item>
          <Descriptions.Item label={t('period')}>
            {fmtDate(cycle.periodStart)} ~ {fmtDate(cycle.periodEnd)}
          </Descriptions.Item>
        </Descriptions>
        <StageSteps stage={cycle.stage} />
        <Alert
          style={{ marginTop: 24 }}
          type="info"
          showIcon
          message={
            <span data-testid="cycle-stage">
              {t('stage')}：{t(`common:stage.${cycle.stage}`)}
            </span>
          }
          description={t(`common:stageHint.${cycle.stage}`)}
        />
        {cycle.resultsPublishedAt && (
          <Alert
            style={{ marginTop: 12 }}
            type="success"
            showIcon
            message={t('publishedAt', { at: fmtDateTime(cycle.resultsPublishedAt) })}
          />
        )}
        {can?.transition && (
          <Space wrap style={{ marginTop: 16 }}>
            {prev && (
              <Button icon={<ArrowLeftOutlined />} onClick={() => setBackOpen(true)} data-testid="stage-back">
                {t('back', { stage: t(`common:stage.${prev}`) })}
              </Button>
            )}
            {next && <AdvanceButton cycle={cycle} />}
            {can.publishResults && (
              <Button
                loading={publish.isPending}
                onClick={() =>
                  modal.confirm({
                    title: t('publishResults'),
                    content: t('publishConfirm'),
                    okText: t('console:common.confirm'),
                    cancelText: t('console:common.cancel'),
                    onOk: () => publish.mutateAsync(),
                  })
                }
              >
                {t('publishResults')}
              </Button>
            )}
          </Space>
        )}
      </Card>

      {can?.transition && <StageChecklist cycle={cycle} />}

      {can?.transition && <PlanSetupPanel cycle={cycle} />}

      <Card title={t('plans')}>
        <Table<PlanSummary>
          rowKey="id"
          size="small"
          loading={plans.isLoading}
          dataSource={plans.data ?? []}
          pagination={{ pageSize: 10 }}
          columns={[
            {
              title: t('plans:titleCol'),
              dataIndex: 'title',
              render: (_, p) => <Link to={`/plans/${p.id}`}>{pick(i18n.language, p.title, p.titleEn)}</Link>,
            },
            {
              title: t('plans:appraisee'),
              dataIndex: 'appraiseeName',
              render: (_, p) => pick(i18n.language, p.appraiseeName, p.appraiseeNameEn),
            },
            {
              title: t('plans:appraiseeType'),
              dataIndex: 'appraiseeType',
              render: (v: string) => t(`common:appraiseeType.${v}`),
            },
            {
              title: t('common:misc.status'),
              dataIndex: 'status',
              render: (v: string) => <Tag>{t(`common:planStatus.${v}`)}</Tag>,
            },
          ]}
        />
      </Card>

      {(detail.data?.transitions?.length ?? 0) > 0 && (
        <Card title={t('history')} size="small">
          <Table<Transition>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={detail.data!.transitions}
            columns={[
              { title: t('at'), render: (_, r) => fmtDateTime(r.at) },
              {
                title: t('from'),
                render: (_, r) => (r.fromStage ? t(`common:stage.${r.fromStage}`) : '—'),
              },
              { title: t('to'), render: (_, r) => t(`common:stage.${r.toStage}`) },
              { title: t('reason'), dataIndex: 'reason', render: (v) => v || '—' },
            ]}
          />
        </Card>
      )}

      <Modal
        open={backOpen}
        title={prev ? t('back', { stage: t(`common:stage.${prev}`) }) : ''}
        okText={t('console:common.confirm')}
        cancelText={t('console:common.cancel')}
        okButtonProps={{ disabled: !reason.trim(), loading: transition.isPending }}
        onCancel={() => setBackOpen(false)}
        onOk={() => prev && transition.mutate({ to: prev, reason: reason.trim() })}
      >
        <p>{t('backReasonRequired')}</p>
        <Input.TextArea
          rows={3}
          value={reason}
          placeholder={t('backReason')}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Space>
  );
}
