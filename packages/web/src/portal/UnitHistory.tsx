import i18next from 'i18next';
import './unit-history.css';
import { useTranslation } from 'react-i18next';
import type { PublicUnitHistoryReply } from '@perfcommons/contracts';
import type { Same } from '../i18n';
import { pick } from '../i18n';
import { fmtNum } from '../shared/format';
import { ErrorBox, Loading } from './ui';
import { useApi } from './useApi';

const zh = {
  title: '历年对比',
  intro: '已公布结果的年度考核中，本单位各项指标经核验的数值与上年相比。',
  indicator: '指标',
  change: '同比',
  total: '综合得分',
  better: '改善',
  worse: '下降',
  same: '持平',
  none: '暂无已公布的历年数据',
};
const en: Same<typeof zh> = {
  title: 'Year over year',
  intro:
    "The unit's verified indicator values in the annual appraisals whose results are published, against the year before.",
  indicator: 'Indicator',
  change: 'Change',
  total: 'Total score',
  better: 'better',
  worse: 'worse',
  same: 'unchanged',
  none: 'No published data of earlier years yet',
};
i18next.addResourceBundle('zh-CN', 'portalHistory', zh, true, false);
i18next.addResourceBundle('en', 'portalHistory', en, true, false);

/** The unit's indicators year over year, from published annual cycles only. */
export function UnitHistory({ unitId }: { unitId: string }) {
  const { t, i18n } = useTranslation('portalHistory');
  const lang = i18n.language;
  const { data, loading, error, reload } = useApi<PublicUnitHistoryReply>(
    `/api/public/orgs/${encodeURIComponent(unitId)}/indicator-history`,
  );
  if (loading) return <Loading />;
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return null;
  const shown = data.indicators;
  return (
    <section aria-labelledby="history" data-testid="portal-history">
      <h2 id="history">{t('title')}</h2>
      {shown.length === 0 ? (
        <p className="pc-muted">{t('none')}</p>
      ) : (
        <>
          <p className="pc-muted pc-small">{t('intro')}</p>
          <div style={{ overflowX: 'auto' }}>
            <table className="uh-table">
              <thead>
                <tr>
                  <th>{t('indicator')}</th>
                  {data.cycles.map((c) => (
                    <th key={c.id}>{c.year}</th>
                  ))}
                  <th>{t('change')}</th>
                </tr>
              </thead>
              <tbody>
                {data.totals.some((x) => x.total !== null) && (
                  <tr>
                    <td>
                      <strong>{t('total')}</strong>
                    </td>
                    {data.totals.map((x) => (
                      <td key={x.cycleId}>{x.total === null ? '—' : fmtNum(x.total, 1)}</td>
                    ))}
                    <td />
                  </tr>
                )}
                {shown.map((r) => (
                  <tr key={r.key}>
                    <td>
                      {pick(lang, r.name, r.nameEn)}
                      {r.unit ? <span className="pc-muted"> ({r.unit})</span> : null}
                    </td>
                    {r.values.map((v, i) => (
                      <td key={data.cycles[i].id}>{v === null ? '—' : fmtNum(v)}</td>
                    ))}
                    <td>
                      {r.yoy
                        ? `${r.yoy.change > 0 ? '+' : ''}${fmtNum(r.yoy.change)}${
                            r.yoy.relative !== null
                              ? ` (${r.yoy.relative > 0 ? '+' : ''}${fmtNum(r.yoy.relative * 100, 1)}%)`
                              : ''
                          } ${t(r.yoy.improved === null ? 'same' : r.yoy.improved ? 'better' : 'worse')}`
                        : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
