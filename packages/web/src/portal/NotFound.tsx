import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from './router';

/** An unknown address: a page that says so (not the home page), marked for search engines. */
export function NotFoundPage({ path }: { path: string }) {
  const { t } = useTranslation('portal');
  useEffect(() => {
    const meta = document.createElement('meta');
    meta.name = 'robots';
    meta.content = 'noindex';
    document.head.appendChild(meta);
    const title = document.title;
    document.title = `404 · ${t('notFound.title')}`;
    return () => {
      meta.remove();
      document.title = title;
    };
  }, [t]);
  return (
    <section className="pc-card" data-testid="not-found">
      <h1>404 · {t('notFound.title')}</h1>
      <p>{t('notFound.body', { path })}</p>
      <p>
        <Link href="/">{t('notFound.home')}</Link> · <Link href="/units">{t('notFound.units')}</Link>
      </p>
    </section>
  );
}
