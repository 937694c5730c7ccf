import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { NotFoundPage } from '../NotFound';
import { Link, match } from '../router';
import { HubPage, ProfilePage } from './AccountPages';
import { ImprovementsPage } from './ImprovementsPage';
import { NeedsPage } from './NeedsPage';
import { CommentListPage, PlanParticipationPage } from './PlanPages';
import { RateListPage, RatePage } from './RatePages';
import { ReportPage } from './ReportPage';
import { en, zh } from './i18n';
import './participate.css';

// This chunk brings its own strings, so the portal's first load stays small.
i18next.addResourceBundle('zh-CN', 'participate', zh, true, true);
i18next.addResourceBundle('en', 'participate', en, true, true);

const TABS = ['profile', 'needs', 'comment', 'rate', 'improvements', 'report'] as const;

/** The public side of the six links: `/take-part/...`. */
export default function ParticipatePage({ path }: { path: string }) {
  const { t } = useTranslation('participate');
  let page;
  let p: Record<string, string> | null;
  if (match('/take-part/profile', path)) page = <ProfilePage />;
  else if (match('/take-part/needs', path)) page = <NeedsPage />;
  else if (match('/take-part/comment', path)) page = <CommentListPage />;
  else if ((p = match('/take-part/plans/:id', path))) page = <PlanParticipationPage id={p.id} />;
  else if (match('/take-part/rate', path)) page = <RateListPage />;
  else if ((p = match('/take-part/rate/:id', path))) page = <RatePage id={p.id} />;
  else if (match('/take-part/improvements', path)) page = <ImprovementsPage />;
  else if (match('/take-part/report', path)) page = <ReportPage />;
  else if (match('/take-part', path)) page = <HubPage />;
  // A mistyped address under /take-part: a real 404 (the server answers it with that status too).
  else page = <NotFoundPage path={path} />;
  return (
    <div className="pp">
      <nav className="pp-tabs pp-nav" aria-label={t('title')}>
        <Link href="/take-part" className={path === '/take-part' ? 'active' : ''}>
          {t('nav.hub')}
        </Link>
        {TABS.map((s) => (
          <Link
            key={s}
            href={`/take-part/${s}`}
            className={path.startsWith(`/take-part/${s}`) ? 'active' : ''}
            data-testid={`pp-nav-${s}`}
          >
            {t(`nav.${s}`)}
          </Link>
        ))}
      </nav>
      {page}
    </div>
  );
}
