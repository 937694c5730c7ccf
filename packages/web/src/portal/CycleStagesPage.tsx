import { useTranslation } from 'react-i18next';
import './cycle-i18n';
import { OpenData } from './OpenData';
import { pick } from '../i18n';
import { ApiError } from '../shared/api';
import { fmtDate } from '../shared/format';
import type { PublicStagesReply as StageHistory, Stage } from '@perfcommons/contracts';
import { STAGES } from '@perfcommons/contracts/enums';
import { Link } from './router';
import { ErrorBox, Loading, StageBar } from './ui';
import { useApi } from './useApi';

/** A cycle's public page: its links so far, and every precondition the office skipped, with the reason. */
export default function CycleStagesPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('portalCycle');
  const r = useApi<StageHistory>(`/api/public/cycles/${encodeURIComponent(id)}/stages`);
  if (r.loading) return <Loading />;
  if (r.error instanceof ApiError && r.error.status === 404)
    return (
      <>
        <p>{t('notFound')}</p>
        <Link href="/" className="pc-btn-link">
          {t('backHome')}
        </Link>
      </>
    );
  if (r.error) return <ErrorBox error={r.error} onRetry={r.reload} />;
  const { cycle, transitions, overrides } = r.data!;
  const stage = (s: Stage) => t(`common:stage.${s}`);

  return (
    <article data-testid="portal-cycle-page">
      <h1>{t('title', { name: pick(i18n.language, cycle.name, cycle.nameEn) })}</h1>
      <p className="pc-muted">
        {t(`common:cycleType.${cycle.type}`)} ·{' '}
        {t('period', { start: fmtDate(cycle.periodStart), end: fmtDate(cycle.periodEnd) })}
      </p>
      <p>{t('stage', { stage: stage(cycle.stage) })}</p>
      <div style={{ marginBottom: 16 }}>
        <StageBar stage={cycle.stage} />
      </div>
      {STAGES.indexOf(cycle.stage) >= STAGES.indexOf('evaluation') && (
        <Link href={`/cycles/${cycle.id}/regulations`} className="pc-btn-link">
          {t('regulations')} →
        </Link>
      )}

      <section className="pc-card" data-testid="portal-overrides" aria-labelledby="overrides">
        <h2 id="overrides">{t('overrides')}</h2>
        {overrides.length === 0 ? (
          <p className="pc-muted">{t('noOverrides')}</p>
        ) : (
          <>
            <p className="pc-muted">{t('overridesIntro')}</p>
            <ul className="pc-reg-list">
              {overrides.map((o) => (
                <li key={o.id} data-testid="portal-override">
                  <strong>{t(`check.${o.code}`, { defaultValue: o.code })}</strong>
                  <div className="pc-muted pc-small">
                    {t('overrideWhen', { at: fmtDate(o.at), stage: stage(o.to) })} ·{' '}
                    {t('overrideBlockers', { n: o.blockers.count })}
                  </div>
                  {o.blockers.blockers.length > 0 &&
                    o.blockers.blockers[0].id !== o.blockers.blockers[0].label && (
                      <div className="pc-small">
                        {t('overrideWho', {
                          names: o.blockers.blockers
                            .slice(0, 5)
                            .map((b) => pick(i18n.language, b.label, b.labelEn))
                            .join(t('sep')),
                          more: o.blockers.count > 5 ? t('andMore', { n: o.blockers.count - 5 }) : '',
                        })}
                      </div>
                    )}
                  <div>{t('overrideReason', { reason: o.reason })}</div>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section className="pc-card" aria-labelledby="history">
        <h2 id="history">{t('history')}</h2>
        {transitions.length === 0 ? (
          <p className="pc-muted">{t('noHistory')}</p>
        ) : (
          <ol className="pc-reg-list" data-testid="portal-stage-history">
            {transitions.map((m) => (
              <li key={m.id}>
                <span className="pc-muted">{fmtDate(m.at)}</span>{' '}
                {t('move', { from: stage(m.from), to: stage(m.to) })}
                {STAGES.indexOf(m.to) < STAGES.indexOf(m.from) && m.reason && (
                  <div className="pc-small">{t('back', { reason: m.reason })}</div>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
      {cycle.resultsPublishedAt && <OpenData cycleId={cycle.id} code={cycle.code} />}
    </article>
  );
}
