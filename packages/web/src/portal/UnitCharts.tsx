import { useTranslation } from 'react-i18next';
import { EChart } from '../charts/EChart';
import { pick } from '../i18n';
import { fmtNum } from '../shared/format';
import type { ResultDetail, ResultItem as Result } from '@perfcommons/contracts';
import { nodeName } from '../shared/tree';
import { useApi } from './useApi';

export function RankingChart({ items, result }: { items: Result[]; result: Result }) {
  const { t, i18n } = useTranslation('portal');
  // Only complete results are ranked: an incomplete one takes no place in its group.
  const peers = items
    .filter(
      (r) =>
        r.peerGroup === result.peerGroup && r.appraiseeType === result.appraiseeType && r.complete !== false,
    )
    .sort((a, b) => a.total - b.total);
  if (result.complete === false || peers.length < 2) return null;
  return (
    <div className="pc-card">
      <h3>{t('unit.ranking')}</h3>
      <EChart
        ariaLabel={t('unit.ranking')}
        testId="portal-ranking-chart"
        height={Math.max(180, peers.length * 28 + 40)}
        option={{
          grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
          tooltip: { trigger: 'axis' },
          xAxis: { type: 'value', min: 0, max: 100 },
          yAxis: {
            type: 'category',
            data: peers.map((r) => pick(i18n.language, r.appraiseeName, r.appraiseeNameEn)),
            axisLabel: { width: 110, overflow: 'truncate' },
          },
          series: [
            {
              type: 'bar',
              label: {
                show: true,
                position: 'right',
                formatter: (p: { value: number }) => fmtNum(p.value, 1),
              },
              data: peers.map((r) => ({
                value: r.total,
                itemStyle: { color: r.id === result.id ? '#b4432f' : '#9db4c0' },
              })),
            },
          ],
        }}
      />
    </div>
  );
}

export function RadarChart({ resultId }: { resultId: string }) {
  const { t, i18n } = useTranslation('portal');
  const detail = useApi<ResultDetail>(`/api/public/results/${resultId}`);
  const first = (detail.data?.breakdown ?? []).filter((b) => b.kind !== 'bonus' && b.kind !== 'deduction');
  if (first.length < 3) return null;
  return (
    <div className="pc-card">
      <h3>{t('unit.radar')}</h3>
      <EChart
        ariaLabel={t('unit.radar')}
        height={300}
        option={{
          tooltip: {},
          radar: {
            radius: '60%',
            indicator: first.map((b) => ({ name: nodeName(i18n.language, b), max: 100 })),
            axisName: { color: '#444', fontSize: 11, width: 80, overflow: 'break' },
          },
          series: [
            {
              type: 'radar',
              areaStyle: { opacity: 0.2 },
              label: {
                show: true,
                color: '#1f2d3d',
                fontSize: 11,
                formatter: (p: { value: number }) => fmtNum(p.value, 1),
              },
              data: [{ value: first.map((b) => Number(b.attainment ?? 0)), name: t('unit.radar') }],
            },
          ],
        }}
      />
    </div>
  );
}
