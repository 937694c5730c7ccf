import { useEffect, useRef } from 'react';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';

interface Props {
  option: EChartsCoreOption;
  height?: number;
  ariaLabel: string;
  testId?: string;
}

/** Renders one chart; the ECharts code is fetched on first use. */
export function EChart({ option, height = 280, ariaLabel, testId }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  // The option current when the lazily loaded chart library arrives.
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    let disposed = false;
    let ro: ResizeObserver | undefined;
    void import('./echarts').then(({ default: echarts }) => {
      if (disposed || !el.current) return;
      chart.current = echarts.init(el.current);
      chart.current.setOption(latest.current);
      ro = new ResizeObserver(() => chart.current?.resize());
      ro.observe(el.current);
    });
    return () => {
      disposed = true;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
    // The chart instance lives as long as the element; option changes go through setOption below.
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div ref={el} role="img" aria-label={ariaLabel} data-testid={testId} style={{ width: '100%', height }} />
  );
}
