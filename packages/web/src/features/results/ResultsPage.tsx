import { useCallback, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Empty, Input, Row, Segmented, Select, Space, Typography } from 'antd';
import { CalculatorOutlined } from '@ant-design/icons';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCrumbs } from '../../console/crumbs';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { errorText } from '../../console/errors';
import { api } from '../../shared/api';
import { fmtDateTime, peerGroupLabel } from '../../shared/format';
import type { Items, ResultItem as Result } from '@perfcommons/contracts';
import type { JobOf } from '@perfcommons/contracts';
import { GRADES } from '@perfcommons/domain';
import { JobProgress } from '../jobs/JobProgress';
import { BreakdownDrawer } from './BreakdownDrawer';
import { PublicationPanel } from './PublicationPanel';
import { ResultRevisionsCard } from './ResultRevisionsCard';
import { DistributionCard, RadarCard, TrendCard } from './ResultsCharts';
import { ResultsTable, byRank } from './ResultsTable';

const appraiseeKey = (r: Result) => `${r.appraiseeType}|${r.orgUnitId ?? ''}|${r.personId ?? ''}`;

export default function ResultsPage() {
  const { t } = useTranslation('results');
  useCrumbs([{ title: t('title') }]);
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const { cycle, cycles, setCycleId } = useCycleParam((c) =>
    ['evaluation', 'feedback', 'results'].includes(c.stage),
  );
  // What the user may do with the cycle comes with it from the server (cyclePermissions).
  const publish = !!cycle?.can?.publish;
  const results = useQuery({
    queryKey: ['results', cycle?.id],
    enabled: !!cycle,
    queryFn: () => api.get<Items<Result>>(`/api/cycles/${cycle!.id}/results`).then((r) => r.items),
  });
  const [type, setType] = useState<string>();
  const [group, setGroup] = useState<string>();
  const [q, setQ] = useState('');
  const [grade, setGrade] = useState<string>();
  const [selected, setSelected] = useState<Result>();
  const [drawer, setDrawer] = useState<string>();

  // The compute runs as a durable job: the bar follows it, the results reload when it is done.
  const [computeJob, setComputeJob] = useState<string>();
  const compute = useMutation({
    mutationFn: () => api.post<{ jobId: string }>(`/api/cycles/${cycle!.id}/compute`),
    onSuccess: (r) => setComputeJob(r.jobId),
    onError: (e) => void message.error(errorText(e)),
  });
  const computed = useCallback(
    (job: JobOf<'results.compute'>) => {
      void qc.invalidateQueries({ queryKey: ['results'] });
      void qc.invalidateQueries({ queryKey: ['result'] });
      if (job.state === 'completed' && job.result)
        void message.success(t('computed', { n: job.result.count }));
    },
    [qc, message, t],
  );

  const all = results.data ?? [];
  const types = [...new Set(all.map((r) => r.appraiseeType))];
  const activeType = type && types.includes(type as Result['appraiseeType']) ? type : types[0];
  const ofType = all.filter((r) => r.appraiseeType === activeType);
  const groups = [...new Set(ofType.map((r) => r.peerGroup ?? ''))].sort();
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return ofType
      .filter(
        (r) =>
          (!group || r.peerGroup === group) &&
          (!grade || r.grade === grade) &&
          (!needle || `${r.appraiseeName ?? ''} ${r.appraiseeNameEn ?? ''}`.toLowerCase().includes(needle)),
      )
      .sort((a, b) => (a.peerGroup ?? '').localeCompare(b.peerGroup ?? '') || byRank(a, b));
  }, [ofType, group, grade, q]);

  // Trend: the same appraisee in the other cycles that have results.
  const otherCycles = (cycles.data ?? []).filter(
    (c) => c.id !== cycle?.id && ['evaluation', 'feedback', 'results', 'closed'].includes(c.stage),
  );
  const others = useQueries({
    queries: otherCycles.map((c) => ({
      queryKey: ['results', c.id],
      queryFn: () => api.get<Items<Result>>(`/api/cycles/${c.id}/results`).then((r) => r.items),
    })),
  });
  const trend = useMemo(() => {
    if (!selected || !cycle) return [];
    const k = appraiseeKey(selected);
    const points = [{ cycle, r: selected }];
    otherCycles.forEach((c, i) => {
      const r = others[i]?.data?.find((x) => appraiseeKey(x) === k);
      if (r) points.push({ cycle: c, r });
    });
    return points.sort((a, b) => a.cycle.periodEnd.localeCompare(b.cycle.periodEnd));
  }, [selected, cycle, otherCycles, others]);

  const dist = GRADES.map((g) => ({ g, n: rows.filter((r) => r.grade === g).length }));
  const computedAt = all[0]?.computedAt;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={t('title')}
        extra={
          <Space wrap>
            <CycleSelect value={cycle?.id} onChange={(id) => (setCycleId(id), setSelected(undefined))} />
            {cycle?.can?.computeResults && (
              <Button
                type="primary"
                icon={<CalculatorOutlined />}
                loading={compute.isPending}
                disabled={!cycle}
                data-testid="compute"
                onClick={() =>
                  modal.confirm({
                    title: t('compute'),
                    content: t('computeConfirm'),
                    okText: t('console:common.confirm'),
                    cancelText: t('console:common.cancel'),
                    onOk: () => compute.mutateAsync(),
                  })
                }
              >
                {t('compute')}
              </Button>
            )}
          </Space>
        }
      >
        {computeJob && (
          <div style={{ maxWidth: 480, marginBottom: 12 }}>
            <JobProgress jobId={computeJob} kind="results.compute" onDone={computed} />
          </div>
        )}
        {computedAt && (
          <Typography.Paragraph type="secondary">
            {t('computedAt', { at: fmtDateTime(computedAt) })}
          </Typography.Paragraph>
        )}
        {results.error && <Alert type="error" message={errorText(results.error)} />}
        {all.some((r) => r.complete === false) && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="results-incomplete"
            message={t('incompleteCount', { n: all.filter((r) => r.complete === false).length })}
          />
        )}
        {results.data && all.length === 0 && <Empty description={t('noResults')} />}
        {all.length > 0 && (
          <>
            <Space wrap style={{ marginBottom: 16 }}>
              <Segmented
                value={activeType}
                onChange={(v) => {
                  setType(v as string);
                  setGroup(undefined);
                }}
                options={types.map((v) => ({ value: v, label: t(`common:appraiseeType.${v}`) }))}
              />
              <Select
                allowClear
                placeholder={t('allGroups')}
                aria-label={t('allGroups')}
                style={{ width: 180 }}
                value={group}
                onChange={setGroup}
                data-testid="peer-group"
                options={groups.map((g) => ({ value: g, label: peerGroupLabel(t, g) }))}
              />
              <Select
                allowClear
                placeholder={t('grade')}
                aria-label={t('grade')}
                style={{ width: 140 }}
                value={grade}
                onChange={setGrade}
                options={GRADES.map((g) => ({ value: g, label: t(`common:grade.${g}`) }))}
              />
              <Input.Search
                allowClear
                placeholder={t('search')}
                onChange={(e) => setQ(e.target.value)}
                style={{ width: 220 }}
              />
            </Space>
            <ResultsTable
              rows={rows}
              selected={selected}
              onSelect={setSelected}
              onExplain={(r) => (setSelected(r), setDrawer(r.id))}
            />
          </>
        )}
      </Card>

      {publish && cycle && all.length > 0 && <PublicationPanel cycle={cycle} />}

      {all.length > 0 && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <DistributionCard dist={dist} />
          </Col>
          <Col xs={24} lg={12}>
            <RadarCard result={selected} />
          </Col>
          {cycle && (cycle.resultsPublishedAt || publish) && (
            <Col xs={24}>
              <ResultRevisionsCard result={selected} cycle={cycle} office={publish} />
            </Col>
          )}
          {selected && trend.length > 1 && (
            <Col xs={24}>
              <TrendCard selected={selected} trend={trend} />
            </Col>
          )}
        </Row>
      )}
      <BreakdownDrawer resultId={drawer} onClose={() => setDrawer(undefined)} />
    </Space>
  );
}
