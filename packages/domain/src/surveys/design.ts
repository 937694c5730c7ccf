/**
 * Design-based estimation 基于抽样设计的估计, after R's `survey` package (Lumley 2004, 2010):
 * a design object records how the sample was drawn (strata, clusters, finite population
 * correction) and how it was weighted (post-stratification, raking); means, totals, ratios and
 * proportions are estimated with Taylor-linearised (influence-function) variances, the
 * "ultimate cluster" estimator of Wolter (2007, §6.11) with the finite population correction
 * applied at the first stage:
 *
 *   V̂(θ̂) = Σ_h f_h · n_h/(n_h − 1) · Σ_j (z_hj − z̄_h)²,   z_hj = Σ_{i ∈ PSU hj} u_i,
 *
 * with u_i the influence value of respondent i (w_i(y_i − ȳ)/Σw for a mean, w_i·y_i for a total),
 * n_h the number of PSUs drawn in stratum h and f_h = (N_h − n_h)/N_h (1 without fpc).
 * Beyond one stage of clustering only the first stage is used (the with-replacement
 * approximation of R's `survey.ultimate.cluster`); with fpc this slightly understates the
 * variance of two-stage designs, without fpc it is exactly R's result.
 */
import { invalid, requireFinite } from '../stats/fail';
import { betaQuantile, tQuantile } from '../stats/distributions';

/**
 * What to do with a stratum holding a single PSU (no within-stratum variance can be estimated),
 * as R's `options(survey.lonely.psu = …)`:
 * - `fail` (default): refuse, naming the stratum;
 * - `remove` / `certainty`: the stratum contributes nothing to the variance;
 * - `adjust`: the PSU is centred at the grand mean of all PSU totals (Σ u / number of PSUs),
 *   a conservative choice; this is the rule the platform uses;
 * - `average`: the stratum gets the average variance of the others (sum scaled by
 *   strata / strata with a variance).
 */
export type LonelyPsuRule = 'fail' | 'remove' | 'certainty' | 'adjust' | 'average';

/** Input of {@link surveyDesign}: one entry per respondent in every array. */
export interface SurveyDesignInput {
  /** Sampling (design) weights, finite and non-negative, at least one positive. */
  weights: number[];
  /** Stratum of each respondent; omit for an unstratified design. */
  strata?: (string | number)[];
  /**
   * First-stage cluster (PSU) of each respondent; omit when every respondent is its own PSU.
   * Cluster ids are nested in strata (R's `nest = TRUE`): the same id in two strata is two PSUs.
   */
  clusters?: (string | number)[];
  /**
   * Finite population correction as in R's `svydesign(fpc = …)`: the population size of the
   * respondent's stratum — the number of units, or the number of PSUs when clustered — or, when
   * every value is ≤ 1, the sampling fraction. Constant within a stratum. Omit for sampling with
   * replacement (no correction).
   */
  fpc?: number[];
  /** Lonely PSU rule, default `fail`. */
  lonelyPsu?: LonelyPsuRule;
}

/** A weighting step whose effect on the variance is taken into account. */
export interface CalibrationStep {
  /** post-stratification (one set of cells) or raking (several margins). */
  method: 'poststratify' | 'rake';
  /** Per margin, the category index of each respondent. */
  groups: number[][];
  /** Per margin, the category labels (index → label). */
  levels: string[][];
  /** Weights before the step: the regression weights of the calibration residuals. */
  baseWeights: number[];
  /** True when every margin is met within tolerance and every weight lies within the trim bounds. */
  converged: boolean;
  /** Raking cycles run (1 for post-stratification). */
  iterations: number;
  /** Largest |Σw − target| / population total over all categories at the end. */
  maxMarginError: number;
  /** Respondents (row indices) whose final weight lies outside the trim bounds. */
  outsideBounds: number[];
  /** Cells with a population total but no respondent (only with `partial`); their population is not represented. */
  emptyCells: string[];
}

interface StratumInfo {
  key: string;
  /** PSU keys in the stratum, in first-seen order. */
  psus: string[];
  /** (N_h − n_h)/N_h, or 1 without fpc. */
  f: number;
  /** Population PSUs N_h, or null without fpc. */
  population: number | null;
}

/** A survey design: weights plus sampling structure plus weighting steps. Treat as immutable. */
export interface SurveyDesign {
  /** Respondents. */
  n: number;
  /** Current (final) weight of each respondent. */
  weights: number[];
  /** Stratum key of each respondent ('' when unstratified). */
  strata: string[];
  /** PSU key of each respondent (stratum and cluster). */
  psus: string[];
  /** Per stratum: its PSUs and finite population correction. */
  strataInfo: StratumInfo[];
  /** Lonely PSU rule. */
  lonelyPsu: LonelyPsuRule;
  /** Weighting steps applied after sampling, in order. */
  calibration: CalibrationStep[];
  /** Design degrees of freedom: PSUs − strata (among respondents with a positive weight). */
  df: number;
  /** Whether strata, clusters and fpc were given. */
  stratified: boolean;
  clustered: boolean;
  withFpc: boolean;
}

/** An estimate with its design-based precision. */
export interface SurveyEstimate {
  /** The point estimate. */
  estimate: number;
  /** Linearised standard error. */
  se: number;
  /** t-based confidence interval on df degrees of freedom (level 0.95 unless asked otherwise). */
  ci: [number, number];
  /**
   * Design effect as R's `svymean(…, deff = TRUE)`: the design variance over the variance of
   * simple random sampling without replacement of the same number of respondents from a
   * population of Σw: V_srs = s²_w · (1 − n/Σw) / n for a mean (× (Σw)² for a total), with
   * s²_w = n/(n − 1) · Σw(y − ȳ)²/Σw. NaN when it cannot be formed (n < 2, Σw ≤ n).
   */
  deff: number;
  /** Degrees of freedom of the interval (design df, of the domain when one is given). */
  df: number;
  /** Respondents contributing (in the domain, with a value). */
  n: number;
}

/** Options of the estimators. */
export interface EstimateOptions {
  /**
   * Domain (subpopulation) membership per respondent. Non-members are zeroed, not dropped, so
   * the variance keeps the design's PSUs and strata (Lumley 2010, §2.3.1; Cochran 1977, §2.13).
   */
  domain?: (boolean | null | undefined)[];
  /** Confidence level, default 0.95. */
  level?: number;
}

/** Options of {@link svyMean}. */
export interface MeanOptions extends EstimateOptions {
  /**
   * The scale the values live on, e.g. [0, 100] for an index: the interval is then formed on the
   * logit of (ȳ − lo)/(hi − lo) and mapped back, so it never leaves the scale.
   */
  bounds?: [number, number];
}

const key = (v: string | number) => String(v);

/**
 * Builds a design 抽样设计 from per-respondent weights, strata, clusters and fpc; see
 * {@link SurveyDesignInput}. Validates lengths, weights, and that the fpc is constant within a
 * stratum and not smaller than the number of PSUs drawn there; with the `fail` rule a stratum
 * with one PSU is refused here.
 */
export function surveyDesign(input: SurveyDesignInput): SurveyDesign {
  const { weights } = input;
  if (!Array.isArray(weights) || weights.length === 0)
    invalid('weights', 'surveyDesign needs at least one respondent');
  const n = weights.length;
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      invalid(`weights[${i}]`, 'weights must be finite and non-negative');
  });
  if (!weights.some((w) => w > 0)) invalid('weights', 'weights sum to zero');
  for (const f of ['strata', 'clusters', 'fpc'] as const) {
    const a = input[f];
    if (a !== undefined && a.length !== n) invalid(f, `${f} must have one entry per respondent (${n})`);
  }
  const lonelyPsu = input.lonelyPsu ?? 'fail';
  if (!['fail', 'remove', 'certainty', 'adjust', 'average'].includes(lonelyPsu))
    invalid('lonelyPsu', `unknown lonely PSU rule ${String(lonelyPsu)}`);
  const strata = weights.map((_, i) => {
    const s = input.strata?.[i];
    if (input.strata && (s === undefined || s === null || s === ''))
      invalid(`strata[${i}]`, 'every respondent needs a stratum');
    return input.strata ? key(s!) : '';
  });
  const psus = weights.map((_, i) => {
    const c = input.clusters?.[i];
    if (input.clusters && (c === undefined || c === null || c === ''))
      invalid(`clusters[${i}]`, 'every respondent needs a cluster');
    return input.clusters ? `${strata[i]}\u0000${key(c!)}` : `\u0001${i}`;
  });
  const byStratum = new Map<string, { psus: string[]; seen: Set<string>; fpc: number | undefined }>();
  const fractions = input.fpc ? input.fpc.every((x) => x > 0 && x <= 1) : false;
  weights.forEach((_, i) => {
    let s = byStratum.get(strata[i]);
    if (!s) {
      s = { psus: [], seen: new Set(), fpc: input.fpc?.[i] };
      byStratum.set(strata[i], s);
    }
    if (!s.seen.has(psus[i])) {
      s.seen.add(psus[i]);
      s.psus.push(psus[i]);
    }
    if (input.fpc) {
      const v = requireFinite(input.fpc[i], `fpc[${i}]`);
      if (!(v > 0)) invalid(`fpc[${i}]`, 'fpc must be positive');
      if (v !== s.fpc)
        invalid(`fpc[${i}]`, `fpc must be the same for every respondent of stratum ${strata[i]}`);
    }
  });
  const strataInfo: StratumInfo[] = [];
  for (const [k, s] of byStratum) {
    const nh = s.psus.length;
    let population: number | null = null;
    let f = 1;
    if (s.fpc !== undefined) {
      population = fractions ? nh / s.fpc : s.fpc;
      if (population < nh - 1e-9)
        invalid(
          'fpc',
          `stratum ${k || '(all)'}: population ${population} is smaller than the ${nh} PSUs drawn`,
        );
      f = Math.max(0, (population - nh) / population);
    }
    if (nh === 1 && f >= 1e-7 && lonelyPsu === 'fail')
      invalid('strata', `stratum ${k || '(all)'} has only one PSU; choose a lonely PSU rule`);
    strataInfo.push({ key: k, psus: s.psus, f, population });
  }
  return {
    n,
    weights: [...weights],
    strata,
    psus,
    strataInfo,
    lonelyPsu,
    calibration: [],
    df: degreesOfFreedom(
      strata,
      psus,
      weights.map((w) => w > 0),
    ),
    stratified: !!input.strata,
    clustered: !!input.clusters,
    withFpc: !!input.fpc,
  };
}

function degreesOfFreedom(strata: string[], psus: string[], inSet: boolean[]): number {
  const p = new Set<string>();
  const s = new Set<string>();
  inSet.forEach((ok, i) => {
    if (ok) {
      p.add(psus[i]);
      s.add(strata[i]);
    }
  });
  return p.size - s.size;
}

/** Calibration residuals: z minus its weighted projection on the step's category indicators (backfitting). */
function calibrationResiduals(z: number[], step: CalibrationStep): number[] {
  const r = [...z];
  const d = step.baseWeights;
  const scale = Math.max(1e-300, ...z.map(Math.abs));
  for (let it = 0; it < 1000; it++) {
    let change = 0;
    step.groups.forEach((g, m) => {
      const num = new Float64Array(step.levels[m].length);
      const den = new Float64Array(step.levels[m].length);
      for (let i = 0; i < r.length; i++) {
        num[g[i]] += d[i] * r[i];
        den[g[i]] += d[i];
      }
      for (let c = 0; c < num.length; c++) {
        num[c] = den[c] > 0 ? num[c] / den[c] : 0;
        change = Math.max(change, Math.abs(num[c]));
      }
      for (let i = 0; i < r.length; i++) r[i] -= num[g[i]];
    });
    if (step.groups.length === 1 || change <= 1e-14 * scale) break;
  }
  return r;
}

/**
 * Design variance of an estimator with influence values u (one per respondent), after removing
 * the part explained by the calibration steps (Deville & Särndal 1992; R's `svyrecvar`).
 */
export function designVariance(design: SurveyDesign, u: number[]): number {
  if (u.length !== design.n) invalid('u', 'one influence value per respondent');
  let v = u;
  if (design.calibration.length) {
    const w = design.weights;
    let z = u.map((x, i) => (w[i] > 0 ? x / w[i] : 0));
    for (const step of design.calibration) z = calibrationResiduals(z, step);
    v = z.map((x, i) => x * w[i]);
  }
  const psuTotal = new Map<string, number>();
  let grand = 0;
  v.forEach((x, i) => {
    psuTotal.set(design.psus[i], (psuTotal.get(design.psus[i]) ?? 0) + x);
    grand += x;
  });
  const allPsus = design.strataInfo.reduce((a, s) => a + s.psus.length, 0);
  const recentre = grand / allPsus;
  let total = 0;
  let ok = 0;
  for (const s of design.strataInfo) {
    const nh = s.psus.length;
    if (s.f < 1e-7) {
      ok++;
      continue;
    }
    const t = s.psus.map((p) => psuTotal.get(p) ?? 0);
    if (nh === 1) {
      if (design.lonelyPsu === 'fail')
        invalid('strata', `stratum ${s.key || '(all)'} has only one PSU; choose a lonely PSU rule`);
      if (design.lonelyPsu === 'average') continue;
      if (design.lonelyPsu === 'adjust') total += s.f * (t[0] - recentre) ** 2;
      ok++;
      continue;
    }
    const mean = t.reduce((a, b) => a + b, 0) / nh;
    let ss = 0;
    for (const x of t) ss += (x - mean) ** 2;
    total += ((s.f * nh) / (nh - 1)) * ss;
    ok++;
  }
  return ok ? (total * design.strataInfo.length) / ok : NaN;
}

/**
 * Design covariance matrix of several estimators at once, `us[k]` the influence values of
 * estimator k (one per respondent): the same ultimate-cluster formula, calibration adjustment and
 * lonely-PSU rule as {@link designVariance}, with cross-products of PSU totals, so that
 * `designCovariance(d, [u])[0][0] === designVariance(d, u)` (R's `svyrecvar` on a matrix).
 */
export function designCovariance(design: SurveyDesign, us: number[][]): number[][] {
  const K = us.length;
  const w = design.weights;
  const vs = us.map((u, k) => {
    if (u.length !== design.n) invalid(`us[${k}]`, 'one influence value per respondent');
    if (!design.calibration.length) return u;
    let z = u.map((x, i) => (w[i] > 0 ? x / w[i] : 0));
    for (const step of design.calibration) z = calibrationResiduals(z, step);
    return z.map((x, i) => x * w[i]);
  });
  const psuIndex = new Map<string, number>();
  design.strataInfo.forEach((s) => s.psus.forEach((p) => psuIndex.set(p, psuIndex.size)));
  const P = psuIndex.size;
  const totals = vs.map((v) => {
    const t = new Float64Array(P);
    v.forEach((x, i) => (t[psuIndex.get(design.psus[i])!] += x));
    return t;
  });
  const recentre = totals.map((t) => t.reduce((a, b) => a + b, 0) / P);
  const out = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let ok = 0;
  for (const s of design.strataInfo) {
    const nh = s.psus.length;
    if (s.f < 1e-7) {
      ok++;
      continue;
    }
    const idx = s.psus.map((p) => psuIndex.get(p)!);
    let centre: number[];
    let factor: number;
    if (nh === 1) {
      if (design.lonelyPsu === 'fail')
        invalid('strata', `stratum ${s.key || '(all)'} has only one PSU; choose a lonely PSU rule`);
      if (design.lonelyPsu === 'average') continue;
      ok++;
      if (design.lonelyPsu !== 'adjust') continue;
      centre = recentre;
      factor = s.f;
    } else {
      centre = totals.map((t) => idx.reduce((a, j) => a + t[j], 0) / nh);
      factor = (s.f * nh) / (nh - 1);
      ok++;
    }
    const dev = totals.map((t, k) => idx.map((j) => t[j] - centre[k]));
    for (let a = 0; a < K; a++)
      for (let b = a; b < K; b++) {
        let ss = 0;
        for (let j = 0; j < idx.length; j++) ss += dev[a][j] * dev[b][j];
        out[a][b] += factor * ss;
      }
  }
  const scale = ok ? design.strataInfo.length / ok : NaN;
  for (let a = 0; a < K; a++)
    for (let b = a; b < K; b++) {
      out[a][b] *= scale;
      out[b][a] = out[a][b];
    }
  return out;
}

/** Members of the domain that have a finite value. */
function members(design: SurveyDesign, values: unknown[], opts: EstimateOptions, field: string): boolean[] {
  if (values.length !== design.n) invalid(field, `${field} must have one entry per respondent (${design.n})`);
  if (opts.domain && opts.domain.length !== design.n)
    invalid('domain', `domain must have one entry per respondent (${design.n})`);
  return values.map((v, i) => {
    if (opts.domain && opts.domain[i] !== true) return false;
    return typeof v === 'number' && Number.isFinite(v);
  });
}

/** Two-sided t critical value for `level` on `df` degrees of freedom (at least 1). */
export function critical(level: number, df: number): number {
  if (!(level > 0 && level < 1)) invalid('level', 'level must be in (0, 1)');
  return tQuantile(1 - (1 - level) / 2, Math.max(1, df));
}

function estimateOf(
  design: SurveyDesign,
  m: boolean[],
  estimate: number,
  variance: number,
  deff: number,
  level: number,
): SurveyEstimate {
  const inSet = m.map((x, i) => x && design.weights[i] > 0);
  const df = degreesOfFreedom(design.strata, design.psus, inSet);
  const se = Math.sqrt(Math.max(0, variance));
  const t = critical(level, df);
  return {
    estimate,
    se,
    ci: [estimate - t * se, estimate + t * se],
    deff,
    df,
    n: inSet.filter(Boolean).length,
  };
}

/** Weighted variance n/(n−1)·Σw(y−ȳ)²/Σw over members (R's `svyvar`). */
function weightedVariance(
  w: number[],
  y: number[],
  m: boolean[],
  mean: number,
): { s2: number; nobs: number; sw: number } {
  let nobs = 0;
  let sw = 0;
  let ss = 0;
  m.forEach((ok, i) => {
    if (!ok || !(w[i] > 0)) return;
    nobs++;
    sw += w[i];
    ss += w[i] * (y[i] - mean) ** 2;
  });
  return { s2: nobs > 1 ? ((nobs / (nobs - 1)) * ss) / sw : NaN, nobs, sw };
}

/**
 * Mean 均值 (Hájek ratio estimator Σwy/Σw) with linearised SE, t interval on the design df and
 * design effect. Missing values (null, NaN) are treated as outside the domain, as R's `na.rm`.
 * Reproduces `svymean(~api00, dstrat)` = 662.29, SE 9.4089 (R `example(api)`).
 */
export function svyMean(
  design: SurveyDesign,
  values: (number | null | undefined)[],
  opts: MeanOptions = {},
): SurveyEstimate {
  const m = members(design, values, opts, 'values');
  const w = design.weights;
  const y = values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0));
  let sw = 0;
  let swy = 0;
  m.forEach((ok, i) => {
    if (ok) {
      sw += w[i];
      swy += w[i] * y[i];
    }
  });
  if (!(sw > 0)) invalid('values', 'no respondent with a positive weight has a value (in the domain)');
  const mean = swy / sw;
  const u = m.map((ok, i) => (ok ? (w[i] * (y[i] - mean)) / sw : 0));
  const variance = designVariance(design, u);
  const { s2, nobs } = weightedVariance(w, y, m, mean);
  const vsrs = sw > nobs ? (s2 * (sw - nobs)) / (sw * nobs) : NaN;
  const r = estimateOf(design, m, mean, variance, variance / vsrs, opts.level ?? 0.95);
  if (opts.bounds) r.ci = boundedInterval(mean, r.se, opts.bounds, critical(opts.level ?? 0.95, r.df));
  return r;
}

/** Interval on the logit of the position within [lo, hi], mapped back (delta method). */
export function boundedInterval(
  est: number,
  se: number,
  [lo, hi]: [number, number],
  t: number,
): [number, number] {
  if (!(hi > lo)) invalid('bounds', 'bounds must be [lower, upper] with lower < upper');
  const p = (est - lo) / (hi - lo);
  if (!(p > 0 && p < 1) || !(se > 0)) {
    const c = Math.min(hi, Math.max(lo, est));
    return [c, c];
  }
  const l = Math.log(p / (1 - p));
  const sl = se / (hi - lo) / (p * (1 - p));
  const expit = (x: number) => 1 / (1 + Math.exp(-x));
  return [lo + (hi - lo) * expit(l - t * sl), lo + (hi - lo) * expit(l + t * sl)];
}

/**
 * Total 总量 Σwy with linearised SE, t interval and design effect (R's `svytotal`).
 * Reproduces `svytotal(~enroll, dstrat)` = 3687178, SE 114642.
 */
export function svyTotal(
  design: SurveyDesign,
  values: (number | null | undefined)[],
  opts: EstimateOptions = {},
): SurveyEstimate {
  const m = members(design, values, opts, 'values');
  const w = design.weights;
  const y = values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0));
  let total = 0;
  let sw = 0;
  let swy = 0;
  m.forEach((ok, i) => {
    if (ok) {
      total += w[i] * y[i];
      sw += w[i];
      swy += w[i] * y[i];
    }
  });
  const u = m.map((ok, i) => (ok ? w[i] * y[i] : 0));
  const variance = designVariance(design, u);
  const { s2, nobs } = weightedVariance(w, y, m, sw > 0 ? swy / sw : 0);
  const vsrs = sw > nobs ? (s2 * sw * sw * (sw - nobs)) / (sw * nobs) : NaN;
  return estimateOf(design, m, total, variance, variance / vsrs, opts.level ?? 0.95);
}

/** A ratio estimate: as {@link SurveyEstimate} without a design effect. */
export type RatioEstimate = Omit<SurveyEstimate, 'deff'>;

/**
 * Ratio 比率估计 R = Σw·y / Σw·x with linearised variance, influence w(y − R·x)/Σw·x
 * (R's `svyratio`; Cochran 1977, §6.4). Respondents missing either value are left out.
 */
export function svyRatio(
  design: SurveyDesign,
  numerator: (number | null | undefined)[],
  denominator: (number | null | undefined)[],
  opts: EstimateOptions = {},
): RatioEstimate {
  const m1 = members(design, numerator, opts, 'numerator');
  const m2 = members(design, denominator, opts, 'denominator');
  const m = m1.map((a, i) => a && m2[i]);
  const w = design.weights;
  let sy = 0;
  let sx = 0;
  m.forEach((ok, i) => {
    if (ok) {
      sy += w[i] * (numerator[i] as number);
      sx += w[i] * (denominator[i] as number);
    }
  });
  if (sx === 0) invalid('denominator', 'the weighted denominator total is zero');
  const r = sy / sx;
  const u = m.map((ok, i) =>
    ok ? (w[i] * ((numerator[i] as number) - r * (denominator[i] as number))) / sx : 0,
  );
  const { deff: _deff, ...rest } = estimateOf(
    design,
    m,
    r,
    designVariance(design, u),
    NaN,
    opts.level ?? 0.95,
  );
  void _deff;
  return rest;
}

/** Options of {@link svyProportion}. */
export interface ProportionOptions extends EstimateOptions {
  /**
   * logit (default, R's `svyciprop(method = "logit")`): the t interval of logit(p̂) with
   * SE(p̂)/(p̂(1 − p̂)), mapped back; korn-graubard (`method = "beta"`, Korn & Graubard 1998):
   * Clopper–Pearson on the effective sample size p̂(1 − p̂)/V̂ × (t_{n−1}/t_df)². Both stay in
   * [0, 1]; at p̂ = 0 or 1 the logit interval falls back to Korn–Graubard.
   */
  method?: 'logit' | 'korn-graubard';
}

/**
 * Proportion 比例 of respondents with an attribute (true / 1) among those answering, with an
 * interval that never leaves [0, 1].
 */
export function svyProportion(
  design: SurveyDesign,
  indicator: (boolean | number | null | undefined)[],
  opts: ProportionOptions = {},
): SurveyEstimate {
  const y = indicator.map((v, i) => {
    if (v === null || v === undefined) return null;
    if (v === true || v === 1) return 1;
    if (v === false || v === 0) return 0;
    return invalid(`indicator[${i}]`, 'indicator must be true/false or 1/0');
  });
  const r = svyMean(design, y, opts);
  const level = opts.level ?? 0.95;
  const p = r.estimate;
  if ((opts.method ?? 'logit') === 'logit' && p > 0 && p < 1 && r.se > 0) {
    r.ci = boundedInterval(p, r.se, [0, 1], critical(level, r.df));
    return r;
  }
  const alpha = 1 - level;
  let nEff = r.se > 0 ? (p * (1 - p)) / r.se ** 2 : r.n;
  if (r.n > 1 && r.df >= 1) nEff *= (tQuantile(alpha / 2, r.n - 1) / tQuantile(alpha / 2, r.df)) ** 2;
  r.ci = [
    p <= 0 ? 0 : betaQuantile(alpha / 2, nEff * p, nEff * (1 - p) + 1),
    p >= 1 ? 1 : betaQuantile(1 - alpha / 2, nEff * p + 1, nEff * (1 - p)),
  ];
  return r;
}

/** Means by group: {@link svyMean} on each group as a domain (R's `svyby(…, svymean)`), groups sorted. */
export function svyMeanBy(
  design: SurveyDesign,
  values: (number | null | undefined)[],
  groups: (string | number | null | undefined)[],
  opts: MeanOptions = {},
): { group: string; result: SurveyEstimate }[] {
  if (groups.length !== design.n)
    invalid('groups', `groups must have one entry per respondent (${design.n})`);
  const keys = [...new Set(groups.filter((g) => g !== null && g !== undefined).map(String))].sort();
  return keys.map((g) => ({
    group: g,
    result: svyMean(design, values, {
      ...opts,
      domain: groups.map(
        (x, i) =>
          x !== null && x !== undefined && String(x) === g && (opts.domain ? opts.domain[i] === true : true),
      ),
    }),
  }));
}

/**
 * Kish's weighting effect 加权效应 1 + CV²(w) = n·Σw²/(Σw)² and effective sample size (Σw)²/Σw²
 * (Kish 1965, §11.7): the variance inflation from unequal weights alone, not a design effect.
 */
export function kishWeightingEffect(weights: number[]): { weightingEffect: number; effectiveN: number } {
  let s = 0;
  let s2 = 0;
  let n = 0;
  weights.forEach((w, i) => {
    if (!(w >= 0) || !Number.isFinite(w)) invalid(`weights[${i}]`, 'weights must be finite and non-negative');
    if (w > 0) n++;
    s += w;
    s2 += w * w;
  });
  if (!(s > 0)) invalid('weights', 'weights sum to zero');
  const effectiveN = (s * s) / s2;
  return { weightingEffect: n / effectiveN, effectiveN };
}

// ---------------------------------------------------------------------------------------------
// Calibration 校准: post-stratification and raking, with calibration-adjusted variances.

function groupIndex(labels: string[]): { groups: number[]; levels: string[] } {
  const map = new Map<string, number>();
  const levels: string[] = [];
  const groups = labels.map((l) => {
    let g = map.get(l);
    if (g === undefined) {
      g = levels.length;
      levels.push(l);
      map.set(l, g);
    }
    return g;
  });
  return { groups, levels };
}

/**
 * Post-stratification 事后分层: scales the weights within each cell to the cell's population
 * total; the new design's variance uses the residuals from the cell means (weighted by the
 * weights before the step), as R's `postStratify`. A cell with a population total but no
 * respondent is an error unless `partial` is set, when it is listed in `emptyCells`.
 * Reproduces `postStratify(dclus1, ~stype, pop.types)`: mean api00 642.31, SE 23.921.
 */
export function postStratify(
  design: SurveyDesign,
  cells: (string | number)[],
  totals: Record<string, number>,
  options: { partial?: boolean } = {},
): SurveyDesign {
  if (cells.length !== design.n) invalid('cells', `cells must have one entry per respondent (${design.n})`);
  const labels = cells.map((c, i) => {
    if (c === undefined || c === null) invalid(`cells[${i}]`, 'every respondent needs a cell');
    const k = String(c);
    if (!Object.prototype.hasOwnProperty.call(totals, k))
      invalid(`cells[${i}]`, `cell ${k} has no population total`);
    return k;
  });
  for (const [c, t] of Object.entries(totals))
    if (!(t >= 0) || !Number.isFinite(t))
      invalid(`totals.${c}`, 'population totals must be finite and non-negative');
  const { groups, levels } = groupIndex(labels);
  const sums = new Float64Array(levels.length);
  groups.forEach((g, i) => (sums[g] += design.weights[i]));
  const emptyCells = Object.keys(totals)
    .filter((c) => totals[c] > 0 && !(levels.includes(c) && sums[levels.indexOf(c)] > 0))
    .sort();
  if (emptyCells.length && !options.partial)
    invalid(
      `totals.${emptyCells[0]}`,
      `no respondent in cell ${emptyCells.join(', ')}; merge cells or allow partial`,
    );
  const weights = design.weights.map((w, i) => {
    const s = sums[groups[i]];
    return s > 0 ? (w * totals[labels[i]]) / s : 0;
  });
  const step: CalibrationStep = {
    method: 'poststratify',
    groups: [groups],
    levels: [levels],
    baseWeights: design.weights,
    converged: true,
    iterations: 1,
    maxMarginError: 0,
    outsideBounds: [],
    emptyCells,
  };
  return { ...design, weights, calibration: [...design.calibration, step] };
}

/** A raking margin: each respondent's category, and the population total of every category. */
export interface RakeMargin {
  /** Category of each respondent (join several variables' values for a joint margin). */
  variable: (string | number)[];
  /** Population total per category. */
  totals: Record<string, number>;
}

/** Options of {@link rakeDesign}. */
export interface RakeDesignOptions {
  /** Raking cycles (all margins once), trimming rounds included; default 200. */
  maxIterations?: number;
  /** Convergence: largest |Σw − target| / population total, default 1e-10. */
  tolerance?: number;
  /** Keep weights within [min, max] × mean weight: trim, re-rake, repeat. */
  trim?: { min?: number; max?: number };
}

/**
 * Raking 迭代比例拟合 (Deming & Stephan 1940) of a design to population margins, with
 * calibration-adjusted variance: the influence values are replaced by their residuals from
 * the weighted projection on all margins' category indicators (the raking calibration's
 * linearisation, as R's `calibrate(…, calfun = "raking")`; Deville & Särndal 1992).
 * Each margin is rescaled to the first margin's total. With `trim`, weights are clipped to the
 * bounds and re-raked until both hold or `maxIterations` is reached; the last step of the
 * result (`calibration.at(-1)`) says whether it converged and which weights are outside the bounds.
 * Reproduces `rake(dclus1, list(~stype, ~sch.wide), …)`: mean api00 641.23, SE 23.704.
 */
export function rakeDesign(
  design: SurveyDesign,
  margins: RakeMargin[],
  options: RakeDesignOptions = {},
): SurveyDesign {
  if (!Array.isArray(margins) || margins.length === 0)
    invalid('margins', 'rakeDesign needs at least one margin');
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-10;
  const n = design.n;
  const idx = margins.map((mg, k) => {
    if (!mg || !Array.isArray(mg.variable) || mg.variable.length !== n)
      invalid(`margins[${k}].variable`, `variable must have one entry per respondent (${n})`);
    const labels = mg.variable.map((c, i) => {
      if (c === undefined || c === null)
        invalid(`margins[${k}].variable[${i}]`, 'every respondent needs a category');
      const s = String(c);
      if (!Object.prototype.hasOwnProperty.call(mg.totals, s))
        invalid(`margins[${k}].variable[${i}]`, `category ${s} has no population total`);
      return s;
    });
    return groupIndex(labels);
  });
  const sums = margins.map((mg, k) => {
    let s = 0;
    for (const [c, t] of Object.entries(mg.totals)) {
      if (!(t >= 0) || !Number.isFinite(t))
        invalid(`margins[${k}].totals.${c}`, 'totals must be finite and non-negative');
      s += t;
    }
    if (!(s > 0)) invalid(`margins[${k}].totals`, 'totals sum to zero');
    return s;
  });
  const total = sums[0];
  const targets = margins.map((mg, k) => idx[k].levels.map((l) => (mg.totals[l] / sums[k]) * total));
  margins.forEach((mg, k) => {
    for (const [c, t] of Object.entries(mg.totals))
      if (t > 0 && !idx[k].levels.includes(c))
        invalid(
          `margins[${k}].totals.${c}`,
          `no respondent in category ${c}; merge categories before raking`,
        );
  });
  const w = [...design.weights];
  const positive = w.filter((x) => x > 0).length;
  const catSums = (k: number) => {
    const s = new Float64Array(idx[k].levels.length);
    idx[k].groups.forEach((g, i) => (s[g] += w[i]));
    return s;
  };
  margins.forEach((_, k) => {
    const s = catSums(k);
    targets[k].forEach((t, c) => {
      if (t > 0 && !(s[c] > 0))
        invalid(
          `margins[${k}].totals.${idx[k].levels[c]}`,
          `no weighted respondent in category ${idx[k].levels[c]}`,
        );
    });
  });
  const marginError = () => {
    let worst = 0;
    margins.forEach((_, k) => {
      const s = catSums(k);
      targets[k].forEach((t, c) => (worst = Math.max(worst, Math.abs(s[c] - t) / total)));
    });
    return worst;
  };
  // Once trimming has started, every margin adjustment is followed by clipping and the free
  // weights of the category absorb what the clipped ones cannot (bounded IPF).
  let trimming = false;
  const cycle = () => {
    margins.forEach((_, k) => {
      if (!trimming) {
        const s = catSums(k);
        idx[k].groups.forEach((g, i) => {
          if (s[g] > 0) w[i] *= targets[k][g] / s[g];
        });
        return;
      }
      const [lo, hi] = bounds();
      for (let pass = 0; pass < 20; pass++) {
        const free = new Float64Array(idx[k].levels.length);
        const fixed = new Float64Array(idx[k].levels.length);
        idx[k].groups.forEach((g, i) => {
          if (w[i] <= lo || w[i] >= hi) fixed[g] += w[i];
          else free[g] += w[i];
        });
        let moved = false;
        idx[k].groups.forEach((g, i) => {
          if (w[i] > lo && w[i] < hi && free[g] > 0) {
            const next = Math.min(hi, Math.max(lo, (w[i] * (targets[k][g] - fixed[g])) / free[g]));
            if (next !== w[i]) moved = true;
            w[i] = next;
          }
        });
        if (!moved) break;
      }
    });
  };
  const bounds = (): [number, number] => {
    const mean = total / positive;
    return [(options.trim?.min ?? 0) * mean, (options.trim?.max ?? Infinity) * mean];
  };
  const outside = (): number[] => {
    if (!options.trim) return [];
    const [lo, hi] = bounds();
    const out: number[] = [];
    w.forEach((x, i) => {
      if (x > 0 && (x < lo * (1 - 1e-6) || x > hi * (1 + 1e-6))) out.push(i);
    });
    return out;
  };
  let iterations = 0;
  let err = marginError();
  while (iterations < maxIterations) {
    if (err < tolerance) {
      if (outside().length === 0) break;
      const [lo, hi] = bounds();
      for (let i = 0; i < w.length; i++) if (w[i] > 0) w[i] = Math.min(hi, Math.max(lo, w[i]));
      trimming = true;
    }
    cycle();
    iterations++;
    err = marginError();
  }
  const outsideBounds = outside();
  const step: CalibrationStep = {
    method: 'rake',
    groups: idx.map((x) => x.groups),
    levels: idx.map((x) => x.levels),
    baseWeights: design.weights,
    converged: err < tolerance && outsideBounds.length === 0,
    iterations,
    maxMarginError: err,
    outsideBounds,
    emptyCells: [],
  };
  return { ...design, weights: w, calibration: [...design.calibration, step] };
}
