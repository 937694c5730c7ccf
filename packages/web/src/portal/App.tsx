import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { setLang, type Lang } from '../i18n';
import { Link, match, usePath } from './router';
import { HomePage } from './HomePage';
import { UnitsPage, CadresPage } from './ListPages';
import { ElderlyToggle } from './ElderlyToggle';
import { NotFoundPage } from './NotFound';

// The unit page carries charts; it (and ECharts after it) loads only when opened.
const UnitPage = lazy(() => import('./UnitPage'));
const SurveyReportPage = lazy(() => import('./SurveyReportPage'));
const SurveyListPage = lazy(() => import('./SurveyReportPage').then((m) => ({ default: m.SurveyListPage })));
const RegulationsPage = lazy(() => import('./RegulationsPage'));
const CycleStagesPage = lazy(() => import('./CycleStagesPage'));
const ParticipatePage = lazy(() => import('./participate/ParticipatePage'));
const CadrePage = lazy(() => import('./CadrePage'));

export function PortalApp() {
  const { t, i18n } = useTranslation('portal');
  const path = usePath();
  const other: Lang = i18n.language === 'en' ? 'zh-CN' : 'en';

  let page;
  let params: Record<string, string> | null;
  if (path === '/' || path === '') page = <HomePage />;
  else if (match('/units', path)) page = <UnitsPage />;
  else if (match('/cadres', path)) page = <CadresPage />;
  else if ((params = match('/cadres/:id', path))) page = <CadrePage id={params.id} />;
  else if ((params = match('/units/:id', path))) page = <UnitPage id={params.id} />;
  else if (match('/surveys', path)) page = <SurveyListPage />;
  else if ((params = match('/surveys/:id', path))) page = <SurveyReportPage id={params.id} />;
  else if ((params = match('/cycles/:id/regulations', path))) page = <RegulationsPage id={params.id} />;
  else if ((params = match('/cycles/:id', path))) page = <CycleStagesPage id={params.id} />;
  else if (path === '/take-part' || path.startsWith('/take-part/')) page = <ParticipatePage path={path} />;
  else page = <NotFoundPage path={path} />;

  return (
    <div className="pc-shell">
      <header className="pc-header">
        <div className="pc-wrap pc-header-row">
          <Link href="/" className="pc-brand">
            <span className="pc-logo" aria-hidden="true">
              ◎
            </span>
            {t('common:app.name')}
          </Link>
          <nav className="pc-nav" aria-label={t('nav.label')}>
            <Link href="/units" aria-current={path.startsWith('/units') ? 'page' : undefined}>
              {t('nav.units')}
            </Link>
            <Link href="/cadres" aria-current={path.startsWith('/cadres') ? 'page' : undefined}>
              {t('nav.cadres')}
            </Link>
            <Link href="/surveys" aria-current={path.startsWith('/surveys') ? 'page' : undefined}>
              {t('nav.surveys')}
            </Link>
            <Link
              href="/take-part"
              aria-current={path.startsWith('/take-part') ? 'page' : undefined}
              data-testid="nav-take-part"
            >
              {t('nav.takePart')}
            </Link>
            <ElderlyToggle />
            <button
              type="button"
              className="pc-lang"
              data-testid="lang-switch"
              onClick={() => setLang(other)}
              lang={other}
              title={t('common:lang.switch')}
            >
              {t(`common:lang.${other}`)}
            </button>
          </nav>
        </div>
      </header>
      <main className="pc-wrap pc-main">
        <Suspense fallback={<p className="pc-muted">{t('common:misc.loading')}</p>}>{page}</Suspense>
      </main>
      <footer className="pc-footer">
        <div className="pc-wrap">
          <p>{t('footer')}</p>
          <a href="/console/">{t('nav.console')}</a>
        </div>
      </footer>
    </div>
  );
}
