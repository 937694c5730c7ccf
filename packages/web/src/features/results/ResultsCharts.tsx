import { useState } from 'react';
import { Card, Empty, Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { pick } from '../../i18n';
import { fmtNum, GRADE_COLORS } from '../../shared/format';
import type { ResultItem as Result } from '@perfcommons/contracts';
import { useNamesEn, useResultDetail } from './BreakdownDrawer';

export function RadarCard({ result }: { result?: Result }) {
  const { t, i18n } = useTranslation('results');
  const lang = i18n.language;
  const detail = useResultDetail(result?.id);
  const namesEn = useNamesEn(result?.planId);
  const first = (detail.data?.breakdown ?? []).filter((b) => (b.kind ?? 'normal') === 'normal');
  const name = result ? pick(lang, result.appraiseeName, result.appraiseeNameEn) : '';
  return (
    <Card title={result ? t('radar', { name }) : t('radarTitle')}>
      {!result && <Empty description={t('radarHint')} />}
      {result && first.length > 0 && (
        <EChart
          ariaLabel={t('radar', { name })}
          testId="radar-chart"
          option={{
            tooltip: {},
            radar: {
              radius: '58%',
              indicator: first.map((b) => ({
                name: (lang === 'en' && namesEn.get(b.code)) || b.name,
                max: Math.max(100, ...first.map((x) => x.attainment)),
              })),
              axisName: { color: '#555', fontSize: 11, width: 110, overflow: 'break' },
            },
            series: [
              {
                type: 'radar',
                areaStyle: { opacity: 0.2 },
                data: [{ value: first.map((b) => Number(fmtNum(b.attainment, 1))), name }],
              },
            ],
          }}
        />
      )}
    </Card>
  );
}

/** How many results got each grade, as bars or a pie. */
export function DistributionCard({ dist }: { dist: { g: string; n: number }[] }) {
  const { t } = useTranslation('results');
  const [chartKind, setChartKind] = useState<'bar' | 'pie'>('bar');
  return (
    <Card
      title={t('distribution')}
      extra={
        <Segmented
          size="small"
          value={chartKind}
          onChange={(v) => setChartKind(v as 'bar' | 'pie')}
          options={[
            { value: 'bar', label: t('distributionBar') },
            { value: 'pie', label: t('distributionPie') },
          ]}
        />
      }
    >
      <EChart
        ariaLabel={t('distribution')}
        testId="grade-chart"
        option={
          chartKind === 'bar'
            ? {
                grid: { left: 40, right: 16, top: 16, bottom: 30 },
                tooltip: {},
                xAxis: { type: 'category', data: dist.map((d) => t(`common:grade.${d.g}`)) },
                yAxis: { type: 'value', minInterval: 1 },
                series: [
                  {
                    type: 'bar',
                    name: t('count'),
                    label: { show: true, position: 'top' },
                    data: dist.map((d) => ({ value: d.n, itemStyle: { color: GRADE_COLORS[d.g] } })),
                  },
                ],
              }
            : {
                tooltip: { trigger: 'item' },
                legend: { bottom: 0 },
                series: [
                  {
                    type: 'pie',
                    radius: ['35%', '65%'],
                    data: dist
                      .filter((d) => d.n > 0)
                      .map((d) => ({
                        name: t(`common:grade.${d.g}`),
                        value: d.n,
                        itemStyle: { color: GRADE_COLORS[d.g] },
                      })),
                  },
                ],
              }
        }
      />
    </Card>
  );
}

/** The selected appraisee's total across the cycles that have results. */
export function TrendCard({
  selected,
  trend,
}: {
  selected: Result;
  trend: { cycle: { name: string; nameEn: string | null }; r: Result }[];
}) {
  const { t, i18n } = useTranslation('results');
  const lang = i18n.language;
  return (
    <Card title={t('trend', { name: pick(lang, selected.appraiseeName, selected.appraiseeNameEn) })}>
      <EChart
        ariaLabel={t('trend', { name: selected.appraiseeName })}
        testId="trend-chart"
        height={240}
        option={{
          grid: { left: 40, right: 16, top: 16, bottom: 30 },
          tooltip: { trigger: 'axis' },
          xAxis: {
            type: 'category',
            data: trend.map((p) => pick(lang, p.cycle.name, p.cycle.nameEn)),
          },
          yAxis: { type: 'value', min: 0, max: 100 },
          series: [
            {
              type: 'line',
              label: { show: true },
              data: trend.map((p) => Number(fmtNum(p.r.total, 1))),
            },
          ],
        }}
      />
    </Card>
  );
}
