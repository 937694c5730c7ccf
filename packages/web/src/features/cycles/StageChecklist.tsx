import { useState } from 'react';
import { Alert, App, Button, Card, Collapse, Input, List, Modal, Space, Tag, Typography } from 'antd';
import {
  ArrowRightOutlined,
  CheckCircleFilled,
  CloseCircleFilled,
  ExclamationCircleOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { TFunction } from 'i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate, fmtDateTime } from '../../shared/format';
import { MIN_OVERRIDE_REASON as MIN_REASON } from '@perfcommons/contracts/enums';
import type {
  Blocker,
  PreconditionCheck as Check,
  TransitionCheckReply as TransitionCheck,
  TransitionReply,
  Cycle,
  CycleDetailReply,
} from '@perfcommons/contracts';

export type { Check };

function blockerText(t: TFunction, code: string, b: Blocker): string {
  const i = b.info ?? {};
  switch (code) {
    case 'cycle_defined':
      return t('blocker.missing', { field: t(`blocker.field.${b.id}`, { defaultValue: b.id }) });
    case 'plans_approved':
      return t('blocker.plans_approved', { status: t(`common:planStatus.${i.status}`) });
    case 'trees_valid':
      return Number(i.nodes) === 0 ? t('blocker.emptyTree') : t('blocker.treeProblems', { n: i.problems });
    case 'plans_signed':
      return t('blocker.unsigned', {
        sides: String(i.unsigned ?? '')
          .split(',')
          .map((s) => t(`blocker.side.${s}`))
          .join(t('blocker.sep')),
      });
    case 'panels_staffed':
      return t('blocker.panel', {
        subject: t(`common:subject.${i.subject}`),
        raters: i.raters,
        min: i.min,
      });
    case 'results_complete':
      return t('blocker.results_complete', { n: i.missing });
    case 'appeals_decided':
      return t('blocker.appeal', { indicator: i.indicator });
    case 'appeal_window_over':
      return i.endsAt
        ? t('blocker.window', { at: fmtDateTime(String(i.endsAt)) })
        : t('blocker.results_published');
    default:
      return t(`blocker.${code}`, { defaultValue: '' });
  }
}

/** The blockers of one failing check: who (linked to the plan when the server names one) and why. */
function BlockerList({ check }: { check: Check }) {
  const { t, i18n } = useTranslation('cycles');
  return (
    <List
      size="small"
      dataSource={check.blockers}
      data-testid={`blockers-${check.code}`}
      footer={
        check.count > check.blockers.length ? (
          <Typography.Text type="secondary">
            {t('checklist.more', { n: check.count - check.blockers.length })}
          </Typography.Text>
        ) : undefined
      }
      renderItem={(b) => {
        const name = pick(i18n.language, b.label, b.labelEn);
        return (
          <List.Item>
            <Space wrap>
              {b.planId ? <Link to={`/plans/${b.planId}`}>{name}</Link> : b.appealId && <span>{name}</span>}
              <Typography.Text type="danger">{blockerText(t, check.code, b)}</Typography.Text>
            </Space>
          </List.Item>
        );
      }}
    />
  );
}

/** A checklist: a green tick or a red cross per precondition, the blockers of each failing one expandable. */
export function ChecklistView({ checklist }: { checklist: Check[] }) {
  const { t } = useTranslation('cycles');
  return (
    <Collapse
      size="small"
      data-testid="stage-checklist"
      defaultActiveKey={checklist.filter((c) => !c.ok && c.count <= 5).map((c) => c.code)}
      items={checklist.map((c) => ({
        key: c.code,
        collapsible: c.ok ? 'disabled' : undefined,
        showArrow: !c.ok,
        label: (
          <Space data-testid={`check-${c.code}`} data-ok={c.ok ? 'true' : 'false'}>
            {c.ok ? (
              <CheckCircleFilled style={{ color: '#52c41a' }} />
            ) : (
              <CloseCircleFilled style={{ color: '#ff4d4f' }} />
            )}
            {/* A passing check's header is not expandable, but stays readable. */}
            <Typography.Text>{t(`check.${c.code}`)}</Typography.Text>
          </Space>
        ),
        extra: c.ok ? undefined : <Tag color="error">{t('checklist.blockers', { n: c.count })}</Tag>,
        children: c.ok ? null : <BlockerList check={c} />,
      }))}
    />
  );
}

const useCheck = (cycleId: string, enabled: boolean) =>
  useQuery({
    queryKey: ['cycle', cycleId, 'transition-check'],
    queryFn: () => api.get<TransitionCheck>(`/api/cycles/${cycleId}/transition-check`),
    enabled,
  });

/**
 * The next link's preconditions on the cycle page (office), and the preconditions skipped so far.
 */
export function StageChecklist({ cycle }: { cycle: Cycle }) {
  const { t } = useTranslation('cycles');
  const next = cycle.nextStage;
  const check = useCheck(cycle.id, !!next);
  const detail = useQuery({
    queryKey: ['cycle', cycle.id],
    queryFn: () => api.get<CycleDetailReply>(`/api/cycles/${cycle.id}`),
  });
  const overrides = detail.data?.overrides ?? [];
  const failing = check.data?.checklist.filter((c) => !c.ok).length ?? 0;
  return (
    <>
      {next && (
        <Card
          size="small"
          data-testid="stage-checklist-card"
          title={t('checklist.title', { stage: t(`common:stage.${next}`) })}
          loading={check.isLoading}
          extra={
            check.data &&
            (failing ? (
              <Tag color="error">{t('checklist.failing', { n: failing })}</Tag>
            ) : (
              <Tag color="success">{t('checklist.allOk')}</Tag>
            ))
          }
        >
          {check.error && <Alert type="error" showIcon message={errorText(check.error)} />}
          {check.data && <ChecklistView checklist={check.data.checklist} />}
        </Card>
      )}
      {overrides.length > 0 && (
        <Card size="small" title={t('checklist.skipped')} data-testid="stage-overrides">
          <List
            size="small"
            dataSource={overrides}
            renderItem={(o) => (
              <List.Item>
                <List.Item.Meta
                  avatar={<ExclamationCircleOutlined style={{ color: '#faad14' }} />}
                  title={t('checklist.skippedItem', {
                    at: fmtDate(o.at),
                    stage: t(`common:stage.${o.to}`),
                    check: t(`check.${o.code}`),
                  })}
                  description={
                    <>
                      <div>{o.reason}</div>
                      <Typography.Text type="secondary">
                        {t('checklist.skippedBlockers', { n: o.blockers.count })}
                      </Typography.Text>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      )}
    </>
  );
}

/**
 * The "advance" button: a dialog with the next link's own confirmation text, its checklist, and a
 * written reason for each precondition not met (the only way past it).
 */
export function AdvanceButton({ cycle }: { cycle: Cycle }) {
  const { t } = useTranslation('cycles');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const next = cycle.nextStage;
  const [open, setOpen] = useState(false);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const check = useCheck(cycle.id, !!next);
  const failing = (check.data?.checklist ?? []).filter((c) => !c.ok);
  const missingReason = failing.some((c) => (reasons[c.code] ?? '').trim().length < MIN_REASON);

  const transition = useMutation({
    mutationFn: () =>
      api.post<TransitionReply>(`/api/cycles/${cycle.id}/transition`, {
        to: next,
        ...(failing.length
          ? { overrides: failing.map((c) => ({ code: c.code, reason: reasons[c.code].trim() })) }
          : {}),
      }),
    onSuccess: (r) => {
      void message.success(
        r.overrides.length
          ? t('overridden', { n: r.overrides.length })
          : t('transitioned', { stage: t(`common:stage.${r.cycle.stage}`) }),
      );
      setOpen(false);
      setReasons({});
      void qc.invalidateQueries({ queryKey: ['cycle', cycle.id] });
      void qc.invalidateQueries({ queryKey: ['cycles'] });
    },
    onError: (e) => {
      void message.error(errorText(e));
      void check.refetch();
    },
  });
  if (!next) return null;

  return (
    <>
      <Button
        type="primary"
        icon={<ArrowRightOutlined />}
        data-testid="stage-advance"
        onClick={() => {
          void check.refetch();
          setOpen(true);
        }}
      >
        {t('advance', { stage: t(`common:stage.${next}`) })}
      </Button>
      <Modal
        open={open}
        width={680}
        title={t(`dialog.confirmTitle.${next}`)}
        okText={failing.length ? t('dialog.okOverride') : t('console:common.confirm')}
        okButtonProps={{
          danger: failing.length > 0,
          disabled: !check.data || check.isFetching || missingReason,
          loading: transition.isPending,
          ...({ 'data-testid': 'stage-advance-ok' } as object),
        }}
        cancelText={t('console:common.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() => transition.mutate()}
        data-testid="stage-advance-dialog"
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph data-testid="stage-confirm-text">
            {t(`dialog.confirmText.${next}`)}
          </Typography.Paragraph>
          <Space>
            <Typography.Text strong>{t('dialog.checklist')}</Typography.Text>
            <Button size="small" onClick={() => void check.refetch()} loading={check.isFetching}>
              {t('dialog.recheck')}
            </Button>
          </Space>
          {check.error && <Alert type="error" showIcon message={errorText(check.error)} />}
          {check.data && <ChecklistView checklist={check.data.checklist} />}
          {failing.length > 0 && (
            <Alert
              type="warning"
              showIcon
              message={t('dialog.overrideTitle')}
              description={
                <Space direction="vertical" style={{ width: '100%' }}>
                  <span>{t('dialog.overrideHint')}</span>
                  {failing.map((c) => {
                    const left = MIN_REASON - (reasons[c.code] ?? '').trim().length;
                    return (
                      <div key={c.code}>
                        <Typography.Text>
                          {t('dialog.overrideReason', { check: t(`check.${c.code}`), n: MIN_REASON })}
                        </Typography.Text>
                        <Input.TextArea
                          rows={2}
                          maxLength={2000}
                          data-testid={`override-${c.code}`}
                          value={reasons[c.code] ?? ''}
                          onChange={(e) => setReasons((r) => ({ ...r, [c.code]: e.target.value }))}
                        />
                        {left > 0 && (
                          <Typography.Text type="secondary">
                            {t('dialog.tooShort', { n: left })}
                          </Typography.Text>
                        )}
                      </div>
                    );
                  })}
                </Space>
              }
            />
          )}
        </Space>
      </Modal>
    </>
  );
}
