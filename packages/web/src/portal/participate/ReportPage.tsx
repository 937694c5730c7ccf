import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { qs } from '../../shared/api';
import { Loading } from '../ui';
import { useApi } from '../useApi';
import { CyclePicker, pct, UnitPicker } from './shared';

export interface LinkReport {
  link: string;
  n: number;
  inputs: number;
  highInputShare: number;
  meanRelevance: number | null;
  summary: {
    relevanceHistogram: { from: number; to: number; count: number }[];
    byCategory: Record<string, number>;
    byDistrict: Record<string, number>;
    highRelevanceShare: number;
  };
  warnings: { kind: string; message: string }[];
}
export interface ReportItem {
  planId: string;
  appraiseeType: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  participants: number;
  links: LinkReport[];
}

export function ReportPage() {
  const { t } = useTranslation('participate');
  const [cycleId, setCycleId] = useState('');
  const [orgUnitId, setOrgUnitId] = useState('');
  const report = useApi<{ items: ReportItem[] }>(
    cycleId && orgUnitId ? `/api/public/participation/report${qs({ cycleId, orgUnitId })}` : null,
  );
  return (
    <>
      <h1>{t('report.title')}</h1>
      <p className="pc-muted">{t('report.intro')}</p>
      <div className="pc-card pp-form">
        <CyclePicker value={cycleId} onChange={setCycleId} />
        <UnitPicker value={orgUnitId} onChange={setOrgUnitId} />
      </div>
      {report.loading && <Loading />}
      {report.data?.items.map((item) => (
        <ReportCard key={item.planId} item={item} />
      ))}
    </>
  );
}

export function ReportCard({ item }: { item: ReportItem }) {
  const { t, i18n } = useTranslation('participate');
  const cat = (k: string) => t(`category.${k}`, { defaultValue: k });
  return (
    <div className="pc-card" data-testid="pp-report-item">
      <h3>
        {pick(i18n.language, item.appraiseeName, item.appraiseeNameEn)}{' '}
        <span className="pc-chip">
          {t('report.participants')}: {item.participants}
        </span>
      </h3>
      <div className="pp-scroll">
        <table className="pp-table">
          <thead>
            <tr>
              <th />
              <th>{t('report.participants')}</th>
              <th>{t('report.high')}</th>
              <th>{t('report.meanRel')}</th>
              <th>{t('report.histogram')}</th>
              <th>{t('report.categories')}</th>
              <th>{t('report.warnings')}</th>
            </tr>
          </thead>
          <tbody>
            {item.links.map((l) => (
              <tr key={l.link} data-testid={`pp-report-${l.link}`}>
                <th scope="row">{t(`report.link.${l.link}`)}</th>
                <td>{l.n}</td>
                <td>{pct(l.summary.highRelevanceShare)}</td>
                <td>{l.meanRelevance === null ? '–' : l.meanRelevance.toFixed(2)}</td>
                <td className="pp-hist" aria-label={t('report.histogram')}>
                  {l.summary.relevanceHistogram.map((b) => (
                    <span
                      key={b.from}
                      title={`${b.from}–${b.to}: ${b.count}`}
                      style={{ height: `${4 + (l.n ? (b.count / l.n) * 24 : 0)}px` }}
                    />
                  ))}
                </td>
                <td className="pc-small">
                  {Object.entries(l.summary.byCategory)
                    .map(([k, v]) => `${cat(k)} ${v}`)
                    .join('，')}
                </td>
                <td className="pc-small">
                  {l.warnings.length === 0 ? (
                    <span className="pc-muted">{t('report.noWarnings')}</span>
                  ) : (
                    l.warnings.map((w) => (
                      <span key={w.kind} className="pc-chip pp-overdue" title={w.message}>
                        {t(`report.warning.${w.kind}`)}
                      </span>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
