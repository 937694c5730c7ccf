import { useState } from 'react';
import { MaterialsTab } from './MaterialsTab';
import { CalibrationExercise } from '../calibration/CalibrationExercise';
import {
  Alert,
  App,
  Button,
  Card,
  Drawer,
  Empty,
  Input,
  InputNumber,
  Popconfirm,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { CheckCircleOutlined, EditOutlined } from '@ant-design/icons';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { useCycles } from '../../console/queries';
import { pick } from '../../i18n';
import { ApiError, api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import { nodeName, type IndicatorNode } from '../../shared/tree';
import type { RubricBand } from '@perfcommons/contracts';
import { RubricView } from '../indicators/RubricView';
import type { RatingTask, Items, PlanDetailReply } from '@perfcommons/contracts';

/** A leaf as the plan API sends it: with the raters' rubric when it has one. */
type RubricNode = { rubric?: RubricBand[] };

interface Leaf {
  node: IndicatorNode;
  path: string;
  subjectWeight: number;
}

/** Leaves of a tree that the given subject rates, with their parents' names for context. */
function leavesFor(tree: IndicatorNode[], subject: string, lang: string): Leaf[] {
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

const planQuery = (planId: string) => ({
  queryKey: ['plan', planId],
  queryFn: () => api.get<PlanDetailReply>(`/api/plans/${planId}`),
  staleTime: 5 * 60_000,
});

export default function RatingTasksPage() {
  const { t, i18n } = useTranslation('evaluation');
  const lang = i18n.language;
  useCrumbs([{ title: t('ratings.title') }]);
  const tasks = useQuery({
    queryKey: ['rating-tasks'],
    queryFn: () => api.get<Items<RatingTask>>('/api/ratings/tasks').then((r) => r.items),
  });
  const cycles = useCycles();
  const cycleIds = [...new Set((tasks.data ?? []).map((x) => x.cycleId))];
  const [picked, setPicked] = useState<string>();
  const cycleOptions = (cycles.data ?? []).filter((c) => cycleIds.includes(c.id));
  const cycle =
    cycleOptions.find((c) => c.id === picked) ??
    cycleOptions.find((c) => c.stage === 'evaluation') ??
    cycleOptions[0];
  const mine = (tasks.data ?? []).filter((x) => x.cycleId === cycle?.id);
  const planIds = [...new Set(mine.map((x) => x.planId))];
  const trees = useQueries({ queries: planIds.map(planQuery) });
  const treeOf = new Map(
    planIds.flatMap((id, i) => (trees[i]?.data ? [[id, trees[i].data.tree] as const] : [])),
  );
  const [open, setOpen] = useState<RatingTask>();

  // One row per appraisee; a rater may sit on several of its panels.
  const byPlan = new Map<string, RatingTask[]>();
  for (const x of mine) byPlan.set(x.planId, [...(byPlan.get(x.planId) ?? []), x]);
  const groups = [...byPlan.values()];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={t('ratings.title')}
        extra={
          cycleOptions.length > 1 && (
            <Select
              style={{ minWidth: 240 }}
              aria-label={t('console:common.selectCycle')}
              value={cycle?.id}
              onChange={setPicked}
              options={cycleOptions.map((c) => ({ value: c.id, label: pick(lang, c.name, c.nameEn) }))}
            />
          )
        }
      >
        <Typography.Paragraph type="secondary">{t('ratings.intro')}</Typography.Paragraph>
        {tasks.error && <Alert type="error" message={errorText(tasks.error)} />}
        {cycle && cycle.stage !== 'evaluation' && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            message={t('ratings.notOpen', { stage: t(`common:stage.${cycle.stage}`) })}
          />
        )}
        {tasks.data && tasks.data.length === 0 && <Empty description={t('ratings.none')} />}
        {groups.length > 0 && (
          <Table<RatingTask[]>
            rowKey={(g) => g[0].planId}
            size="small"
            dataSource={groups}
            loading={tasks.isLoading}
            data-testid="rating-tasks"
            pagination={{ defaultPageSize: 20, showTotal: (total) => t('console:common.total', { total }) }}
            columns={[
              {
                title: t('ratings.appraisee'),
                render: (_, g) => <strong>{pick(lang, g[0].appraiseeName, g[0].appraiseeNameEn)}</strong>,
              },
              {
                title: t('ratings.plan'),
                render: (_, g) => pick(lang, g[0].planTitle, g[0].planTitleEn),
              },
              {
                title: t('ratings.subject'),
                render: (_, g) => (
                  <Space direction="vertical" size={4}>
                    {g.map((x) => {
                      const tree = treeOf.get(x.planId);
                      const total = tree ? leavesFor(tree, x.subjectType, lang).length : undefined;
                      const done = total !== undefined && x.rated.length >= total;
                      return (
                        <Space key={x.id} size={8} wrap>
                          <Tag color="blue">{t(`common:subject.${x.subjectType}`)}</Tag>
                          <span style={{ width: 140, display: 'inline-block' }}>
                            {total === undefined ? (
                              x.rated.length
                            ) : (
                              <Progress
                                size="small"
                                aria-label={t('ratings.ratedCount', { rated: x.rated.length, total })}
                                percent={total ? Math.round((100 * x.rated.length) / total) : 100}
                                format={() => t('ratings.ratedCount', { rated: x.rated.length, total })}
                              />
                            )}
                          </span>
                          <Button
                            size="small"
                            type={done ? 'default' : 'primary'}
                            icon={done ? <CheckCircleOutlined /> : <EditOutlined />}
                            data-testid="rate-open"
                            onClick={() => setOpen(x)}
                          >
                            {done ? t('ratings.view') : t('ratings.rate')}
                          </Button>
                        </Space>
                      );
                    })}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
      {cycle && (
        <Card size="small" title={t('tabs.materials')}>
          <MaterialsTab cycle={cycle} />
        </Card>
      )}
      {cycle && (
        <Card size="small" title={t('tabs.calibration')}>
          <CalibrationExercise cycleId={cycle.id} />
        </Card>
      )}
      <RatingDrawer
        task={open && (tasks.data ?? []).find((x) => x.id === open.id)}
        editable={cycle?.stage === 'evaluation'}
        onClose={() => setOpen(undefined)}
      />
    </Space>
  );
}

function RatingDrawer({
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
