import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { qs } from '../../shared/api';
import { Loading } from '../ui';
import { useApi } from '../useApi';
import { CyclePicker, pct, UnitPicker } from './shared';
import type { ParticipationReportItem as ReportItem, Items, OrgUnit } from '@perfcommons/contracts';

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
  const orgs = useApi<Items<OrgUnit>>('/api/public/orgs');
  const district = (code: string) => {
    const o = orgs.data?.items.find((x) => x.code === code);
    return o ? pick(i18n.language, o.name, o.nameEn) : code;
  };
  const cat = (k: string) => t(`category.${k}`, { defaultValue: k });
  return (
    <div className="pc-card" data-testid="pp-report-item">
      <h3>
        {pick(i18n.language, item.appraiseeName, item.appraiseeNameEn)}{' '}
        <span className="pc-chip">
          {t('report.participants')}: {item.participants}
        </span>
      </h3>
      {item.links.map((l) => (
        <div key={l.link} className="pp-link" data-testid={`pp-report-${l.link}`}>
          <div className="pp-row">
            <strong>{t(`report.link.${l.link}`)}</strong>
            <span className="pc-small">
              {t('report.participants')} {l.n} · {t('report.high')} {pct(l.summary.highRelevanceShare)} ·{' '}
              {t('report.meanRel')} {l.meanRelevance === null ? '–' : l.meanRelevance.toFixed(2)}
            </span>
          </div>
          {l.n > 0 && (
            <div className="pc-small pc-muted">
              <span className="pp-hist" aria-label={t('report.histogram')} role="img">
                {l.summary.relevanceHistogram.map((b) => (
                  <span
                    key={b.from}
                    title={`${b.from}–${b.to}: ${b.count}`}
                    style={{ height: `${4 + (b.count / l.n) * 20}px` }}
                  />
                ))}
              </span>{' '}
              {Object.entries(l.summary.byCategory)
                .map(([k, v]) => `${cat(k)} ${v}`)
                .join('，')}
            </div>
          )}
          {l.n > 0 && (
            <div className="pc-small pc-muted">
              {`${t('report.districts')}: `}
              {Object.entries(l.summary.byDistrict)
                .map(([k, v]) => `${district(k)} ${v}`)
                .join('，')}
            </div>
          )}
          <div>
            {l.warnings.length === 0 && <span className="pc-small pc-muted">{t('report.noWarnings')}</span>}
            {l.warnings.map((w) => (
              <span key={w.kind} className="pc-chip pp-overdue" title={w.message}>
                {t(`report.warning.${w.kind}`)}
              </span>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
