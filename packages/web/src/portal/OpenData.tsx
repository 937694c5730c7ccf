import { useTranslation } from 'react-i18next';
import type { BundleDigestReply } from '@perfcommons/contracts';
import { ApiError } from '../shared/api';
import { ErrorBox, Loading } from './ui';
import { useApi } from './useApi';
import './opendata-i18n';

/** A published cycle's open data: the bundle with its SHA-256, spreadsheets, and how to check the results. */
export function OpenData({ cycleId, code }: { cycleId: string; code: string }) {
  const { t, i18n } = useTranslation('portalOpenData');
  const base = `/api/public/cycles/${encodeURIComponent(cycleId)}`;
  const d = useApi<BundleDigestReply>(`${base}/bundle/digest`);
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <section className="pc-card" data-testid="portal-open-data" aria-labelledby="open-data">
      <h2 id="open-data">{t('title')}</h2>
      {d.loading && <Loading />}
      {d.error instanceof ApiError && d.error.status === 404 && (
        <p className="pc-muted">{t('notPublished')}</p>
      )}
      {d.error && !(d.error instanceof ApiError && d.error.status === 404) && (
        <ErrorBox error={d.error} onRetry={d.reload} />
      )}
      {d.data && (
        <>
          <p>{t('intro')}</p>
          <p>
            <a href={d.data.url} download={`perfcommons-${code}.json`} data-testid="open-data-bundle">
              {t('bundle')}
            </a>{' '}
            <span className="pc-muted">{t('size', { kb: Math.ceil(d.data.bytes / 1024) })}</span>
            {' · '}
            <a href={`${base}/results.csv?lang=${lang}`}>{t('csv')}</a>
            {' · '}
            <a href={`${base}/results.xlsx?lang=${lang}`}>{t('xlsx')}</a>
          </p>
          <p>
            {t('digest')}:{' '}
            <code data-testid="open-data-digest" style={{ wordBreak: 'break-all' }}>
              {d.data.sha256}
            </code>
          </p>
          <p className="pc-small pc-muted">{t('digestNote')}</p>
          <h3>{t('check')}</h3>
          <p>{t('checkHow')}</p>
          <pre className="pc-small" style={{ overflowX: 'auto' }}>
            <code>{`sha256sum perfcommons-${code}.json\nnpx perfcommons verify-bundle perfcommons-${code}.json`}</code>
          </pre>
          <p className="pc-small">{t('dictionary')}</p>
          <p className="pc-small">{t('privacy', { n: 5 })}</p>
          <p className="pc-small">{t('licence', { name: 'CC BY 4.0' })}</p>
        </>
      )}
    </section>
  );
}
