import { useState } from 'react';
import { MaterialsTab } from './MaterialsTab';
import { CalibrationExercise } from '../calibration/CalibrationExercise';
import { Alert, Button, Card, Empty, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { CheckCircleOutlined, EditOutlined } from '@ant-design/icons';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { useCycles } from '../../console/queries';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import type { RatingTask, Items } from '@perfcommons/contracts';
import { RatingDrawer, leavesFor, planQuery } from './RatingDrawer';

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
    cycleOptions.find((c) => tasks.data?.some((x) => x.cycleId === c.id && x.can.rate)) ??
    cycleOptions[0];
  const mine = (tasks.data ?? []).filter((x) => x.cycleId === cycle?.id);
  const planIds = [...new Set(mine.map((x) => x.planId))];
  const trees = useQueries({ queries: planIds.map(planQuery) });
  const treeOf = new Map(
    planIds.flatMap((id, i) => (trees[i]?.data ? [[id, trees[i].data.tree] as const] : [])),
  );
  const [open, setOpen] = useState<RatingTask>();
  const task = open && (tasks.data ?? []).find((x) => x.id === open.id);

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
        {cycle && mine.length > 0 && !mine.some((x) => x.can.rate) && (
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
      <RatingDrawer task={task} editable={!!task?.can.rate} onClose={() => setOpen(undefined)} />
    </Space>
  );
}
