import { createRng, hashSeed } from '../stats/random';
import { zForConfidence } from '../stats/normal';
import { invalid, requireFinite } from '../stats/fail';

/** How a total sample is spread over strata 分层. */
export type AllocationMethod = 'proportional' | 'equal' | 'neyman';

/** A row of the sampling frame 抽样框: an id plus either a `stratum` or the fields named in `strata`. */
export interface FrameRow {
  /** Unique id of the unit (resident, enterprise, household …). */
  id: string;
  /** Stratum key, used when `options.strata` is not given. */
  stratum?: string;
  [field: string]: unknown;
}

/** Options of {@link stratifiedSample}. */
export interface StratifiedSampleOptions {
  /** Total sample size wanted (capped at the frame size). */
  size: number;
  /** proportional: n_h ∝ N_h; equal: n_h = n/H; neyman: n_h ∝ N_h·S_h. */
  allocation: AllocationMethod;
  /** Seed of the PRNG: same frame + options + seed ⇒ same sample. */
  seed: number | string;
  /** Field names whose values, joined with '|', form the stratum key (e.g. ['district', 'urbanRural']). */
  strata?: string[];
  /** Standard deviation of the study variable per stratum, required for neyman allocation. */
  sd?: Record<string, number>;
}

/** Allocation of the sample to one stratum. */
export interface StratumAllocation {
  /** Stratum key. */
  stratum: string;
  /** Units in the frame, N_h. */
  population: number;
  /** Units drawn, n_h (≤ N_h). */
  allocated: number;
}

/** Result of {@link stratifiedSample}. */
export interface StratifiedSample<T extends FrameRow> {
  /** Drawn rows with their stratum key and design weight N_h/n_h. */
  sample: (T & { stratum: string; designWeight: number })[];
  /** Per-stratum allocation in stratum-key order; sums exactly to the sample size. */
  allocation: StratumAllocation[];
  /** The seed used, to be stored with the sample for reproduction. */
  seed: number | string;
}

/**
 * Split `size` integer units in proportion to `shares`, capped per entry at `caps`, with the
 * largest-remainder (Hamilton) method so the result sums exactly to min(size, Σ caps).
 * Entries whose ideal share exceeds their cap are fixed at the cap and the rest re-divided.
 * Ties on the remainder go to the earlier entry.
 */
export function allocateLargestRemainder(size: number, shares: number[], caps?: number[]): number[] {
  if (!Number.isInteger(size) || size < 0) invalid('size', 'size must be a non-negative integer');
  const m = shares.length;
  const cap = caps ?? shares.map(() => Infinity);
  shares.forEach((s, i) => {
    if (!(s >= 0) || !Number.isFinite(s)) invalid(`shares[${i}]`, 'shares must be finite and non-negative');
  });
  const out = new Array<number>(m).fill(0);
  const active = new Set<number>();
  for (let i = 0; i < m; i++) if (cap[i] > 0) active.add(i);
  let remaining = Math.min(
    size,
    cap.reduce((a, b) => a + b, 0),
  );
  // Fix entries at their cap until every remaining ideal share fits.
  let ideal = new Map<number, number>();
  for (;;) {
    let totalShare = 0;
    for (const i of active) totalShare += shares[i];
    ideal = new Map();
    for (const i of active) {
      // All-zero shares among the rest (e.g. neyman with sd 0): fall back to equal shares.
      ideal.set(i, totalShare > 0 ? (remaining * shares[i]) / totalShare : remaining / active.size);
    }
    const over = [...active].filter((i) => ideal.get(i)! > cap[i]);
    if (over.length === 0) break;
    for (const i of over) {
      out[i] = cap[i];
      remaining -= cap[i];
      active.delete(i);
    }
  }
  const act = [...active].sort((a, b) => a - b);
  let given = 0;
  for (const i of act) {
    out[i] = Math.floor(ideal.get(i)! + 1e-9);
    given += out[i];
  }
  const order = act.map((i) => ({ i, r: ideal.get(i)! - out[i] })).sort((a, b) => b.r - a.r || a.i - b.i);
  let left = remaining - given;
  for (const { i } of order) {
    if (left <= 0) break;
    if (out[i] < cap[i]) {
      out[i] += 1;
      left -= 1;
    }
  }
  return out;
}

function stratumKeyOf(row: FrameRow, fields: string[] | undefined, index: number): string {
  if (fields && fields.length > 0) {
    return fields
      .map((f) => {
        const v = row[f];
        if (v === undefined || v === null)
          invalid(`frame[${index}].${f}`, `frame row ${row.id} lacks stratum field ${f}`);
        return String(v);
      })
      .join('|');
  }
  if (typeof row.stratum !== 'string')
    invalid(`frame[${index}].stratum`, `frame row ${row.id} has no stratum`);
  return row.stratum;
}

/**
 * Stratified random sample 分层随机抽样 without replacement, reproducible from a seed.
 * Strata are visited in sorted key order; within a stratum rows are ordered by id and drawn by a
 * partial Fisher–Yates shuffle driven by mulberry32 seeded with hash(seed, stratum), so the draw
 * does not depend on the frame's row order and adding a stratum leaves the others' draws alone.
 */
export function stratifiedSample<T extends FrameRow>(
  frame: T[],
  options: StratifiedSampleOptions,
): StratifiedSample<T> {
  const { size, allocation, seed } = options;
  if (!Number.isInteger(size) || size < 0) invalid('size', 'size must be a non-negative integer');
  const groups = new Map<string, T[]>();
  const seen = new Set<string>();
  frame.forEach((row, i) => {
    if (seen.has(row.id)) invalid(`frame[${i}].id`, `duplicate id ${row.id} in the frame`);
    seen.add(row.id);
    const key = stratumKeyOf(row, options.strata, i);
    const g = groups.get(key);
    if (g) g.push(row);
    else groups.set(key, [row]);
  });
  const keys = [...groups.keys()].sort();
  const pops = keys.map((k) => groups.get(k)!.length);
  let shares: number[];
  if (allocation === 'proportional') shares = pops;
  else if (allocation === 'equal') shares = pops.map(() => 1);
  else if (allocation === 'neyman') {
    shares = keys.map((k, i) => {
      const s = options.sd?.[k];
      if (s === undefined) invalid(`sd.${k}`, `neyman allocation needs sd for stratum ${k}`);
      if (!(s >= 0) || !Number.isFinite(s)) invalid(`sd.${k}`, 'sd must be finite and non-negative');
      return pops[i] * s;
    });
  } else invalid('allocation', `unknown allocation ${String(allocation)}`);
  const alloc = allocateLargestRemainder(size, shares, pops);
  const sample: (T & { stratum: string; designWeight: number })[] = [];
  keys.forEach((key, h) => {
    const rows = [...groups.get(key)!].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const n = alloc[h];
    const rng = createRng(hashSeed(`${String(seed)}|${typeof seed}|${key}`));
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rng() * (rows.length - i));
      [rows[i], rows[j]] = [rows[j], rows[i]];
      sample.push({ ...rows[i], stratum: key, designWeight: rows.length / n });
    }
  });
  return {
    sample,
    allocation: keys.map((stratum, h) => ({ stratum, population: pops[h], allocated: alloc[h] })),
    seed,
  };
}

/** Options of {@link sampleSizeFor}. */
export interface SampleSizeOptions {
  /** Wanted half-width of the confidence interval for a proportion, e.g. 0.05 = ±5 points. */
  marginOfError: number;
  /** Confidence level, default 0.95. */
  confidence?: number;
  /** Expected proportion, default 0.5 (the most conservative). */
  p?: number;
  /** Population size N for the finite population correction; omit for an infinite population. */
  population?: number;
  /** Design effect of clustering or weighting, default 1. */
  designEffect?: number;
  /** Expected response rate (0, 1], default 1; the result is the number to invite. */
  responseRate?: number;
}

/** Result of {@link sampleSizePlan}. */
export interface SampleSizePlan {
  /** Units to invite (never more than the population). */
  n: number;
  /** Completed answers needed, before the response rate. */
  completes: number;
  /** True when the population cannot supply what is needed: n is then the whole population. */
  capped: boolean;
  /** Plain warnings (English) for the caller to show. */
  warnings: string[];
}

/**
 * Sample size for estimating a proportion (Cochran 1977, §4.2): n0 = z²·p(1−p)/e², times the
 * design effect, then the finite population correction n = n0/(1 + (n0 − 1)/N), then divided by
 * the response rate, rounded up — and never more than the population N: when the invitations
 * needed exceed N the whole population is taken (a census) and the plan says so.
 * e = 0.05, 95 %, p = 0.5, infinite N gives 385.
 */
export function sampleSizePlan(opts: SampleSizeOptions): SampleSizePlan {
  const n = sampleSizeUncapped(opts);
  const completes = sampleSizeUncapped({ ...opts, responseRate: 1 });
  const N = opts.population;
  const warnings: string[] = [];
  if (N === undefined || n <= N) return { n, completes, capped: false, warnings };
  const rr = opts.responseRate ?? 1;
  warnings.push(
    completes >= N || rr === 1
      ? `the margin of error needs the whole population (${N}): a census`
      : `at a response rate of ${rr} the ${completes} answers needed would take ${n} invitations, more than the population (${N}): invite everyone; expect about ${Math.floor(N * rr)} answers`,
  );
  return { n: N, completes: Math.min(completes, N), capped: true, warnings };
}

/** Sample size to invite, never more than the population: see {@link sampleSizePlan}. */
export function sampleSizeFor(opts: SampleSizeOptions): number {
  return sampleSizePlan(opts).n;
}

function sampleSizeUncapped(opts: SampleSizeOptions): number {
  const e = requireFinite(opts.marginOfError, 'marginOfError');
  if (!(e > 0 && e < 1)) invalid('marginOfError', 'marginOfError must be in (0, 1)');
  const p = opts.p ?? 0.5;
  if (!(p >= 0 && p <= 1)) invalid('p', 'p must be in [0, 1]');
  const deff = opts.designEffect ?? 1;
  if (!(deff > 0) || !Number.isFinite(deff)) invalid('designEffect', 'designEffect must be positive');
  const rr = opts.responseRate ?? 1;
  if (!(rr > 0 && rr <= 1)) invalid('responseRate', 'responseRate must be in (0, 1]');
  const z = zForConfidence(opts.confidence ?? 0.95);
  let n = ((z * z * p * (1 - p)) / (e * e)) * deff;
  if (opts.population !== undefined) {
    const N = opts.population;
    if (!(N >= 0) || !Number.isFinite(N)) invalid('population', 'population must be a non-negative number');
    if (N === 0) return 0;
    n = n / (1 + (n - 1) / N);
  }
  // Guard against 384.00000000001 style float noise before rounding up.
  return Math.ceil(n / rr - 1e-9);
}

/** Options of {@link sampleSizeByStratum}. */
export type StratumSampleSizeOptions = Omit<SampleSizeOptions, 'population'> & {
  /**
   * perStratum (default): each stratum gets the size needed for the margin of error within it
   * (for reporting each stratum separately, e.g. urban and rural residents);
   * proportional: one overall size for the whole population, split proportionally.
   */
  mode?: 'perStratum' | 'proportional';
};

/** Sample sizes per stratum and their total. */
export interface StratumSampleSize {
  /** Per stratum: population and sample size (to invite, after response rate, at most the population). */
  strata: { stratum: string; population: number; n: number; capped: boolean }[];
  /** Sum of the per-stratum sizes. */
  total: number;
  /** Strata (or the whole population) that cannot supply the sample needed. */
  warnings: string[];
}

/** Sample size per stratum: see {@link StratumSampleSizeOptions.mode}. */
export function sampleSizeByStratum(
  strata: { stratum: string; population: number }[],
  opts: StratumSampleSizeOptions,
): StratumSampleSize {
  const mode = opts.mode ?? 'perStratum';
  let ns: number[];
  let capped: boolean[];
  const warnings: string[] = [];
  if (mode === 'perStratum') {
    const plans = strata.map((s) => sampleSizePlan({ ...opts, population: s.population }));
    ns = plans.map((p) => p.n);
    capped = plans.map((p) => p.capped);
    plans.forEach((p, i) => p.warnings.forEach((w) => warnings.push(`${strata[i].stratum}: ${w}`)));
  } else {
    const N = strata.reduce((a, s) => a + s.population, 0);
    const plan = sampleSizePlan({ ...opts, population: N });
    warnings.push(...plan.warnings);
    ns = allocateLargestRemainder(
      plan.n,
      strata.map((s) => s.population),
      strata.map((s) => s.population),
    );
    capped = strata.map((s, i) => plan.capped && ns[i] === s.population);
  }
  const out = strata.map((s, i) => ({
    stratum: s.stratum,
    population: s.population,
    n: ns[i],
    capped: capped[i],
  }));
  return { strata: out, total: ns.reduce((a, b) => a + b, 0), warnings };
}
