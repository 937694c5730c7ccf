/** ECharts options for survey results (pure, no UI library): shared by the console and the portal. */
import type { EChartsCoreOption } from 'echarts/core';
import type { Estimate } from '@perfcommons/contracts';

/**
 * Horizontal interval chart: a floating bar from the lower to the upper 95 % bound (a transparent
 * bar carries it to the lower bound) and the point estimate as a marker with its value.
 */
export function ciChartOption(
  rows: { label: string; est: Estimate | null }[],
  ciLabel: string,
): EChartsCoreOption {
  const ok = rows.filter((r) => r.est?.mean != null);
  const lo = ok.map((r) => r.est!.ci95[0] ?? r.est!.mean!);
  const hi = ok.map((r) => r.est!.ci95[1] ?? r.est!.mean!);
  const min = Math.max(0, Math.floor((Math.min(...lo, 100) - 5) / 5) * 5);
  return {
    grid: { left: 8, right: 40, top: 10, bottom: 20, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (ps: { dataIndex: number }[]) => {
        const r = ok[ps[0].dataIndex];
        return `${r.label}<br/>${r.est!.mean!.toFixed(1)} (${ciLabel} ${lo[ps[0].dataIndex].toFixed(1)}–${hi[ps[0].dataIndex].toFixed(1)}, n=${r.est!.n})`;
      },
    },
    xAxis: { type: 'value', min, max: 100 },
    yAxis: { type: 'category', data: ok.map((r) => r.label), inverse: true },
    series: [
      { type: 'bar', stack: 'ci', data: lo, itemStyle: { color: 'transparent' }, barWidth: 12, silent: true },
      {
        type: 'bar',
        stack: 'ci',
        name: ciLabel,
        data: hi.map((h, i) => h - lo[i]),
        itemStyle: { color: 'rgba(29,79,122,0.35)' },
        barWidth: 12,
      },
      {
        type: 'line',
        data: ok.map((r) => r.est!.mean),
        lineStyle: { opacity: 0 },
        symbol: 'diamond',
        symbolSize: 12,
        itemStyle: { color: '#1d4f7a' },
        label: { show: true, position: 'right', formatter: (p: { value: number }) => p.value.toFixed(1) },
      },
    ],
  };
}

/** Bar chart of an answer distribution (weighted shares, %). */
export function distributionOption(items: { label: string; share: number }[]): EChartsCoreOption {
  return {
    grid: { left: 8, right: 30, top: 10, bottom: 10, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: items.map((i) => i.label), inverse: true },
    series: [
      {
        type: 'bar',
        data: items.map((i) => Math.round(i.share * 1000) / 10),
        itemStyle: { color: '#3a7cb8' },
        label: { show: true, position: 'right', formatter: '{c}%' },
        barMaxWidth: 18,
      },
    ],
  };
}
