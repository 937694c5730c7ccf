/**
 * The performance database's statistics 绩效数据库: peer-group quartiles and the best performer 标杆 of an
 * indicator, a straight-line trend over the years with its projection, and year-over-year change.
 */
import { invalid, requireFinite } from '../stats/fail';

export type Polarity = 'higher' | 'lower';

/**
 * Sample quantile of `values` at probability `p`, Hyndman & Fan (1996) definition 7 — the default of R's
 * `quantile()`, NumPy's `percentile` and Excel's `PERCENTILE.INC`: with the values sorted x₁ ≤ … ≤ xₙ and
 * h = (n − 1)·p + 1, the result is x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). One value is its own every quantile.
 */
export function quantile7(values: readonly number[], p: number): number {
  if (!values.length) invalid('values', 'a quantile needs at least one value');
  if (!(p >= 0 && p <= 1)) invalid('p', 'p must be between 0 and 1');
  values.forEach((v, i) => requireFinite(v, `values.${i}`));
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, x.length - 1);
  return x[lo] + (h - lo) * (x[hi] - x[lo]);
}

/** Five-number summary with type-7 quartiles (see {@link quantile7}). */
export interface Quartiles {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export function quartiles(values: readonly number[]): Quartiles {
  return {
    n: values.length,
    min: quantile7(values, 0),
    q1: quantile7(values, 0.25),
    median: quantile7(values, 0.5),
    q3: quantile7(values, 0.75),
    max: quantile7(values, 1),
  };
}

/**
 * The best performer 标杆 by polarity: the highest value when higher is better, the lowest when lower is
 * better; ties go to the first in the given order (callers order by name for a stable answer). Null when empty.
 */
export function bestPerformer<T extends { value: number }>(rows: readonly T[], polarity: Polarity): T | null {
  let best: T | null = null;
  for (const r of rows) {
    requireFinite(r.value, 'value');
    if (!best || (polarity === 'higher' ? r.value > best.value : r.value < best.value)) best = r;
  }
  return best;
}

/** Ordinary least-squares line through (x, y) points. */
export interface Trend {
  /** Change per unit of x (per year). */
  slope: number;
  intercept: number;
  /** Points the line was fitted to. */
  n: number;
  /** Share of the variance the line explains (1 when every point lies on it; 1 when y is constant). */
  r2: number;
}

/** Least-squares trend; needs at least two points with different x. */
export function linearTrend(points: readonly { x: number; y: number }[]): Trend {
  if (points.length < 2) invalid('points', 'a trend needs at least two points');
  points.forEach((p, i) => {
    requireFinite(p.x, `points.${i}.x`);
    requireFinite(p.y, `points.${i}.y`);
  });
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  if (sxx === 0) invalid('points', 'a trend needs points at two different x at least');
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, n, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** The trend line's value at `x` (e.g. next year's projection). */
export const projectTrend = (t: Trend, x: number) => t.intercept + t.slope * x;

/**
 * Year-over-year change from `previous` to `current`: the difference, the relative change (null when the
 * previous value is 0), and whether it is an improvement for the polarity (null when unchanged).
 */
export function yearOverYear(previous: number, current: number, polarity: Polarity) {
  requireFinite(previous, 'previous');
  requireFinite(current, 'current');
  const change = current - previous;
  return {
    change,
    relative: previous === 0 ? null : change / Math.abs(previous),
    improved: change === 0 ? null : polarity === 'higher' ? change > 0 : change < 0,
  };
}
