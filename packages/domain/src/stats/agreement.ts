import { fQuantile } from './distributions';
import { invalid, requireFinite } from './fail';

/** Intraclass correlations 组内相关系数 of a targets × raters table (Shrout & Fleiss 1979). */
export interface IccResult {
  /** ICC(2,1): two-way random effects, absolute agreement, single rater — the headline figure. */
  icc: number;
  /** All six Shrout–Fleiss forms: (1,1) one-way random, (2,·) two-way random, (3,·) two-way mixed consistency; k = mean of k raters. */
  forms: { icc11: number; icc21: number; icc31: number; icc1k: number; icc2k: number; icc3k: number };
  /** ANOVA mean squares: between targets, between judges, residual, within targets. */
  meanSquares: { bms: number; jms: number; ems: number; wms: number };
  /**
   * F-based 95 % intervals of every form (McGraw & Wong 1996; Shrout & Fleiss 1979, eqs. 6–7;
   * ICC(2,·) with Satterthwaite's degrees of freedom, as R's psych::ICC).
   */
  intervals: Record<'icc11' | 'icc21' | 'icc31' | 'icc1k' | 'icc2k' | 'icc3k', [number, number]>;
  /** Targets used (complete rows). */
  n: number;
  /** Raters. */
  k: number;
  /** Targets dropped because a rating was missing (null, NaN). */
  dropped: number;
}

/**
 * Intraclass correlation for rater agreement, rows = targets (appraisees), columns = raters.
 * Headline ICC(2,1) = (BMS − EMS) / (BMS + (k−1)EMS + k(JMS − EMS)/n). Rows with a missing
 * rating (null or NaN) are dropped and counted in `dropped` (listwise, as psych::ICC).
 */
export function icc(table: (number | null)[][], level = 0.95): IccResult {
  if (!Array.isArray(table) || table.length === 0) invalid('ratings', 'icc needs at least 2 targets');
  const k = table[0].length;
  if (k < 2) invalid('ratings[0]', 'icc needs at least 2 raters');
  table.forEach((r, i) => {
    if (r.length !== k) invalid(`ratings[${i}]`, `every target needs a column for each of the ${k} raters`);
    r.forEach((v, j) => {
      if (v !== null && !Number.isNaN(v)) requireFinite(v, `ratings[${i}][${j}]`);
    });
  });
  const ratings = table.filter((r) => r.every((v) => v !== null && !Number.isNaN(v))) as number[][];
  const dropped = table.length - ratings.length;
  const n = ratings.length;
  if (n < 2)
    invalid('ratings', `icc needs at least 2 complete targets (${dropped} dropped for missing ratings)`);
  let grand = 0;
  for (const r of ratings) for (const v of r) grand += v;
  grand /= n * k;
  const rowMeans = ratings.map((r) => r.reduce((a, b) => a + b, 0) / k);
  const colMeans = Array.from({ length: k }, (_, j) => ratings.reduce((a, r) => a + r[j], 0) / n);
  let ssTotal = 0;
  for (const r of ratings) for (const v of r) ssTotal += (v - grand) ** 2;
  const ssRows = k * rowMeans.reduce((a, m) => a + (m - grand) ** 2, 0);
  const ssCols = n * colMeans.reduce((a, m) => a + (m - grand) ** 2, 0);
  const bms = ssRows / (n - 1);
  const jms = ssCols / (k - 1);
  const ems = (ssTotal - ssRows - ssCols) / ((n - 1) * (k - 1));
  const wms = (ssTotal - ssRows) / (n * (k - 1));
  const forms = {
    icc11: (bms - wms) / (bms + (k - 1) * wms),
    icc21: (bms - ems) / (bms + (k - 1) * ems + (k * (jms - ems)) / n),
    icc31: (bms - ems) / (bms + (k - 1) * ems),
    icc1k: (bms - wms) / bms,
    icc2k: (bms - ems) / (bms + (jms - ems) / n),
    icc3k: (bms - ems) / bms,
  };
  // Intervals (psych::ICC, after McGraw & Wong 1996, Table 7).
  const a = 1 - level;
  const F1 = bms / wms;
  const F3 = bms / ems;
  const F1L = F1 / fQuantile(1 - a / 2, n - 1, n * (k - 1));
  const F1U = F1 * fQuantile(1 - a / 2, n * (k - 1), n - 1);
  const F3L = F3 / fQuantile(1 - a / 2, n - 1, (n - 1) * (k - 1));
  const F3U = F3 * fQuantile(1 - a / 2, (n - 1) * (k - 1), n - 1);
  const r2 = forms.icc21;
  const Fj = jms / ems;
  const vn = (k - 1) * (n - 1) * (k * r2 * Fj + n * (1 + (k - 1) * r2) - k * r2) ** 2;
  const vd = (n - 1) * k * k * r2 * r2 * Fj * Fj + (n * (1 + (k - 1) * r2) - k * r2) ** 2;
  const v = vn / vd;
  // Degenerate tables (no residual or within variation, e.g. identical raters) have no interval.
  const q = (p: number, d1: number, d2: number) =>
    d1 > 0 && d2 > 0 && Number.isFinite(d1) && Number.isFinite(d2) ? fQuantile(p, d1, d2) : NaN;
  const Fu = q(1 - a / 2, n - 1, v);
  const Fl = q(1 - a / 2, v, n - 1);
  const L2 = (n * (bms - Fu * ems)) / (Fu * (k * jms + (k * n - k - n) * ems) + n * bms);
  const U2 = (n * (Fl * bms - ems)) / (k * jms + (k * n - k - n) * ems + n * Fl * bms);
  const intervals = {
    icc11: [(F1L - 1) / (F1L + k - 1), (F1U - 1) / (F1U + k - 1)] as [number, number],
    icc21: [L2, U2] as [number, number],
    icc31: [(F3L - 1) / (F3L + k - 1), (F3U - 1) / (F3U + k - 1)] as [number, number],
    icc1k: [1 - 1 / F1L, 1 - 1 / F1U] as [number, number],
    icc2k: [(L2 * k) / (1 + L2 * (k - 1)), (U2 * k) / (1 + U2 * (k - 1))] as [number, number],
    icc3k: [1 - 1 / F3L, 1 - 1 / F3U] as [number, number],
  };
  return { icc: forms.icc21, forms, meanSquares: { bms, jms, ems, wms }, intervals, n, k, dropped };
}

/** Measurement level for {@link krippendorffAlpha}: the difference function δ². */
export type AlphaLevel = 'interval' | 'nominal' | 'ordinal' | 'ratio';

const LEVELS: readonly AlphaLevel[] = ['interval', 'nominal', 'ordinal', 'ratio'];

function delta2(a: number, b: number, level: AlphaLevel): number {
  if (level === 'nominal') return a === b ? 0 : 1;
  if (level === 'ratio') return a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
  return (a - b) ** 2;
}

/**
 * Krippendorff's alpha 克里彭多夫α (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"):
 * alpha = 1 − D_o/D_e over pairable values. Each inner array is one unit (e.g. one appraisee or
 * one answer) with the values the coders gave it; null = missing. Units with fewer than 2 values
 * are not pairable and are ignored. Returns NaN when there is no variation at all (D_e = 0).
 */
export function krippendorffAlpha(units: (number | null)[][], level: AlphaLevel = 'interval'): number {
  if (!LEVELS.includes(level))
    invalid('level', `unknown measurement level ${String(level)}; use ${LEVELS.join(', ')}`);
  const pairable = units
    .map((u, i) =>
      u.filter((v, j): v is number => {
        if (v === null || v === undefined) return false;
        requireFinite(v, `units[${i}][${j}]`);
        return true;
      }),
    )
    .filter((u) => u.length >= 2);
  // Coincidence matrix o_ck = Σ_u (number of c–k pairs in u)/(m_u − 1), kept sparse over values.
  const o = new Map<number, Map<number, number>>();
  const add = (c: number, k: number, w: number) => {
    const row = o.get(c) ?? new Map<number, number>();
    row.set(k, (row.get(k) ?? 0) + w);
    o.set(c, row);
  };
  for (const u of pairable) {
    const w = 1 / (u.length - 1);
    for (let i = 0; i < u.length; i++) for (let j = 0; j < u.length; j++) if (i !== j) add(u[i], u[j], w);
  }
  const values = [...o.keys()];
  const nc = new Map(values.map((c) => [c, [...o.get(c)!.values()].reduce((a, b) => a + b, 0)]));
  const n = [...nc.values()].reduce((a, b) => a + b, 0);
  if (n < 2) invalid('units', 'krippendorffAlpha needs at least one unit with two values');
  // Ordinal: δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)² over the ranks of the values (Krippendorff 2011).
  const sorted = [...values].sort((x, y) => x - y);
  const cum = new Map<number, number>();
  let run = 0;
  for (const c of sorted) {
    run += nc.get(c)!;
    cum.set(c, run);
  }
  const ordinal = (c: number, k: number) => {
    const [lo, hi] = c <= k ? [c, k] : [k, c];
    const between = cum.get(hi)! - cum.get(lo)! + nc.get(lo)!;
    return (between - (nc.get(c)! + nc.get(k)!) / 2) ** 2;
  };
  let dObs = 0;
  let dExp = 0;
  for (const c of values) {
    for (const k of values) {
      const d = level === 'ordinal' ? (c === k ? 0 : ordinal(c, k)) : delta2(c, k, level);
      dObs += (o.get(c)!.get(k) ?? 0) * d;
      dExp += nc.get(c)! * nc.get(k)! * d;
    }
  }
  dObs /= n;
  dExp /= n * (n - 1);
  if (dExp === 0) return NaN;
  return 1 - dObs / dExp;
}

/** One rating of a target by a rater. */
export interface RaterScore {
  /** Who rated. */
  raterId: string;
  /** What was rated (appraisee, indicator …). */
  targetId: string;
  /** The score given. */
  score: number;
}

/** Leniency of one rater. */
export interface RaterLeniency {
  /** Rater. */
  raterId: string;
  /** Mean of (own score − panel mean of the target); positive = lenient 偏宽, negative = severe 偏严. */
  meanDeviation: number;
  /** Targets counted (those rated by at least one other rater). */
  n: number;
}

/**
 * Rater leniency/severity 评分宽严度: each rater's mean deviation from the panel mean of the targets
 * they rated. The panel mean includes the rater (so deviations over a target sum to zero) unless
 * `leaveOneOut` is set, which compares each score with the mean of the other raters.
 * Targets rated by one rater only carry no information and are skipped. Sorted by raterId.
 */
export function raterLeniency(
  ratings: RaterScore[],
  options: { leaveOneOut?: boolean } = {},
): RaterLeniency[] {
  const byTarget = new Map<string, RaterScore[]>();
  ratings.forEach((r, i) => {
    requireFinite(r.score, `ratings[${i}].score`);
    const list = byTarget.get(r.targetId) ?? [];
    list.push(r);
    byTarget.set(r.targetId, list);
  });
  const acc = new Map<string, { sum: number; n: number }>();
  for (const r of ratings) if (!acc.has(r.raterId)) acc.set(r.raterId, { sum: 0, n: 0 });
  for (const list of byTarget.values()) {
    if (list.length < 2) continue;
    const total = list.reduce((a, r) => a + r.score, 0);
    for (const r of list) {
      const panel = options.leaveOneOut ? (total - r.score) / (list.length - 1) : total / list.length;
      const a = acc.get(r.raterId)!;
      a.sum += r.score - panel;
      a.n += 1;
    }
  }
  return [...acc.entries()]
    .map(([raterId, a]) => ({ raterId, meanDeviation: a.n > 0 ? a.sum / a.n : 0, n: a.n }))
    .sort((x, y) => (x.raterId < y.raterId ? -1 : x.raterId > y.raterId ? 1 : 0));
}
