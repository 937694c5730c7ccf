import { invalid, requireFinite } from './fail';

/** Intraclass correlations 组内相关系数 of a targets × raters table (Shrout & Fleiss 1979). */
export interface IccResult {
  /** ICC(2,1): two-way random effects, absolute agreement, single rater — the headline figure. */
  icc: number;
  /** All six Shrout–Fleiss forms: (1,1) one-way random, (2,·) two-way random, (3,·) two-way mixed consistency; k = mean of k raters. */
  forms: { icc11: number; icc21: number; icc31: number; icc1k: number; icc2k: number; icc3k: number };
  /** ANOVA mean squares: between targets, between judges, residual, within targets. */
  meanSquares: { bms: number; jms: number; ems: number; wms: number };
  /** Targets. */
  n: number;
  /** Raters. */
  k: number;
}

/**
 * Intraclass correlation for rater agreement from a complete table, rows = targets (appraisees),
 * columns = raters. Headline ICC(2,1) = (BMS − EMS) / (BMS + (k−1)EMS + k(JMS − EMS)/n).
 */
export function icc(ratings: number[][]): IccResult {
  const n = ratings.length;
  if (n < 2) invalid('ratings', 'icc needs at least 2 targets');
  const k = ratings[0].length;
  if (k < 2) invalid('ratings[0]', 'icc needs at least 2 raters');
  ratings.forEach((r, i) => {
    if (r.length !== k) invalid(`ratings[${i}]`, `every target needs all ${k} ratings`);
    r.forEach((v, j) => requireFinite(v, `ratings[${i}][${j}]`));
  });
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
  return { icc: forms.icc21, forms, meanSquares: { bms, jms, ems, wms }, n, k };
}

/** Measurement level for {@link krippendorffAlpha}: the difference function δ². */
export type AlphaLevel = 'interval' | 'nominal' | 'ratio';

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
  let dObs = 0;
  let dExp = 0;
  for (const c of values) {
    for (const k of values) {
      const d = delta2(c, k, level);
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
