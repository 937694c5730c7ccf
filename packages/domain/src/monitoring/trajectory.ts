import { invalid, requireFinite } from '../stats/fail';

/** Traffic-light status 红黄绿灯 of progress towards a target. */
export type TrajectoryColour = 'green' | 'yellow' | 'red';

/** Input of {@link trajectoryStatus}. */
export interface TrajectoryInput {
  /** Baseline value 基期值 at period 0. */
  baseline: number;
  /** Target value 目标值 at the last period. */
  target: number;
  /** 'increase' when higher is better, 'decrease' when lower is better. */
  direction: 'increase' | 'decrease';
  /** Current period, 0..periods (e.g. 2 for the second quarter). */
  periodIndex: number;
  /** Number of periods in the cycle (e.g. 4 quarters). */
  periods: number;
  /** Actual value reported for periodIndex. */
  actual: number;
  /** Shortfall tolerated before yellow, as a share of the planned total change, default 0.1. */
  yellowTolerance?: number;
  /** Shortfall tolerated before red, default 0.25. */
  redTolerance?: number;
}

/** Result of {@link trajectoryStatus}. */
export interface TrajectoryStatus {
  /** Expected value now on the straight line from baseline to target. */
  expected: number;
  /** Progress ahead (+) or behind (−) the line, in the indicator's unit, signed by direction. */
  gap: number;
  /** Shortfall as a share of the planned change |target − baseline| (0 when on or ahead). */
  shortfallShare: number;
  /** green: shortfall ≤ yellowTolerance; yellow: ≤ redTolerance; red beyond. */
  status: TrajectoryColour;
}

/**
 * Early warning 预警 for a target: expected = baseline + (target − baseline)·periodIndex/periods.
 * The shortfall is scaled by the planned change; when target = baseline (hold the level) it is
 * scaled by |baseline| instead (or 1 when the baseline is 0).
 */
export function trajectoryStatus(input: TrajectoryInput): TrajectoryStatus {
  const baseline = requireFinite(input.baseline, 'baseline');
  const target = requireFinite(input.target, 'target');
  const actual = requireFinite(input.actual, 'actual');
  const { periodIndex, periods, direction } = input;
  if (!Number.isInteger(periods) || periods < 1) invalid('periods', 'periods must be a positive integer');
  if (!(periodIndex >= 0 && periodIndex <= periods))
    invalid('periodIndex', `periodIndex must be in 0..${periods}`);
  if (direction !== 'increase' && direction !== 'decrease')
    invalid('direction', "direction must be 'increase' or 'decrease'");
  const yellow = input.yellowTolerance ?? 0.1;
  const red = input.redTolerance ?? 0.25;
  if (!(yellow >= 0 && red >= yellow)) invalid('redTolerance', 'need 0 ≤ yellowTolerance ≤ redTolerance');
  const expected = baseline + ((target - baseline) * periodIndex) / periods;
  const gap = direction === 'increase' ? actual - expected : expected - actual;
  const scale = target !== baseline ? Math.abs(target - baseline) : Math.abs(baseline) || 1;
  const shortfallShare = gap < 0 ? -gap / scale : 0;
  // Tiny epsilon so that a shortfall of exactly the tolerance (e.g. 10 %) is not pushed over by float noise.
  const status: TrajectoryColour =
    shortfallShare <= yellow + 1e-12 ? 'green' : shortfallShare <= red + 1e-12 ? 'yellow' : 'red';
  return { expected, gap, shortfallShare, status };
}

/**
 * Status of an appraisee from the statuses of its assessed indicators (share-based, so one
 * lagging indicator among twenty does not paint the whole unit red): red when at least `redShare`
 * of them (default 25 %) are red; yellow when any is yellow or red; green when all are green;
 * null when no indicator could be assessed yet.
 */
export function rollupTrajectory(statuses: TrajectoryColour[], redShare = 0.25): TrajectoryColour | null {
  if (!(redShare > 0 && redShare <= 1)) invalid('redShare', 'redShare must be in (0, 1]');
  if (statuses.length === 0) return null;
  const red = statuses.filter((s) => s === 'red').length;
  if (red / statuses.length >= redShare - 1e-12) return 'red';
  return statuses.every((s) => s === 'green') ? 'green' : 'yellow';
}
