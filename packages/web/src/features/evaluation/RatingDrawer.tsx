import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Drawer,
  Empty,
  Input,
  InputNumber,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { CheckCircleOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { ApiError, api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import { nodeName, type IndicatorNode } from '../../shared/tree';
import type { RubricBand } from '@perfcommons/contracts';
import { RubricView } from '../indicators/RubricView';
import type { RatingTask, PlanDetailReply } from '@perfcommons/contracts';

/** A leaf as the plan API sends it: with the raters' rubric when it has one. */
type RubricNode = { rubric?: RubricBand[] };

interface Leaf {
  node: IndicatorNode;
  path: string;
  subjectWeight: number;
}

/** Leaves of a tree that the given subject rates, with their parents' names for context. */
export function leavesFor(tree: IndicatorNode[], subject: string, lang: string): Leaf[] {
  const out: Leaf[] = [];
  const walk = (ns: IndicatorNode[], trail: string[]) =>
    ns.forEach((n) => {
      if (n.children?.length) walk(n.children, [...trail, nodeName(lang, n)]);
      else {
        const s = n.subjects?.find((x) => x.type === subject);
        if (s) out.push({ node: n, path: trail.join(' › '), subjectWeight: s.weight });
      }
    });
  walk(tree, []);
  return out;
}

const isConflict = (e: unknown) => e instanceof ApiError && e.status === 409;

export const planQuery = (planId: string) => ({
  queryKey: ['plan', planId],
  queryFn: () => api.get<PlanDetailReply>(`/api/plans/${planId}`),
  staleTime: 5 * 60_000,
});

export function RatingDrawer({
  task,
  editable,
  onClose,
}: {
  task?: RatingTask;
  editable: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('evaluation');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const plan = useQuery({ ...planQuery(task?.planId ?? ''), enabled: !!task });
  const [scores, setScores] = useState<Record<string, number | null>>({});
  const [comments, setComments] = useState<Record<string, string>>({});
  const [conflicts, setConflicts] = useState<Record<string, string>>({});
  const leaves = task && plan.data ? leavesFor(plan.data.tree, task.subjectType, lang) : [];
  const ratedBy = new Map((task?.rated ?? []).map((r) => [r.indicatorCode, r.score]));

  const submitOne = async (code: string) => {
    const score = scores[code];
    if (score === null || score === undefined || score < 0 || score > 100)
      throw new Error(t('ratings.scoreRequired'));
    try {
      await api.post(`/api/plans/${task!.planId}/ratings`, {
        indicatorCode: code,
        subjectType: task!.subjectType,
        score,
        comment: comments[code]?.trim() || undefined,
      });
      return score;
    } catch (e) {
      if (isConflict(e)) setConflicts((c) => ({ ...c, [code]: t('ratings.already', { code }) }));
      throw e;
    }
  };
  const refresh = () => qc.invalidateQueries({ queryKey: ['rating-tasks'] });
  const one = useMutation({
    mutationFn: submitOne,
    onSuccess: (score, code) => void message.success(t('ratings.submitted', { code, score })),
    // A 409 has its own alert above the form.
    onError: (e) => void (isConflict(e) || message.error(errorText(e))),
    onSettled: refresh,
  });
  // Scores outside 0–100 are refused in the form (shown, never clamped) and left out of "submit all".
  const outOfRange = (code: string) => {
    const v = scores[code];
    return v !== undefined && v !== null && (v < 0 || v > 100);
  };
  const filled = leaves.filter(
    (l) =>
      !ratedBy.has(l.node.code) &&
      scores[l.node.code] !== undefined &&
      scores[l.node.code] !== null &&
      !outOfRange(l.node.code),
  );
  const invalid = leaves.filter((l) => !ratedBy.has(l.node.code) && outOfRange(l.node.code));
  const all = useMutation({
    mutationFn: async () => {
      let n = 0;
      for (const l of filled) {
        await submitOne(l.node.code);
        n += 1;
      }
      return n;
    },
    onSuccess: (n) => void message.success(t('ratings.submittedAll', { n })),
    onError: (e) => void (isConflict(e) || message.error(errorText(e))),
    onSettled: refresh,
  });
  const remaining = leaves.filter((l) => !ratedBy.has(l.node.code)).length;

  return (
    <Drawer
      open={!!task}
      onClose={onClose}
      width={Math.min(960, typeof window !== 'undefined' ? window.innerWidth - 40 : 960)}
      title={
        task ? t('ratings.drawerTitle', { name: pick(lang, task.appraiseeName, task.appraiseeNameEn) }) : ''
      }
      loading={plan.isLoading}
      data-testid="rating-drawer"
      extra={
        editable &&
        remaining > 0 && (
          <Popconfirm
            title={t('ratings.confirmAll', { n: filled.length })}
            okText={t('console:common.confirm')}
            cancelText={t('console:common.cancel')}
            disabled={filled.length === 0 || invalid.length > 0}
            onConfirm={() => all.mutate()}
          >
            <Button
              type="primary"
              disabled={filled.length === 0 || invalid.length > 0}
              loading={all.isPending}
              data-testid="rate-submit-all"
            >
              {t('ratings.submitAll', { n: filled.length })}
            </Button>
          </Popconfirm>
        )
      }
    >
      {task && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>
            {t('ratings.asSubject', { subject: t(`common:subject.${task.subjectType}`) })} ·{' '}
            {pick(lang, task.planTitle, task.planTitleEn)}
          </Typography.Text>
          {plan.error && <Alert type="error" message={errorText(plan.error)} />}
          {remaining === 0 && leaves.length > 0 && (
            <Alert type="success" showIcon message={t('ratings.finished')} />
          )}
          {plan.data && leaves.length === 0 && <Empty description={t('ratings.noLeaves')} />}
          {Object.values(conflicts).map((c) => (
            <Alert key={c} type="error" showIcon message={c} data-testid="rating-conflict" />
          ))}
          {leaves.length > 0 && (
            <Table<Leaf>
              rowKey={(l) => l.node.code}
              size="small"
              pagination={false}
              dataSource={leaves}
              data-testid="rating-form"
              columns={[
                {
                  title: t('ratings.indicator'),
                  render: (_, l) => (
                    <div>
                      <Typography.Text type="secondary">{l.node.code}</Typography.Text>{' '}
                      <strong>{nodeName(lang, l.node)}</strong>
                      {l.path && (
                        <div>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {l.path}
                          </Typography.Text>
                        </div>
                      )}
                      <RubricView rubric={(l.node as RubricNode).rubric} testId={`rubric-${l.node.code}`} />
                    </div>
                  ),
                },
                {
                  title: t('ratings.weightIn'),
                  width: 90,
                  render: (_, l) => `${fmtNum(l.subjectWeight)}%`,
                },
                {
                  title: t('ratings.score'),
                  width: 150,
                  render: (_, l) =>
                    ratedBy.has(l.node.code) ? (
                      <Space data-testid={`rated-${l.node.code}`}>
                        <strong>{fmtNum(ratedBy.get(l.node.code))}</strong>
                        <Tag color="green" icon={<CheckCircleOutlined />}>
                          {t('ratings.rated')}
                        </Tag>
                      </Space>
                    ) : (
                      <div>
                        <InputNumber
                          step={1}
                          disabled={!editable}
                          status={outOfRange(l.node.code) ? 'error' : undefined}
                          aria-invalid={outOfRange(l.node.code) || undefined}
                          value={scores[l.node.code] ?? null}
                          onChange={(v) => setScores((s) => ({ ...s, [l.node.code]: v }))}
                          data-testid={`score-${l.node.code}`}
                          style={{ width: '100%' }}
                        />
                        {outOfRange(l.node.code) && (
                          <Typography.Text
                            type="danger"
                            style={{ fontSize: 12 }}
                            role="alert"
                            data-testid={`score-error-${l.node.code}`}
                          >
                            {t('ratings.scoreRange', { v: scores[l.node.code] })}
                          </Typography.Text>
                        )}
                      </div>
                    ),
                },
                {
                  title: t('ratings.comment'),
                  render: (_, l) =>
                    ratedBy.has(l.node.code) ? null : (
                      <Input
                        maxLength={2000}
                        disabled={!editable}
                        value={comments[l.node.code] ?? ''}
                        onChange={(e) => setComments((c) => ({ ...c, [l.node.code]: e.target.value }))}
                      />
                    ),
                },
                {
                  title: '',
                  width: 90,
                  render: (_, l) =>
                    ratedBy.has(l.node.code) || !editable ? null : (
                      <Button
                        size="small"
                        type="primary"
                        disabled={
                          scores[l.node.code] === undefined ||
                          scores[l.node.code] === null ||
                          outOfRange(l.node.code)
                        }
                        loading={one.isPending && one.variables === l.node.code}
                        onClick={() => one.mutate(l.node.code)}
                        data-testid={`submit-${l.node.code}`}
                      >
                        {t('ratings.submit')}
                      </Button>
                    ),
                },
              ]}
            />
          )}
        </Space>
      )}
    </Drawer>
  );
}
