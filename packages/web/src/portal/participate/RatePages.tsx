import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import { Link } from '../router';
import { ErrorBox, Loading } from '../ui';
import { useApi } from '../useApi';
import { AccountBox } from './AccountPages';
import { Field, pct, Problem, useAction } from './shared';
import { useSession } from './session';
import type {
  PublicRatingSummaryReply as Summary,
  RatingFormReply,
  Cycle,
  Items,
  Plan as PlanSummary,
} from '@perfcommons/contracts';

export function RateListPage() {
  const { t, i18n } = useTranslation('participate');
  const cycles = useApi<Items<Cycle>>('/api/public/cycles');
  const open = (cycles.data?.items ?? []).filter((c) => c.stage === 'evaluation');
  return (
    <>
      <h1>{t('rate.title')}</h1>
      {cycles.data && open.length === 0 && <p className="pc-muted">{t('rate.none')}</p>}
      {open.map((c) => (
        <section key={c.id}>
          <h2>{pick(i18n.language, c.name, c.nameEn)}</h2>
          <CyclePlans cycleId={c.id} />
        </section>
      ))}
    </>
  );
}

function CyclePlans({ cycleId }: { cycleId: string }) {
  const { t, i18n } = useTranslation('participate');
  const [q, setQ] = useState('');
  const plans = useApi<Items<PlanSummary>>(`/api/public/plans${qs({ cycleId })}`);
  const list = (plans.data?.items ?? []).filter(
    (p) => p.status === 'approved' && (!q || `${p.appraiseeName} ${p.title}`.includes(q)),
  );
  return (
    <>
      <input
        className="pp-search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        aria-label={t('portal:units.search')}
        placeholder={t('portal:units.search')}
        data-testid="pp-rate-search"
      />
      <ul className="pc-list">
        {list.slice(0, 50).map((p) => (
          <li key={p.id}>
            <Link href={`/take-part/rate/${p.id}`} className="pc-card pp-section" data-testid="pp-rate-plan">
              {pick(i18n.language, p.appraiseeName, p.appraiseeNameEn)}
              <span className="pc-muted pc-small"> · {pick(i18n.language, p.title, p.titleEn)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export function RatePage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('participate');
  const session = useSession();
  const form = useApi<RatingFormReply>(
    session.user === undefined ? null : `/api/public/participation/plans/${id}/rating-form`,
  );
  const summary = useApi<Summary>(`/api/public/participation/plans/${id}/ratings`);
  const [scores, setScores] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const send = useAction();
  if (form.error) return <ErrorBox error={form.error} onRetry={form.reload} />;
  if (!form.data) return <Loading />;
  const f = form.data;
  const done = !!f.mine;

  return (
    <>
      <p>
        <Link href="/take-part/rate">← {t('misc.back')}</Link>
      </p>
      <h1>{t('rate.form', { name: pick(i18n.language, f.appraiseeName, f.appraiseeNameEn) })}</h1>
      {!session.participant ? (
        <AccountBox />
      ) : done ? (
        <p className="pc-card pc-chip-ok" data-testid="pp-rate-done">
          {t('rate.done')}
        </p>
      ) : !f.open ? (
        <p className="pc-muted">{t('rate.closed')}</p>
      ) : (
        <form
          className="pc-card pp-form"
          onSubmit={(e) => {
            e.preventDefault();
            const body = {
              scores: Object.fromEntries(
                Object.entries(scores)
                  .filter(([, v]) => v !== '')
                  .map(([k, v]) => [k, Number(v)]),
              ),
              comment: comment || undefined,
            };
            void send
              .run(() => api.post(`/api/participation/plans/${id}/public-ratings`, body))
              .then((ok) => {
                if (!ok) return;
                form.reload();
                summary.reload();
              });
          }}
        >
          {f.relevance && (
            <p className="pc-small pc-muted">{t('rate.relevance', { r: f.relevance.score.toFixed(2) })}</p>
          )}
          {f.dimensions.map((d) => (
            <Field key={d.code} label={`${pick(i18n.language, d.name, d.nameEn)} — ${t('rate.score')}`}>
              <input
                type="number"
                inputMode="numeric"
                min={0}
                max={100}
                value={scores[d.code] ?? ''}
                onChange={(e) => setScores({ ...scores, [d.code]: e.target.value })}
                data-testid={`pp-score-${d.code}`}
              />
            </Field>
          ))}
          <Field label={t('rate.comment')}>
            <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          </Field>
          <Problem text={send.error} />
          <button className="pc-btn" type="submit" disabled={send.busy} data-testid="pp-rate-submit">
            {t('rate.submit')}
          </button>
        </form>
      )}
      {summary.data && summary.data.n > 0 && (
        <section data-testid="pp-rate-summary">
          <h2>{t('rate.summary')}</h2>
          <p className="pc-muted">
            {t('rate.n', { n: summary.data.n, p: pct(summary.data.highRelevanceShare) })}
          </p>
          <table className="pp-table">
            <thead>
              <tr>
                <th />
                <th>{t('rate.mean')}</th>
                <th>{t('rate.weighted')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.data.dimensions.map((d) => (
                <tr key={d.code}>
                  <td>{pick(i18n.language, d.name, d.nameEn)}</td>
                  <td>{fmtNum(d.mean, 1)}</td>
                  <td>{fmtNum(d.weightedMean, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="pc-list">
            {summary.data.comments.map((c) => (
              <li key={c.id} className="pc-card pc-small">
                {c.status === 'hidden' ? (
                  <em className="pc-muted">{t('rate.hidden', { reason: c.hiddenReason })}</em>
                ) : (
                  c.comment
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
