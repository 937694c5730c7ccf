import { zForConfidence } from '../stats/normal';
import { invalid, requireFinite } from '../stats/fail';

/** A weighted mean with its precision. */
export interface WeightedEstimate {
  /** Σ w·y / Σ w. */
  mean: number;
  /**
   * Linearised (Taylor) standard error of the ratio mean, treating every respondent as a PSU drawn
   * with replacement and the weights as fixed. For a stratified, clustered or calibrated sample
   * use `surveyDesign` + `svyMean`.
   */
  se: number;
  /** mean ± 1.959964·se. */
  ci95: [number, number];
  /** Number of observations. */
  n: number;
  /** Kish effective sample size (Σw)²/Σw². */
  effectiveN: number;
  /**
   * Kish's weighting effect 1 + CV² of the weights = n / effectiveN: the variance inflation from
   * unequal weights alone. Not a design effect (that needs the design: see `svyMean`'s `deff`).
   */
  weightingEffect: number;
}

/**
 * Weighted mean 加权均值 with a linearised standard error:
 * se² = n/(n−1) · Σ w_i²(y_i − ȳ_w)² / (Σw)² (Wolter 2007, §6.11; the "ultimate cluster"
 * estimator with each respondent its own PSU). With equal weights it reduces to s/√n.
 */
export function weightedMean(values: number[], weights?: number[]): WeightedEstimate {
  const n = values.length;
  if (n === 0) invalid('values', 'weightedMean needs at least one value');
  const w = weights ?? values.map(() => 1);
  if (w.length !== n) invalid('weights', 'values and weights must have the same length');
  values.forEach((v, i) => requireFinite(v, `values[${i}]`));
  w.forEach((x, i) => {
    if (!(x >= 0) || !Number.isFinite(x)) invalid(`weights[${i}]`, 'weights must be finite and non-negative');
  });
  let sw = 0;
  let sw2 = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i];
    sw2 += w[i] * w[i];
    swy += w[i] * values[i];
  }
  if (!(sw > 0)) invalid('weights', 'weights sum to zero');
  const mean = swy / sw;
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i] * w[i] * (values[i] - mean) ** 2;
  const se = n > 1 ? Math.sqrt(((n / (n - 1)) * s) / (sw * sw)) : NaN;
  const z = zForConfidence(0.95);
  const effectiveN = (sw * sw) / sw2;
  return { mean, se, ci95: [mean - z * se, mean + z * se], n, effectiveN, weightingEffect: n / effectiveN };
}

/** A Likert answer: 1..points, or null / undefined when not answered. */
export type LikertValue = number | null | undefined;

/** Result of {@link satisfactionIndex}. */
export interface SatisfactionIndex {
  /** Mean of the mapped scores, 0..100; NaN when nobody answered. */
  index: number;
  /** Answers counted. */
  n: number;
  /** Answers left blank. */
  missing: number;
  /** Count per scale point, index 0 = point 1. */
  counts: number[];
  /** Score given to each scale point, index 0 = point 1. */
  mapping: number[];
}

/**
 * Satisfaction index 满意度指数 on 0..100. 5-point (Chinese government practice): 非常满意 5 → 100,
 * 满意 4 → 80, 一般 3 → 60, 不满意 2 → 40, 非常不满意 1 → 20, i.e. score = 20·v.
 * 7-point uses the same rule score = 100·v/7 (7 → 100, 4 → 57.14, 1 → 14.29), so a middle answer
 * sits at 4/7 of the top as 3/5 does on the 5-point scale — scores from the two scales are
 * therefore not interchangeable at the bottom end. Weights (e.g. from raking) are optional.
 */
export function satisfactionIndex(
  likertValues: LikertValue[],
  points: 5 | 7,
  weights?: number[],
): SatisfactionIndex {
  if (points !== 5 && points !== 7) invalid('points', 'points must be 5 or 7');
  if (weights && weights.length !== likertValues.length) invalid('weights', 'weights must match the values');
  const mapping = Array.from({ length: points }, (_, i) => ((i + 1) * 100) / points);
  const counts = new Array<number>(points).fill(0);
  let missing = 0;
  let sw = 0;
  let swy = 0;
  likertValues.forEach((v, i) => {
    if (v === null || v === undefined) {
      missing++;
      return;
    }
    if (!Number.isInteger(v) || v < 1 || v > points)
      invalid(`likertValues[${i}]`, `answer must be an integer 1..${points}`);
    const w = weights ? weights[i] : 1;
    counts[v - 1]++;
    sw += w;
    swy += w * mapping[v - 1];
  });
  const n = likertValues.length - missing;
  return { index: sw > 0 ? swy / sw : NaN, n, missing, counts, mapping };
}

/** A weighted (or counted) two-way table. */
export interface CrossTab {
  /** Row levels in sorted order. */
  rowLevels: string[];
  /** Column levels in sorted order. */
  colLevels: string[];
  /** cells[r][c] = count or sum of weights. */
  cells: number[][];
  /** Row sums. */
  rowTotals: number[];
  /** Column sums. */
  colTotals: number[];
  /** Grand total. */
  total: number;
  /** Row percentages: cells[r][c] / rowTotals[r] (0 when the row is empty). */
  rowShares: number[][];
  /** Column percentages: cells[r][c] / colTotals[c]. */
  colShares: number[][];
}

function sortLevels(levels: Iterable<string>): string[] {
  return [...levels].sort((a, b) => {
    const na = Number(a);
    const nb = Number(b);
    if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * Cross tabulation 交叉表 of two fields, optionally weighted by a numeric field.
 * Rows missing either key are skipped.
 */
export function crossTab(
  rows: Record<string, unknown>[],
  rowKey: string,
  colKey: string,
  weightKey?: string,
): CrossTab {
  const acc = new Map<string, Map<string, number>>();
  const cols = new Set<string>();
  rows.forEach((r, i) => {
    const a = r[rowKey];
    const b = r[colKey];
    if (a === undefined || a === null || b === undefined || b === null) return;
    const w = weightKey ? Number(r[weightKey]) : 1;
    if (!(w >= 0) || !Number.isFinite(w)) invalid(`rows[${i}].${weightKey}`, 'weights must be non-negative');
    const ra = String(a);
    const cb = String(b);
    cols.add(cb);
    const m = acc.get(ra) ?? new Map<string, number>();
    m.set(cb, (m.get(cb) ?? 0) + w);
    acc.set(ra, m);
  });
  const rowLevels = sortLevels(acc.keys());
  const colLevels = sortLevels(cols);
  const cells = rowLevels.map((r) => colLevels.map((c) => acc.get(r)!.get(c) ?? 0));
  const rowTotals = cells.map((row) => row.reduce((x, y) => x + y, 0));
  const colTotals = colLevels.map((_, j) => cells.reduce((x, row) => x + row[j], 0));
  const total = rowTotals.reduce((x, y) => x + y, 0);
  return {
    rowLevels,
    colLevels,
    cells,
    rowTotals,
    colTotals,
    total,
    rowShares: cells.map((row, i) => row.map((v) => (rowTotals[i] > 0 ? v / rowTotals[i] : 0))),
    colShares: cells.map((row) => row.map((v, j) => (colTotals[j] > 0 ? v / colTotals[j] : 0))),
  };
}

/** Options of {@link distribution}. */
export interface DistributionOptions {
  /** Answer options in display order; listed even with zero count. Others follow, sorted. */
  levels?: (string | number)[];
  /** Weight per value (same length as values). */
  weights?: number[];
}

/** Answer distribution of one question. */
export interface Distribution {
  /** Answers given (not null/undefined/''). */
  n: number;
  /** Blank answers. */
  missing: number;
  /** Per answer: count, weighted count and share of the (weighted) answers given. */
  items: { value: string; count: number; weighted: number; share: number }[];
}

/**
 * Distribution 频数分布 of one question's answers. Multi-choice answers may be arrays; each chosen
 * option counts once, and shares are then per respondent (they may sum to more than 1).
 */
export function distribution(
  values: (string | number | null | undefined | (string | number)[])[],
  options: DistributionOptions = {},
): Distribution {
  const { weights } = options;
  if (weights && weights.length !== values.length) invalid('weights', 'weights must match the values');
  const count = new Map<string, number>();
  const weighted = new Map<string, number>();
  for (const l of options.levels ?? []) {
    count.set(String(l), 0);
    weighted.set(String(l), 0);
  }
  let missing = 0;
  let sw = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) {
      missing++;
      return;
    }
    const w = weights ? weights[i] : 1;
    sw += w;
    for (const x of new Set((Array.isArray(v) ? v : [v]).map(String))) {
      count.set(x, (count.get(x) ?? 0) + 1);
      weighted.set(x, (weighted.get(x) ?? 0) + w);
    }
  });
  const declared = (options.levels ?? []).map(String);
  const others = sortLevels([...count.keys()].filter((k) => !declared.includes(k)));
  const items = [...declared, ...others].map((value) => ({
    value,
    count: count.get(value)!,
    weighted: weighted.get(value)!,
    share: sw > 0 ? weighted.get(value)! / sw : 0,
  }));
  return { n: values.length - missing, missing, items };
}
