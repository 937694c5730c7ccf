/**
 * Replicate weights 重复权数 for variance estimation, after R's `survey::as.svrepdesign`
 * (Lumley 2010, ch. 2.8; Wolter 2007, ch. 4–5): a design is turned into R sets of replicate
 * weights; an estimate is recomputed with each set and its variance is
 *
 *   V̂(θ̂) = scale · Σ_r rscale_r · (θ̂_r − θ̄)²,
 *
 * θ̄ the mean of the replicate estimates (or θ̂ itself with `mse`). Anyone holding the published
 * microdata and the replicate weight columns can recompute every standard error with a weighted
 * mean alone, without the design's strata and clusters — the reason statistical offices publish them.
 *
 * Methods:
 * - `JK1` (delete-one-PSU jackknife, unstratified designs): replicate r drops PSU r and multiplies
 *   the others by n/(n − 1); scale = f·(n − 1)/n with f = (N − n)/N (1 without fpc).
 * - `JKn` (stratified jackknife): one replicate per PSU, dropping it and multiplying the other PSUs
 *   of its stratum by n_h/(n_h − 1); rscale_r = f_h·(n_h − 1)/n_h. A stratum sampled exhaustively
 *   (f_h = 0) gets no replicate. A stratum with one PSU follows the design's lonely-PSU rule as
 *   `jknweights` does: `fail` refuses; `remove` and `certainty` give it no replicate; `average` gives
 *   it none and scales the variance by PSUs / replicates; `adjust` gives it one replicate dropping it
 *   and multiplying every other PSU by H/(H − 1), rscale (H − 1)/H (H strata).
 * - `bootstrap` (Rao–Wu–Yue rescaling bootstrap, R's `subbootstrap`): per stratum, n_h − 1 PSUs
 *   drawn with replacement; a PSU drawn k times gets k·n_h/(n_h − 1); scale 1/(R − 1). No finite
 *   population correction. Seeded, so the same seed gives the same weights everywhere.
 *
 * Weighting steps recorded on the design (post-stratification, raking) are replayed on every
 * replicate towards the same population totals, as R's `postStratify` / `rake` on a replicate
 * design do, so the replicate variance includes the calibration. Trimming is not replayed.
 */
import { invalid } from '../stats/fail';
import { createRng } from '../stats/random';
import { boundedInterval, critical, type SurveyDesign } from './design';

export type ReplicateMethod = 'JK1' | 'JKn' | 'bootstrap';

/** Options of {@link replicateDesign}. */
export interface ReplicateOptions {
  /** Default: `JK1` for a design with one stratum, `JKn` otherwise (R's `type = "auto"`). */
  method?: ReplicateMethod;
  /** Bootstrap replicates, default 200. */
  replicates?: number;
  /** Bootstrap seed, default `perfcommons`. */
  seed?: string | number;
  /** Centre the squared deviations on the full-sample estimate instead of the replicates' mean. */
  mse?: boolean;
}

/** A design with replicate weights. Treat as immutable. */
export interface ReplicateDesign {
  method: ReplicateMethod;
  /** Respondents. */
  n: number;
  /** Full-sample (final) weights. */
  weights: number[];
  /** One array of final weights per replicate (calibration replayed). */
  replicates: number[][];
  /** Overall scale of the variance. */
  scale: number;
  /** Per-replicate scale. */
  rscales: number[];
  mse: boolean;
  /** Degrees of freedom for intervals: the design's (PSUs − strata). */
  df: number;
}

/** An estimate with its replicate standard error. */
export interface ReplicateEstimate {
  estimate: number;
  se: number;
  /** t-based interval on the design degrees of freedom (logit-based when `bounds` are given). */
  ci: [number, number];
  df: number;
  /** Respondents contributing (in the domain, with a value). */
  n: number;
  /** The replicate estimates θ̂_r. */
  thetas: number[];
}

/** Builds replicate weights for a design; see the module comment for each method. */
export function replicateDesign(design: SurveyDesign, options: ReplicateOptions = {}): ReplicateDesign {
  const method = options.method ?? (design.strataInfo.length <= 1 ? 'JK1' : 'JKn');
  const base = design.calibration.length ? design.calibration[0].baseWeights : design.weights;
  const psuIndex = new Map<string, number>();
  const psuOf = design.psus.map((p) => {
    let k = psuIndex.get(p);
    if (k === undefined) psuIndex.set(p, (k = psuIndex.size));
    return k;
  });
  const nPsu = psuIndex.size;
  /** Multipliers per replicate, per PSU. */
  const factors: Float64Array[] = [];
  const rscales: number[] = [];
  let scale = 1;

  if (method === 'JK1') {
    if (design.strataInfo.length > 1)
      invalid('method', 'JK1 is for unstratified designs; use JKn for a stratified design');
    const f = design.strataInfo[0]?.f ?? 1;
    if (nPsu < 2) invalid('design', 'the jackknife needs at least two PSUs');
    for (let r = 0; r < nPsu; r++) {
      const m = new Float64Array(nPsu).fill(nPsu / (nPsu - 1));
      m[r] = 0;
      factors.push(m);
      rscales.push(1);
    }
    scale = (f * (nPsu - 1)) / nPsu;
  } else if (method === 'JKn') {
    const nStrata = design.strataInfo.length;
    let skipped = false;
    for (const s of design.strataInfo) {
      const ids = s.psus.map((p) => psuIndex.get(p)!);
      const nh = ids.length;
      if (s.f === 0) continue; // exhaustively sampled: no sampling variance
      if (nh === 1) {
        const rule = design.lonelyPsu;
        if (rule === 'fail') invalid('strata', `stratum ${s.key} has only one PSU`);
        if (rule === 'adjust') {
          if (nStrata < 2) invalid('strata', 'the adjust rule needs at least two strata');
          const m = new Float64Array(nPsu).fill(nStrata / (nStrata - 1));
          m[ids[0]] = 0;
          factors.push(m);
          rscales.push((nStrata - 1) / nStrata);
        } else skipped = true;
        continue;
      }
      for (const drop of ids) {
        const m = new Float64Array(nPsu).fill(1);
        for (const j of ids) m[j] = j === drop ? 0 : nh / (nh - 1);
        factors.push(m);
        rscales.push((s.f * (nh - 1)) / nh);
      }
    }
    if (factors.length === 0)
      invalid('design', 'every stratum was sampled exhaustively: no sampling variance');
    if (skipped && design.lonelyPsu === 'average') scale = nPsu / factors.length;
  } else if (method === 'bootstrap') {
    const R = options.replicates ?? 200;
    if (!Number.isInteger(R) || R < 2) invalid('replicates', 'replicates must be an integer ≥ 2');
    const rng = createRng(options.seed ?? 'perfcommons');
    for (let r = 0; r < R; r++) {
      const m = new Float64Array(nPsu);
      for (const s of design.strataInfo) {
        const ids = s.psus.map((p) => psuIndex.get(p)!);
        const nh = ids.length;
        if (nh < 2) {
          if (design.lonelyPsu === 'fail') invalid('strata', `stratum ${s.key} has only one PSU`);
          m[ids[0]] = 1;
          continue;
        }
        for (let k = 0; k < nh - 1; k++) m[ids[Math.floor(rng() * nh)]] += nh / (nh - 1);
      }
      factors.push(m);
      rscales.push(1);
    }
    scale = 1 / (R - 1);
  } else invalid('method', `unknown replicate method ${String(method)}`);

  const replicates = factors.map((m) =>
    replay(
      design,
      base.map((w, i) => w * m[psuOf[i]]),
    ),
  );
  return {
    method,
    n: design.n,
    weights: design.weights,
    replicates,
    scale,
    rscales,
    mse: options.mse ?? false,
    df: design.df,
  };
}

/**
 * Replays the design's weighting steps on one set of replicate weights: each step's population
 * totals are the full-sample weight sums per category after that step.
 */
function replay(design: SurveyDesign, start: number[]): number[] {
  const steps = design.calibration;
  let w = start;
  steps.forEach((step, k) => {
    const after = k + 1 < steps.length ? steps[k + 1].baseWeights : design.weights;
    const targets = step.groups.map((g, mi) => {
      const t = new Float64Array(step.levels[mi].length);
      g.forEach((c, i) => (t[c] += after[i]));
      return t;
    });
    w = [...w];
    const cycles = step.method === 'poststratify' ? 1 : 500;
    for (let it = 0; it < cycles; it++) {
      let worst = 0;
      step.groups.forEach((g, mi) => {
        const sums = new Float64Array(targets[mi].length);
        g.forEach((c, i) => (sums[c] += w[i]));
        targets[mi].forEach((t, c) => {
          if (t > 0) worst = Math.max(worst, Math.abs(sums[c] - t) / t);
        });
        for (let i = 0; i < w.length; i++) {
          const s = sums[g[i]];
          w[i] = s > 0 ? (w[i] * targets[mi][g[i]]) / s : 0;
        }
      });
      if (worst < 1e-12) break;
    }
  });
  return w;
}

function membersOf(rep: ReplicateDesign, values: unknown[], domain?: (boolean | null | undefined)[]) {
  if (values.length !== rep.n) invalid('values', `values must have one entry per respondent (${rep.n})`);
  if (domain && domain.length !== rep.n)
    invalid('domain', `domain must have one entry per respondent (${rep.n})`);
  return values.map((v, i) => (!domain || domain[i] === true) && typeof v === 'number' && Number.isFinite(v));
}

function finish(
  rep: ReplicateDesign,
  estimate: number,
  thetas: number[],
  n: number,
  level: number,
  bounds?: [number, number],
): ReplicateEstimate {
  const used = thetas.filter((_, r) => rep.rscales[r] > 0);
  const centre = rep.mse ? estimate : used.reduce((a, b) => a + b, 0) / Math.max(1, used.length);
  let v = 0;
  thetas.forEach((t, r) => (v += rep.rscales[r] * (t - centre) ** 2));
  const se = Math.sqrt(Math.max(0, v * rep.scale));
  const df = Math.max(1, rep.df);
  const t = critical(level, df);
  const ci: [number, number] = bounds
    ? boundedInterval(estimate, se, bounds, t)
    : [estimate - t * se, estimate + t * se];
  return { estimate, se, ci, df, n, thetas };
}

/**
 * Mean Σwy/Σw with its replicate SE (R's `svymean` on an `svrepdesign`). Missing values are left out
 * as `na.rm`; a domain keeps every replicate and zeroes non-members. With `bounds` the interval is
 * formed on the logit scale and never leaves them.
 * Reproduces `svymean(~api00, as.svrepdesign(dclus1))` = 644.17, SE 26.329.
 */
export function svyRepMean(
  rep: ReplicateDesign,
  values: (number | null | undefined)[],
  opts: { domain?: (boolean | null | undefined)[]; level?: number; bounds?: [number, number] } = {},
): ReplicateEstimate {
  const m = membersOf(rep, values, opts.domain);
  const mean = (w: number[]) => {
    let sw = 0;
    let swy = 0;
    m.forEach((ok, i) => {
      if (ok) {
        sw += w[i];
        swy += w[i] * (values[i] as number);
      }
    });
    return sw > 0 ? swy / sw : NaN;
  };
  const estimate = mean(rep.weights);
  if (!Number.isFinite(estimate))
    invalid('values', 'no respondent with a positive weight has a value (in the domain)');
  const n = m.filter((ok, i) => ok && rep.weights[i] > 0).length;
  return finish(rep, estimate, rep.replicates.map(mean), n, opts.level ?? 0.95, opts.bounds);
}

/**
 * Total Σwy with its replicate SE (R's `svytotal` on an `svrepdesign`).
 * Reproduces `svytotal(~enroll, as.svrepdesign(dclus1))` = 3404940, SE 932235.
 */
export function svyRepTotal(
  rep: ReplicateDesign,
  values: (number | null | undefined)[],
  opts: { domain?: (boolean | null | undefined)[]; level?: number } = {},
): ReplicateEstimate {
  const m = membersOf(rep, values, opts.domain);
  const total = (w: number[]) => {
    let s = 0;
    m.forEach((ok, i) => {
      if (ok) s += w[i] * (values[i] as number);
    });
    return s;
  };
  const n = m.filter((ok, i) => ok && rep.weights[i] > 0).length;
  return finish(rep, total(rep.weights), rep.replicates.map(total), n, opts.level ?? 0.95);
}
