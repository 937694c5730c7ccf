import { useEffect, useMemo, useState } from 'react';
import { InputNote } from './InputNote';
import { useTranslation } from 'react-i18next';
import { EChart } from '../charts/EChart';
import { pick } from '../i18n';
import { api } from '../shared/api';
import { fmtDate, fmtNum, peerGroupLabel } from '../shared/format';
import type {
  Cycle,
  Items,
  OrgUnit,
  Person,
  Plan as PlanSummary,
  ResultDetail,
  ResultItem as Result,
  ResultList,
} from '@perfcommons/contracts';
import { baselineOf, nodeName, targetOf, type BreakdownView, type TreeNodeView } from '../shared/tree';
import { ErrorBox, GradeTag, Loading, Skeleton } from './ui';
import { useApi } from './useApi';
import { PlanRevisions, type PublicRevision } from './PlanRevisions';
import './explain-i18n';
import { PrintBar } from './PrintBar';
import { PublicationHistory, ResultRevisions, WithdrawnNotices } from './ResultRevisions';
import { UnitHistory } from './UnitHistory';

export default function UnitPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('portal');
  const lang = i18n.language;
  const orgs = useApi<Items<OrgUnit>>('/api/public/orgs');
  const people = useApi<Items<Person>>(`/api/public/people?orgUnitId=${encodeURIComponent(id)}`);
  const plans = useApi<Items<PlanSummary>>(`/api/public/plans?orgUnitId=${encodeURIComponent(id)}`);
  const cycles = useApi<Items<Cycle>>('/api/public/cycles');
  const unit = orgs.data?.items.find((o) => o.id === id);
  const cycleById = useMemo(() => new Map((cycles.data?.items ?? []).map((c) => [c.id, c])), [cycles.data]);
  // The sections below the results come once the results are in: nothing on screen moves down then.
  const [resultsShown, setResultsShown] = useState(false);

  if (orgs.loading) return <Loading />;
  if (orgs.error) return <ErrorBox error={orgs.error} onRetry={orgs.reload} />;
  if (!unit) return <p>{t('unit.notFound')}</p>;

  const unitPlans = (plans.data?.items ?? []).filter((p) => p.appraiseeType === 'unit' || !p.personId);

  return (
    <>
      <h1 data-testid="portal-unit-name">{pick(lang, unit.name, unit.nameEn)}</h1>
      <p className="pc-muted">
        {t(`common:orgKind.${unit.kind}`, { defaultValue: unit.kind })}
        {unit.peerGroup ? ` · ${t('unit.peerGroup', { g: peerGroupLabel(t, unit.peerGroup) })}` : ''}
      </p>
      <PrintBar />

      <UnitResults unitId={id} cycles={cycles.data?.items} onShown={() => setResultsShown(true)} />

      {resultsShown && <UnitHistory unitId={id} />}

      {resultsShown && (
        <section aria-labelledby="plans" className="pc-print-section">
          <h2 id="plans">{t('unit.plans')}</h2>
          {plans.loading && <Loading />}
          {plans.error && <ErrorBox error={plans.error} onRetry={plans.reload} />}
          {plans.data && unitPlans.length === 0 && <p className="pc-muted">{t('unit.noPlans')}</p>}
          {unitPlans.map((p, i) => (
            <PlanCard key={p.id} plan={p} cycle={cycleById.get(p.cycleId)} initiallyOpen={i === 0} />
          ))}
        </section>
      )}

      {resultsShown && (people.data?.items.length ?? 0) > 0 && (
        <section aria-labelledby="cadres" className="pc-print-section">
          <h2 id="cadres">{t('unit.cadres')}</h2>
          <ul className="pc-list">
            {people.data!.items.map((p) => (
              <li key={p.id} className="pc-person">
                <strong>{pick(lang, p.name, p.nameEn)}</strong>
                <span className="pc-muted"> · {pick(lang, p.position, p.positionEn)}</span>
                {p.termStart && (
                  <div className="pc-small pc-muted">
                    {t('common:misc.term')} {fmtDate(p.termStart)} – {fmtDate(p.termEnd)}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function PlanCard({
  plan,
  cycle,
  initiallyOpen,
}: {
  plan: PlanSummary;
  cycle?: Cycle;
  initiallyOpen: boolean;
}) {
  const { t, i18n } = useTranslation('portal');
  const [open, setOpen] = useState(initiallyOpen);
  const detail = useApi<{ tree: TreeNodeView[]; revisions?: PublicRevision[] }>(
    open ? `/api/public/plans/${plan.id}` : null,
  );
  return (
    <article className="pc-card" data-testid="portal-plan">
      <div className="pc-card-head">
        <h3>{pick(i18n.language, plan.title, plan.titleEn)}</h3>
        <span className="pc-chip">{t(`common:planStatus.${plan.status}`)}</span>
      </div>
      {cycle && <p className="pc-muted pc-small">{pick(i18n.language, cycle.name, cycle.nameEn)}</p>}
      <button type="button" className="pc-btn-link" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? t('unit.hideTree') : t('unit.showTree')}
      </button>
      {open && detail.loading && <Loading />}
      {open && detail.error && <ErrorBox error={detail.error} />}
      {open && detail.data && <IndicatorList nodes={detail.data.tree} level={1} />}
      {open && detail.data && <PlanRevisions revisions={detail.data.revisions} />}
    </article>
  );
}

function IndicatorList({ nodes, level }: { nodes: TreeNodeView[]; level: number }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className={`pc-tree pc-tree-l${level}`}>
      {nodes.map((n) => (
        <li key={n.code}>
          <div className="pc-tree-row">
            <span className="pc-tree-name">{nodeName(i18n.language, n)}</span>
            <span className="pc-tree-weight">{fmtNum(n.weight)}</span>
          </div>
          {targetOf(n) !== undefined && (
            <div className="pc-small pc-muted">
              {t('misc.target')}: {fmtNum(targetOf(n))} {n.unit ?? ''}
              {baselineOf(n) !== undefined && ` · ${t('misc.baseline')}: ${fmtNum(baselineOf(n))}`}
              {n.dataSource ? ` · ${t('misc.dataSource')}: ${n.dataSource}` : ''}
            </div>
          )}
          {n.children && n.children.length > 0 && <IndicatorList nodes={n.children} level={level + 1} />}
        </li>
      ))}
    </ul>
  );
}

/** The reply of GET /api/public/results for one cycle, paired with that cycle (built here, not sent). */
type CycleResults = ResultList & { cycle: Cycle };

const NO_CYCLES: Cycle[] = [];

/** Published results of every cycle, fetched together (trend needs them all); waits for the cycles. */
function usePublishedResults(cycles: Cycle[] | undefined) {
  const [state, setState] = useState<{ data?: CycleResults[]; error?: Error }>({});
  const key = cycles ? cycles.map((c) => c.id).join(',') : null;
  useEffect(() => {
    if (!cycles) return;
    const published = cycles.filter((c) => c.resultsPublishedAt);
    let live = true;
    Promise.all(
      published.map((c) =>
        api.get<ResultList>(`/api/public/results?cycleId=${encodeURIComponent(c.id)}`).then((r) => ({
          cycle: c,
          items: r.items,
        })),
      ),
    )
      .then((data) => live && setState({ data }))
      .catch((error: Error) => live && setState({ error }));
    return () => {
      live = false;
    };
    // cycles is re-created per render; the id list is the real dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}

function UnitResults({
  unitId,
  cycles: loaded,
  onShown,
}: {
  unitId: string;
  /** Undefined while the cycles load. */
  cycles?: Cycle[];
  onShown: () => void;
}) {
  const { t, i18n } = useTranslation('portal');
  const lang = i18n.language;
  const cycles = loaded ?? NO_CYCLES;
  const { data, error } = usePublishedResults(loaded);
  const settled = !!(data || error);
  useEffect(() => {
    if (settled) onShown();
  }, [settled, onShown]);
  const mine = (data ?? [])
    .map((cr) => ({
      ...cr,
      result: cr.items.find((r) => r.orgUnitId === unitId && (r.appraiseeType === 'unit' || !r.personId)),
    }))
    .filter((x) => x.result)
    .sort((a, b) => b.cycle.periodStart.localeCompare(a.cycle.periodStart));
  const latest = mine[0];

  return (
    <section aria-labelledby="results">
      <h2 id="results">{t('unit.results')}</h2>
      <WithdrawnNotices cycles={cycles} />
      {error && <ErrorBox error={error} />}
      {/* About the height of the result card and its first chart: the first screen is held. */}
      {!data && !error && <Skeleton height={640} />}
      {data && !latest && <p className="pc-muted">{t('unit.noResults')}</p>}
      {latest && latest.result && (
        <>
          <article className="pc-card pc-result" data-testid="portal-result">
            <p className="pc-muted pc-small">{pick(lang, latest.cycle.name, latest.cycle.nameEn)}</p>
            <div className="pc-score-row">
              <span className="pc-score">{fmtNum(latest.result.total, 1)}</span>
              {latest.result.complete === false ? (
                <span className="pc-chip" data-testid="portal-incomplete">
                  {t('unit.incomplete')}
                </span>
              ) : (
                <GradeTag grade={latest.result.grade} />
              )}
            </div>
            {latest.result.complete === false && (latest.result.missing?.length ?? 0) > 0 && (
              <p className="pc-small pc-muted">
                {t('unit.missing', {
                  list: latest.result
                    .missing!.map((m) => pick(lang, m.name, m.nameEn) || m.code)
                    .join(lang === 'en' ? ', ' : '、'),
                })}
              </p>
            )}
            {latest.result.rank != null && (
              <p className="pc-small">
                {t('common:misc.rank')}：
                {t('common:misc.of', { rank: latest.result.rank, size: latest.result.peerGroupSize })}
                {latest.result.peerGroup
                  ? ` · ${t('unit.peerGroup', { g: peerGroupLabel(t, latest.result.peerGroup) })}`
                  : ''}
              </p>
            )}
            {(latest.result.consequences?.length ?? 0) > 0 && (
              <div className="pc-consequences" data-testid="portal-consequences">
                <span className="pc-small">{t('unit.consequences')}：</span>
                {latest.result.consequences!.map((c) => (
                  <span key={c.kind} className={`pc-chip pc-cons-${c.kind}`} title={c.reason}>
                    {t(`common:consequence.${c.kind}`, { defaultValue: c.kind })}
                    {typeof c.value === 'number' ? ` ×${fmtNum(c.value)}` : ''}
                  </span>
                ))}
              </div>
            )}
            <VetoNotice resultId={latest.result.id} result={latest.result} />
            <ResultRevisions resultId={latest.result.id} />
            <PublicationHistory cycleId={latest.cycle.id} />
          </article>
          <RankingChart items={latest.items} result={latest.result} />
          <RadarChart resultId={latest.result.id} />
          <ResultBreakdown resultId={latest.result.id} result={latest.result} />
          {mine.length > 1 && (
            <div className="pc-card">
              <h3>{t('unit.trend')}</h3>
              <EChart
                ariaLabel={t('unit.trend')}
                height={220}
                option={{
                  grid: { left: 40, right: 16, top: 16, bottom: 30 },
                  tooltip: { trigger: 'axis' },
                  xAxis: {
                    type: 'category',
                    data: mine
                      .slice()
                      .reverse()
                      .map((m) => pick(lang, m.cycle.name, m.cycle.nameEn)),
                  },
                  yAxis: { type: 'value', min: 0, max: 100 },
                  series: [
                    {
                      type: 'line',
                      data: mine
                        .slice()
                        .reverse()
                        .map((m) => m.result!.total),
                    },
                  ],
                }}
              />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function RankingChart({ items, result }: { items: Result[]; result: Result }) {
  const { t, i18n } = useTranslation('portal');
  // Only complete results are ranked: an incomplete one takes no place in its group.
  const peers = items
    .filter(
      (r) =>
        r.peerGroup === result.peerGroup && r.appraiseeType === result.appraiseeType && r.complete !== false,
    )
    .sort((a, b) => a.total - b.total);
  if (result.complete === false || peers.length < 2) return null;
  return (
    <div className="pc-card">
      <h3>{t('unit.ranking')}</h3>
      <EChart
        ariaLabel={t('unit.ranking')}
        testId="portal-ranking-chart"
        height={Math.max(180, peers.length * 28 + 40)}
        option={{
          grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
          tooltip: { trigger: 'axis' },
          xAxis: { type: 'value', min: 0, max: 100 },
          yAxis: {
            type: 'category',
            data: peers.map((r) => pick(i18n.language, r.appraiseeName, r.appraiseeNameEn)),
            axisLabel: { width: 110, overflow: 'truncate' },
          },
          series: [
            {
              type: 'bar',
              label: {
                show: true,
                position: 'right',
                formatter: (p: { value: number }) => fmtNum(p.value, 1),
              },
              data: peers.map((r) => ({
                value: r.total,
                itemStyle: { color: r.id === result.id ? '#b4432f' : '#9db4c0' },
              })),
            },
          ],
        }}
      />
    </div>
  );
}

/** Flattens a breakdown tree into table rows with their depth. */
function flatten(nodes: BreakdownView[], depth = 0): { node: BreakdownView; depth: number }[] {
  return nodes.flatMap((n) => [{ node: n, depth }, ...flatten(n.children ?? [], depth + 1)]);
}

/**
 * 得分说明: every indicator of the published result in one table — weight, actual value, attainment
 * and the points it adds to the total; veto indicators and missing inputs are marked.
 */
function ResultBreakdown({ resultId, result }: { resultId: string; result: Result }) {
  const { t, i18n } = useTranslation('portal');
  const { t: te } = useTranslation('portalExplain');
  const detail = useApi<ResultDetail>(`/api/public/results/${resultId}`);
  const nodes = detail.data?.breakdown ?? [];
  if (!nodes.length) return null;
  const vetoCodes = new Set(result.veto?.triggered ? result.veto.codes : []);
  return (
    <div className="pc-card pc-print-section" data-testid="portal-breakdown">
      <h3>{t('unit.breakdown')}</h3>
      <p className="pc-small pc-muted">{t('unit.breakdownHint')}</p>
      {/* Scrolls sideways on a phone: focusable, so a keyboard can scroll it too. */}
      <div className="pc-table-wrap" tabIndex={0} role="region" aria-label={t('unit.breakdown')}>
        <table className="pc-table pc-breakdown-table" data-testid="portal-breakdown-table">
          <thead>
            <tr>
              <th scope="col">{te('table.indicator')}</th>
              <th scope="col" className="pc-num">
                {te('table.weight')}
              </th>
              <th scope="col" className="pc-num">
                {te('table.actual')}
              </th>
              <th scope="col" className="pc-num">
                {te('table.attainment')}
              </th>
              <th scope="col" className="pc-num">
                {te('table.points')}
              </th>
            </tr>
          </thead>
          <tbody>
            {flatten(nodes).map(({ node: n, depth }) => {
              const special = n.kind === 'bonus' || n.kind === 'deduction';
              const vetoed = vetoCodes.has(n.code);
              return (
                <tr
                  key={n.code}
                  data-testid={`portal-breakdown-${n.code}`}
                  className={`pc-depth-${Math.min(depth, 3)}${vetoed ? ' pc-row-veto' : ''}`}
                >
                  <th scope="row" style={{ paddingLeft: `${0.5 + depth * 1.25}em` }}>
                    <span className="pc-code">{n.code}</span> {nodeName(i18n.language, n)}
                    {vetoed && <span className="pc-chip pc-chip-veto">{te('table.veto')}</span>}
                    {n.missing && <span className="pc-chip">{te('table.missing')}</span>}
                    <InputNote node={n} />
                  </th>
                  <td className="pc-num">{special ? '—' : fmtNum(n.weight)}</td>
                  <td className="pc-num">{n.value != null ? fmtNum(n.value, 4) : '—'}</td>
                  <td className="pc-num">{special ? '—' : fmtNum(n.attainment, 1)}</td>
                  <td className="pc-num">
                    {`${n.contribution > 0 && special ? '+' : ''}${fmtNum(n.contribution, 2)}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                {te('table.total')}
              </th>
              <td className="pc-num">{fmtNum(result.total, 2)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}

/** 一票否决: which indicator's veto capped the grade, under which rule, and what the score alone earned. */
function VetoNotice({ resultId, result }: { resultId: string; result: Result }) {
  const { t, i18n } = useTranslation('portalExplain');
  const { t: tc } = useTranslation();
  const detail = useApi<ResultDetail>(result.veto?.triggered ? `/api/public/results/${resultId}` : null);
  if (!result.veto?.triggered) return null;
  const rows = flatten(detail.data?.breakdown ?? []).map((r) => r.node);
  const failed = result.veto.codes.map(
    (code) => rows.find((n) => n.code === code) ?? { code, attainment: NaN },
  );
  const sep = i18n.language === 'en' ? ', ' : '、';
  const names = failed
    .map((n) => ('name' in n ? `${n.code} ${nodeName(i18n.language, n)}` : n.code))
    .join(sep);
  const att = failed
    .filter((n) => Number.isFinite(n.attainment))
    .map((n) => fmtNum(n.attainment, 1))
    .join(sep);
  const grade = (g: string | null | undefined) => (g ? tc(`grade.${g}`, { defaultValue: g }) : '');
  return (
    <div className="pc-veto" role="note" data-testid="portal-veto">
      <strong>{t('veto.title')}</strong>
      <p>{t('veto.failed', { names, a: att || '—' })}</p>
      <p>{result.veto.mode === 'downOne' ? t('veto.ruleDownOne') : t('veto.ruleUnqualified')}</p>
      {result.grade && (
        <p>
          {result.gradeByScore && result.gradeByScore !== result.grade
            ? t('veto.capped', { from: grade(result.gradeByScore), to: grade(result.grade) })
            : t('veto.cappedSame', { to: grade(result.grade) })}
        </p>
      )}
    </div>
  );
}

function RadarChart({ resultId }: { resultId: string }) {
  const { t, i18n } = useTranslation('portal');
  const detail = useApi<ResultDetail>(`/api/public/results/${resultId}`);
  const first = (detail.data?.breakdown ?? []).filter((b) => b.kind !== 'bonus' && b.kind !== 'deduction');
  if (first.length < 3) return null;
  return (
    <div className="pc-card">
      <h3>{t('unit.radar')}</h3>
      <EChart
        ariaLabel={t('unit.radar')}
        height={300}
        option={{
          tooltip: {},
          radar: {
            radius: '60%',
            indicator: first.map((b) => ({ name: nodeName(i18n.language, b), max: 100 })),
            axisName: { color: '#444', fontSize: 11, width: 80, overflow: 'break' },
          },
          series: [
            {
              type: 'radar',
              areaStyle: { opacity: 0.2 },
              label: {
                show: true,
                color: '#1f2d3d',
                fontSize: 11,
                formatter: (p: { value: number }) => fmtNum(p.value, 1),
              },
              data: [{ value: first.map((b) => Number(b.attainment ?? 0)), name: t('unit.radar') }],
            },
          ],
        }}
      />
    </div>
  );
}
