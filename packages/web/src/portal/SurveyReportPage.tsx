import './surveys-i18n';
import './survey-report.css';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../charts/EChart';
import { ciChartOption } from '../features/surveys/charts';
import type { Estimate, PublishedSurvey, SurveyReport as Report } from '@perfcommons/contracts';
import { fieldLabel, labelStrata } from '@perfcommons/domain';
import { pick } from '../i18n';
import { fmtDate } from '../shared/format';
import { PrintBar } from './PrintBar';
import { Link } from './router';
import { ErrorBox, Loading } from './ui';
import { useApi } from './useApi';

const f1 = (x: number | null | undefined) => (x == null ? '—' : x.toFixed(1));
const ci = (e: Estimate | null) => (e?.ci95[0] == null ? '—' : `${f1(e.ci95[0])}–${f1(e.ci95[1])}`);
const pct = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);
/** Margin of error: ± t·SE on the design degrees of freedom. */
const moe = (e: Estimate | null | undefined) => (e?.moe == null ? '—' : `±${f1(e.moe)}`);

export function SurveyListPage() {
  const { t, i18n } = useTranslation('portalSurveys');
  const list = useApi<{ items: PublishedSurvey[] }>('/api/public/surveys');
  if (list.loading) return <Loading />;
  if (list.error) return <ErrorBox error={list.error} onRetry={list.reload} />;
  return (
    <>
      <h1>{t('list')}</h1>
      {list.data?.items.length === 0 && <p className="pc-muted">{t('none')}</p>}
      <ul className="sr-list">
        {list.data?.items.map((s) => (
          <li key={s.id}>
            <Link href={`/surveys/${s.id}`}>{pick(i18n.language, s.title, s.titleEn)}</Link>{' '}
            <span className="pc-muted">{t('published', { at: fmtDate(s.publishedAt) })}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** A published report: methodology, response, weighted indices with intervals; printable from the browser. */
export default function SurveyReportPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('portalSurveys');
  const lang = i18n.language;
  const rep = useApi<Report>(`/api/public/surveys/${encodeURIComponent(id)}`);
  const r = rep.data;
  const chart = useMemo(
    () =>
      r &&
      ciChartOption(
        r.analysis.satisfaction.byPlan.map((p) => ({
          label: pick(lang, p.appraiseeName, p.appraiseeNameEn),
          est: p.index,
        })),
        t('ci'),
      ),
    [r, lang, t],
  );
  if (rep.loading) return <Loading />;
  if (rep.error || !r) return <p>{t('notFound')}</p>;
  const m = r.methodology;
  const a = r.analysis;
  const overall = a.satisfaction.overall;
  // Labels, never stored codes: the report's own (from the survey's label source), else common words
  // and readable text for reports published before labels existed.
  const fallback = labelStrata(
    m.strataFields,
    m.fieldwork.strata.map((x) => x.stratum),
  );
  const stratumText = (key: string) => {
    const l = m.labels?.strata[key] ?? fallback.strata[key] ?? labelStrata(m.strataFields, [key]).strata[key];
    return pick(lang, l.label, l.labelEn);
  };
  const fieldText = (f: string) => {
    const l = m.labels?.fields[f] ?? fieldLabel(f);
    return pick(lang, l.label, l.labelEn);
  };
  // How the margins of error were estimated (reports before the option: Taylor linearisation).
  const variance = a.design?.varianceMethod ?? 'taylor';
  const varianceText = t(`variance.${variance}`);
  return (
    <article className="sr-report" data-testid="survey-report">
      <h1>{pick(lang, r.survey.title, r.survey.titleEn)}</h1>
      <p className="pc-muted">{t('published', { at: fmtDate(r.publishedAt) })}</p>
      {/* Print button on screen, the report's address on paper (print.css, survey-report.css). */}
      <PrintBar />
      {r.survey.description && <p>{r.survey.description}</p>}

      <section>
        <h2>{t('overall')}</h2>
        <p className="sr-big" data-testid="survey-overall">
          {f1(overall?.mean)} <span data-testid="survey-overall-moe">{moe(overall)}</span>{' '}
          <span className="pc-muted">
            ({t('ci')} {ci(overall)}; <span data-testid="survey-overall-method">{varianceText}</span>)
          </span>
        </p>
        <p className="pc-muted sr-small">{t('note')}</p>
      </section>

      <section>
        <h2>{t('method')}</h2>
        <ul>
          <li>{t('frame', { n: m.frameSize, fields: m.strataFields.map(fieldText).join(' × ') })}</li>
          {m.sample && (
            <li>
              {t('sample', {
                n: m.sample.size,
                alloc: t(`alloc.${m.sample.allocation}`, { defaultValue: m.sample.allocation }),
                seed: m.sample.seed,
              })}
            </li>
          )}
          <li>
            {t('fieldwork', {
              from: fmtDate(m.fieldwork.fieldingStartedAt),
              to: fmtDate(m.fieldwork.closedAt),
              n: m.fieldwork.total.responses,
              rate: pct(m.fieldwork.total.responseRate),
            })}
          </li>
          {m.fieldwork.outcomes && (
            <li data-testid="survey-aapor">
              {t('aapor', {
                rr1: pct(m.fieldwork.outcomes.total.rr1),
                coop1: pct(m.fieldwork.outcomes.total.coop1),
                ref1: pct(m.fieldwork.outcomes.total.ref1),
                con1: pct(m.fieldwork.outcomes.total.con1),
                refused: m.fieldwork.outcomes.total.refused,
                nonContact: m.fieldwork.outcomes.total.nonContact,
                ineligible: m.fieldwork.outcomes.total.ineligible,
                unknown: m.fieldwork.outcomes.total.unknown,
              })}
            </li>
          )}
          <li>
            {t('modes')}:{' '}
            {m.fieldwork.byMode
              .map((x) => `${t(`mode.${x.mode as 'web'}`, { defaultValue: x.mode })} ${x.n}`)
              .join('，')}
          </li>
          <li>
            {t('weighting', {
              method: t(`method2.${a.weighting.method as 'rake'}`, { defaultValue: a.weighting.method }),
              wef: a.weighting.weightingEffect?.toFixed(3) ?? '—',
              open: a.responses.open,
            })}
          </li>
          {a.design && (
            <li data-testid="survey-design">
              {t('design', {
                strata: a.design.strata,
                df: a.design.df,
                deff: overall?.designEffect?.toFixed(2) ?? '—',
              })}
              {a.design.replicates != null &&
                ` ${t('replicates', { method: varianceText, kind: a.design.replicateMethod ?? '', n: a.design.replicates })}`}
            </li>
          )}
        </ul>
      </section>

      <section>
        <h2>{t('byPlan')}</h2>
        {chart && (
          <EChart
            option={chart}
            height={Math.max(200, a.satisfaction.byPlan.length * 34)}
            ariaLabel={t('byPlan')}
            testId="survey-report-chart"
          />
        )}
        <table className="sr-table">
          <thead>
            <tr>
              <th>{t('appraisee')}</th>
              <th>{t('index')}</th>
              <th>
                {t('moe')} <small className="pc-muted">({varianceText})</small>
              </th>
              <th>{t('ci')}</th>
              <th>{t('n')}</th>
            </tr>
          </thead>
          <tbody>
            {a.satisfaction.byPlan.map((p) => (
              <tr key={p.planId}>
                <td>{pick(lang, p.appraiseeName, p.appraiseeNameEn)}</td>
                <td className="num">{f1(p.index?.mean)}</td>
                <td className="num">{moe(p.index)}</td>
                <td>{ci(p.index)}</td>
                <td className="num">{p.index?.n ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section>
        <h2>{t('dimensions')}</h2>
        <table className="sr-table">
          <thead>
            <tr>
              <th>{t('dimension')}</th>
              <th>{t('index')}</th>
              <th>
                {t('moe')} <small className="pc-muted">({varianceText})</small>
              </th>
              <th>{t('ci')}</th>
            </tr>
          </thead>
          <tbody>
            {a.satisfaction.dimensions.map((d) => (
              <tr key={d.dimension}>
                <td>{d.dimension}</td>
                <td className="num">{f1(d.index?.mean)}</td>
                <td className="num">{moe(d.index)}</td>
                <td>{ci(d.index)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>{t('reliability')}</h3>
        <table className="sr-table">
          <thead>
            <tr>
              <th>{t('scale')}</th>
              <th>α</th>
              <th>{t('n')}</th>
            </tr>
          </thead>
          <tbody>
            {a.reliability.map((x) => (
              <tr key={x.scale}>
                <td>{pick(lang, x.label, x.labelEn)}</td>
                <td className="num">{x.alpha == null ? '—' : x.alpha.toFixed(3)}</td>
                <td className="num">{x.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section>
        <h2>{t('strata')}</h2>
        <table className="sr-table">
          <thead>
            <tr>
              <th>{t('stratum')}</th>
              <th>{t('sampled')}</th>
              <th>{t('responses')}</th>
              <th>{t('rate')}</th>
            </tr>
          </thead>
          <tbody>
            {m.fieldwork.strata.map((s) => (
              <tr key={s.stratum}>
                <td>{stratumText(s.stratum)}</td>
                <td className="num">{s.sampled}</td>
                <td className="num">{s.responses}</td>
                <td className="num">{pct(s.responseRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section>
        <h2>{t('questions')}</h2>
        {a.questions
          .filter((q) => q.distribution)
          .map((q) => (
            <div key={q.id} className="sr-q">
              <h3>{pick(lang, q.text, q.textEn)}</h3>
              {q.distribution!.items.map((it) => (
                <div key={it.value} className="sr-bar">
                  <span className="sr-bar-label">
                    {it.label != null ? pick(lang, it.label, it.labelEn ?? null) : it.value}
                  </span>
                  <span className="sr-bar-track">
                    <span className="sr-bar-fill" style={{ width: `${Math.min(100, it.share * 100)}%` }} />
                  </span>
                  <span className="sr-bar-val">{pct(it.share)}</span>
                </div>
              ))}
            </div>
          ))}
        {a.questions
          .filter((q) => q.keywords?.length)
          .map((q) => (
            <div key={q.id} className="sr-q">
              <h3>
                {t('keywords')}: {pick(lang, q.text, q.textEn)}
              </h3>
              <p>
                {q.keywords!.slice(0, 20).map((k) => (
                  <span key={k.word} className="sr-kw">
                    {k.word} <small>{k.count}</small>
                  </span>
                ))}
              </p>
            </div>
          ))}
      </section>
    </article>
  );
}
