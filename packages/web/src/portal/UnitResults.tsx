import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../charts/EChart';
import { pick } from '../i18n';
import { api } from '../shared/api';
import { fmtNum, peerGroupLabel } from '../shared/format';
import type { Cycle, ResultList } from '@perfcommons/contracts';
import { ErrorBox, GradeTag, Skeleton } from './ui';
import { PublicationHistory, ResultRevisions, WithdrawnNotices } from './ResultRevisions';
import { ResultBreakdown, VetoNotice } from './ResultBreakdown';
import { RadarChart, RankingChart } from './UnitCharts';

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

export function UnitResults({
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
