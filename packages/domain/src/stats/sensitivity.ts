import { createRng } from './random';
import { invalid, requireFinite } from './fail';

/** One appraisee for {@link rankSensitivity}. */
export interface SensitivityAppraisee {
  /** Appraisee id. */
  id: string;
  /** Ranking happens within a peer group 同类别 (e.g. county governments vs. departments). */
  peerGroup: string;
  /** Attainment on each leaf indicator (same order as the weights), e.g. 0..1 or 0..100 points. */
  leafAttainments: number[];
  /** Points added outside the weighted sum and not perturbed (bonus − deduction), default 0. */
  offset?: number;
}

/** Options of {@link rankSensitivity}. */
export interface RankSensitivityOptions {
  /** Appraisees to rank. */
  appraisees: SensitivityAppraisee[];
  /** Leaf indicator weights (any positive scale; renormalised). */
  weights: number[];
  /** Each weight is multiplied by U(1 − p, 1 + p), default 0.1 (±10 %). */
  perturbation?: number;
  /** Monte Carlo runs, default 1000. */
  runs?: number;
  /** PRNG seed: same seed ⇒ same result. */
  seed: number | string;
}

/** How stable one appraisee's rank is under weight perturbation. */
export interface RankStability {
  /** Appraisee id. */
  id: string;
  /** Peer group. */
  peerGroup: string;
  /** Rank with the given weights (1 = best; ties share the better rank). */
  baseRank: number;
  /** Best and worst rank seen. */
  rankMin: number;
  rankMax: number;
  /** Share of runs in which the rank equalled baseRank. */
  sameRankShare: number;
  /** 5th and 95th percentile rank (nearest-rank method). */
  p5Rank: number;
  p95Rank: number;
}

/**
 * Competition ranks ("1224") of scores within each peer group, higher score = better: 1 + the number
 * of scores in the group above the own score by more than a relative epsilon (which keeps equal sums
 * that differ by float noise tied). Counted by binary search over the group's sorted scores, so a run
 * costs O(g log g) per group of g instead of comparing every pair.
 */
function ranksWithin(groups: number[][], scores: number[]): number[] {
  const ranks = new Array<number>(scores.length);
  for (const idx of groups) {
    const sorted = Float64Array.from(idx, (i) => scores[i]).sort();
    for (const i of idx) {
      const threshold = scores[i] + 1e-12 * (1 + Math.abs(scores[i]));
      // First position whose score is above the threshold: everything from there on is better.
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] > threshold) hi = mid;
        else lo = mid + 1;
      }
      ranks[i] = sorted.length - lo + 1;
    }
  }
  return ranks;
}

function nearestRank(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Sensitivity of rankings to weights 权重敏感性分析 (Monte Carlo, as in the OECD/JRC Handbook on
 * Constructing Composite Indicators, 2008, §1.7): in each run every weight is multiplied by an
 * independent U(1 − p, 1 + p) factor, the weights are renormalised, weighted sums recomputed and
 * appraisees re-ranked within their peer group.
 */
export function rankSensitivity(options: RankSensitivityOptions): RankStability[] {
  const { appraisees, weights, seed } = options;
  const p = options.perturbation ?? 0.1;
  const runs = options.runs ?? 1000;
  if (!(p >= 0 && p < 1)) invalid('perturbation', 'perturbation must be in [0, 1)');
  if (!Number.isInteger(runs) || runs < 1) invalid('runs', 'runs must be a positive integer');
  const m = weights.length;
  weights.forEach((w, i) => {
    if (!(w >= 0) || !Number.isFinite(w)) invalid(`weights[${i}]`, 'weights must be finite and non-negative');
  });
  if (!(weights.reduce((a, b) => a + b, 0) > 0)) invalid('weights', 'weights sum to zero');
  appraisees.forEach((a, i) => {
    if (a.leafAttainments.length !== m) invalid(`appraisees[${i}].leafAttainments`, `needs ${m} attainments`);
    a.leafAttainments.forEach((v, j) => requireFinite(v, `appraisees[${i}].leafAttainments[${j}]`));
  });
  const groupMap = new Map<string, number[]>();
  appraisees.forEach((a, i) => {
    const g = groupMap.get(a.peerGroup);
    if (g) g.push(i);
    else groupMap.set(a.peerGroup, [i]);
  });
  const groups = [...groupMap.values()];
  const n = appraisees.length;
  // Attainments in one flat array and plain loops: this runs runs × n × m times.
  const att = new Float64Array(n * m);
  const offset = new Float64Array(n);
  appraisees.forEach((a, i) => {
    att.set(a.leafAttainments, i * m);
    offset[i] = a.offset ?? 0;
  });
  const scores = new Array<number>(n);
  const scoresWith = (w: ArrayLike<number>) => {
    let s = 0;
    for (let j = 0; j < m; j++) s += w[j];
    for (let i = 0; i < n; i++) {
      let acc = offset[i];
      for (let j = 0; j < m; j++) acc += (att[i * m + j] * w[j]) / s;
      scores[i] = acc;
    }
    return scores;
  };
  const base = ranksWithin(groups, scoresWith(weights));
  const rng = createRng(seed);
  const seen = new Int32Array(n * runs);
  const w = new Array<number>(m);
  for (let r = 0; r < runs; r++) {
    for (let j = 0; j < m; j++) w[j] = weights[j] * (1 - p + 2 * p * rng());
    const ranks = ranksWithin(groups, scoresWith(w));
    for (let i = 0; i < n; i++) seen[i * runs + r] = ranks[i];
  }
  return appraisees.map((a, i) => {
    const sorted = seen.subarray(i * runs, (i + 1) * runs).sort();
    let same = 0;
    for (let r = 0; r < runs; r++) if (sorted[r] === base[i]) same++;
    return {
      id: a.id,
      peerGroup: a.peerGroup,
      baseRank: base[i],
      rankMin: sorted[0],
      rankMax: sorted[runs - 1],
      sameRankShare: same / runs,
      p5Rank: nearestRank(sorted, 0.05),
      p95Rank: nearestRank(sorted, 0.95),
    };
  });
}
