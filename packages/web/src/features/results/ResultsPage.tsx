import { useCallback, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Input,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { CalculatorOutlined } from '@ant-design/icons';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { hasRole, useMe } from '../../console/auth';
import { useCrumbs } from '../../console/crumbs';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDateTime, fmtNum, GRADE_COLORS, peerGroupLabel } from '../../shared/format';
import type { Items, ResultItem as Result } from '@perfcommons/contracts';
import type { Job } from '@perfcommons/contracts';
import { GRADES } from '@perfcommons/domain';
import { JobProgress } from '../jobs/JobProgress';
import { BreakdownDrawer, useNamesEn, useResultDetail } from './BreakdownDrawer';
import { GradeTag } from './GradeTag';
import { ConsequenceTags, IncompleteTag, SensitivityCell } from './ResultExtras';
import { PublicationPanel } from './PublicationPanel';
import { ResultRevisionsCard } from './ResultRevisionsCard';

/** Incomplete results (no rank, no grade) after the ranked and graded ones. */
const byRank = (a: Result, b: Result) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || 0;
const gradeOrder = (r: Result) => (r.grade ? (GRADES as readonly string[]).indexOf(r.grade) : GRADES.length);
const appraiseeKey = (r: Result) => `${r.appraiseeType}|${r.orgUnitId ?? ''}|${r.personId ?? ''}`;

export default function ResultsPage() {
  const { t, i18n } = useTranslation('results');
  const lang = i18n.language;
  useCrumbs([{ title: t('title') }]);
  const { message, modal } = App.useApp();
  const me = useMe().data;
  const office = hasRole(me, 'office', 'admin');
  const qc = useQueryClient();
  const { cycle, cycles, setCycleId } = useCycleParam((c) =>
    ['evaluation', 'feedback', 'results'].includes(c.stage),
  );
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
  const [chartKind, setChartKind] = useState<'bar' | 'pie'>('bar');

  // The compute runs as a durable job: the bar follows it, the results reload when it is done.
  const [computeJob, setComputeJob] = useState<string>();
  const compute = useMutation({
    mutationFn: () => api.post<{ jobId: string }>(`/api/cycles/${cycle!.id}/compute`),
    onSuccess: (r) => setComputeJob(r.jobId),
    onError: (e) => void message.error(errorText(e)),
  });
  const computed = useCallback(
    (job: Job) => {
      void qc.invalidateQueries({ queryKey: ['results'] });
      void qc.invalidateQueries({ queryKey: ['result'] });
      if (job.state === 'completed')
        void message.success(t('computed', { n: (job.result as { count: number }).count }));
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
            {office && (
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
            <JobProgress jobId={computeJob} onDone={computed} />
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
            <Table<Result>
              rowKey="id"
              size="small"
              dataSource={rows}
              data-testid="results-table"
              pagination={{
                defaultPageSize: 15,
                showSizeChanger: true,
                showTotal: (total) => t('console:common.total', { total }),
              }}
              onRow={(r) => ({ onClick: () => setSelected(r), style: { cursor: 'pointer' } })}
              rowClassName={(r) => (r.id === selected?.id ? 'ant-table-row-selected' : '')}
              columns={[
                {
                  title: t('peerGroup'),
                  dataIndex: 'peerGroup',
                  sorter: (a, b) => (a.peerGroup ?? '').localeCompare(b.peerGroup ?? ''),
                  render: (g: string) => peerGroupLabel(t, g),
                },
                {
                  title: t('rank'),
                  dataIndex: 'rank',
                  width: 90,
                  sorter: byRank,
                  render: (_, r) =>
                    r.rank == null ? '—' : t('common:misc.of', { rank: r.rank, size: r.peerGroupSize }),
                },
                {
                  title: t('appraisee'),
                  dataIndex: 'appraiseeName',
                  render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
                },
                {
                  title: t('total'),
                  dataIndex: 'total',
                  sorter: (a, b) => a.total - b.total,
                  render: (v: number) => <strong>{fmtNum(v)}</strong>,
                },
                {
                  title: t('grade'),
                  dataIndex: 'grade',
                  sorter: (a, b) => gradeOrder(a) - gradeOrder(b),
                  render: (_, r) => (
                    <Space size={2}>
                      {r.complete === false ? <IncompleteTag result={r} /> : <GradeTag grade={r.grade} />}
                      {r.veto?.triggered && (
                        <Typography.Text type="danger">{t('common:misc.veto')}</Typography.Text>
                      )}
                    </Space>
                  ),
                },
                {
                  title: t('sensitivityCol'),
                  key: 'sensitivity',
                  width: 140,
                  sorter: (a, b) => (a.sensitivity?.sameRankShare ?? 2) - (b.sensitivity?.sameRankShare ?? 2),
                  render: (_, r) => <SensitivityCell s={r.sensitivity} />,
                },
                {
                  title: t('consequencesCol'),
                  key: 'consequences',
                  render: (_, r) => <ConsequenceTags items={r.consequences} />,
                },
                {
                  title: t('console:common.actions'),
                  key: 'a',
                  render: (_, r) => (
                    <Button
                      size="small"
                      type="link"
                      data-testid="explain"
                      onClick={(e) => {
                        e.stopPropagation();
                        setSelected(r);
                        setDrawer(r.id);
                      }}
                    >
                      {t('explain')}
                    </Button>
                  ),
                },
              ]}
            />
          </>
        )}
      </Card>

      {office && cycle && all.length > 0 && <PublicationPanel cycle={cycle} />}

      {all.length > 0 && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <Card
              title={t('distribution')}
              extra={
                <Segmented
                  size="small"
                  value={chartKind}
                  onChange={(v) => setChartKind(v as 'bar' | 'pie')}
                  options={[
                    { value: 'bar', label: t('distributionBar') },
                    { value: 'pie', label: t('distributionPie') },
                  ]}
                />
              }
            >
              <EChart
                ariaLabel={t('distribution')}
                testId="grade-chart"
                option={
                  chartKind === 'bar'
                    ? {
                        grid: { left: 40, right: 16, top: 16, bottom: 30 },
                        tooltip: {},
                        xAxis: { type: 'category', data: dist.map((d) => t(`common:grade.${d.g}`)) },
                        yAxis: { type: 'value', minInterval: 1 },
                        series: [
                          {
                            type: 'bar',
                            name: t('count'),
                            label: { show: true, position: 'top' },
                            data: dist.map((d) => ({ value: d.n, itemStyle: { color: GRADE_COLORS[d.g] } })),
                          },
                        ],
                      }
                    : {
                        tooltip: { trigger: 'item' },
                        legend: { bottom: 0 },
                        series: [
                          {
                            type: 'pie',
                            radius: ['35%', '65%'],
                            data: dist
                              .filter((d) => d.n > 0)
                              .map((d) => ({
                                name: t(`common:grade.${d.g}`),
                                value: d.n,
                                itemStyle: { color: GRADE_COLORS[d.g] },
                              })),
                          },
                        ],
                      }
                }
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <RadarCard result={selected} />
          </Col>
          {cycle && (cycle.resultsPublishedAt || office) && (
            <Col xs={24}>
              <ResultRevisionsCard result={selected} cycle={cycle} office={office} />
            </Col>
          )}
          {selected && trend.length > 1 && (
            <Col xs={24}>
              <Card
                title={t('trend', { name: pick(lang, selected.appraiseeName, selected.appraiseeNameEn) })}
              >
                <EChart
                  ariaLabel={t('trend', { name: selected.appraiseeName })}
                  testId="trend-chart"
                  height={240}
                  option={{
                    grid: { left: 40, right: 16, top: 16, bottom: 30 },
                    tooltip: { trigger: 'axis' },
                    xAxis: {
                      type: 'category',
                      data: trend.map((p) => pick(lang, p.cycle.name, p.cycle.nameEn)),
                    },
                    yAxis: { type: 'value', min: 0, max: 100 },
                    series: [
                      {
                        type: 'line',
                        label: { show: true },
                        data: trend.map((p) => Number(fmtNum(p.r.total, 1))),
                      },
                    ],
                  }}
                />
              </Card>
            </Col>
          )}
        </Row>
      )}
      <BreakdownDrawer resultId={drawer} onClose={() => setDrawer(undefined)} />
    </Space>
  );
}

function RadarCard({ result }: { result?: Result }) {
  const { t, i18n } = useTranslation('results');
  const lang = i18n.language;
  const detail = useResultDetail(result?.id);
  const namesEn = useNamesEn(result?.planId);
  const first = (detail.data?.breakdown ?? []).filter((b) => (b.kind ?? 'normal') === 'normal');
  const name = result ? pick(lang, result.appraiseeName, result.appraiseeNameEn) : '';
  return (
    <Card title={result ? t('radar', { name }) : t('radarTitle')}>
      {!result && <Empty description={t('radarHint')} />}
      {result && first.length > 0 && (
        <EChart
          ariaLabel={t('radar', { name })}
          testId="radar-chart"
          option={{
            tooltip: {},
            radar: {
              radius: '58%',
              indicator: first.map((b) => ({
                name: (lang === 'en' && namesEn.get(b.code)) || b.name,
                max: Math.max(100, ...first.map((x) => x.attainment)),
              })),
              axisName: { color: '#555', fontSize: 11, width: 110, overflow: 'break' },
            },
            series: [
              {
                type: 'radar',
                areaStyle: { opacity: 0.2 },
                data: [{ value: first.map((b) => Number(fmtNum(b.attainment, 1))), name }],
              },
            ],
          }}
        />
      )}
    </Card>
  );
}
