import { useTranslation } from 'react-i18next';
import { pick } from '../i18n';
import { fmtDate } from '../shared/format';
import { STAGES } from '@perfcommons/contracts/enums';
import type { Cycle, Items } from '@perfcommons/contracts';
import { Link } from './router';
import { ErrorBox, Skeleton, StageBar } from './ui';
import { useApi } from './useApi';

export function HomePage() {
  const { t, i18n } = useTranslation('portal');
  const cycles = useApi<Items<Cycle>>('/api/public/cycles');
  const list = (cycles.data?.items ?? []).slice().sort((a, b) => b.periodStart.localeCompare(a.periodStart));
  const open = list.filter((c) => c.stage !== 'closed');
  const shown = open.length ? open : list.slice(0, 2);

  return (
    <>
      <section className="pc-hero">
        <h1>{t('home.title')}</h1>
        <p>{t('home.intro')}</p>
        <div className="pc-actions">
          <Link href="/units" className="pc-btn">
            {t('home.viewUnits')}
          </Link>
          <Link href="/cadres" className="pc-btn pc-btn-ghost">
            {t('home.viewCadres')}
          </Link>
        </div>
      </section>

      <section aria-labelledby="current-cycles">
        <h2 id="current-cycles">{t('home.current')}</h2>
        {cycles.loading && <Skeleton count={2} />}
        {cycles.error && <ErrorBox error={cycles.error} onRetry={cycles.reload} />}
        {cycles.data && shown.length === 0 && <p className="pc-muted">{t('home.noCycles')}</p>}
        {shown.map((c) => (
          <article key={c.id} className="pc-card" data-testid="portal-cycle">
            <div className="pc-card-head">
              <h3>
                <Link href={`/cycles/${c.id}`} data-testid="portal-cycle-link">
                  {pick(i18n.language, c.name, c.nameEn)}
                </Link>
              </h3>
              <span className="pc-chip">{t(`common:cycleType.${c.type}`)}</span>
            </div>
            <p className="pc-muted">
              {t('home.period', { start: fmtDate(c.periodStart), end: fmtDate(c.periodEnd) })}
            </p>
            <p>
              <strong>{t('common:misc.stage')}：</strong>
              <span data-testid="portal-stage">{t(`common:stage.${c.stage}`)}</span>
              {c.resultsPublishedAt && (
                <span className="pc-chip pc-chip-ok">{t('home.resultsPublished')}</span>
              )}
            </p>
            <StageBar stage={c.stage} />
            <p className="pc-muted pc-small">{t(`common:stageHint.${c.stage}`)}</p>
            {/* Rules are frozen and published as regulations when evaluation starts. */}
            {STAGES.indexOf(c.stage) >= STAGES.indexOf('evaluation') && (
              <Link
                href={`/cycles/${c.id}/regulations`}
                className="pc-btn-link"
                data-testid="portal-regulations"
              >
                {t('home.regulations')} →
              </Link>
            )}
          </article>
        ))}
      </section>

      <section aria-labelledby="how">
        <h2 id="how">{t('home.how')}</h2>
        <ol className="pc-how">
          {STAGES.filter((s) => s !== 'closed').map((s) => (
            <li key={s}>
              <strong>{t(`common:stage.${s}`)}</strong>
              <span>{t(`common:stageHint.${s}`)}</span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
