import { invalid } from '../stats/fail';

/** A survey respondent for weighting: id, optional base (design) weight, and category fields. */
export interface WeightingRespondent {
  /** Unique respondent id. */
  id: string;
  /** Design weight from sampling (e.g. N_h/n_h), default 1. */
  baseWeight?: number;
  [dimension: string]: unknown;
}

/** Options of {@link rakeWeights}. */
export interface RakeOptions {
  /** Maximum number of full raking cycles (over all dimensions), default 100. */
  maxIterations?: number;
  /** Convergence: largest absolute error of any margin share, default 1e-6. */
  tolerance?: number;
  /** Trim weights to [min, max] × mean weight after raking, then re-rake (repeated until both hold). */
  trim?: { min?: number; max?: number };
  /** Population total when the margins are shares; default: sum of base weights. */
  populationTotal?: number;
}

/** Result of {@link rakeWeights}. */
export interface RakeResult {
  /** Final weight per respondent id, summing to the population total. */
  weights: Record<string, number>;
  /** Raking cycles performed (all trimming rounds included). */
  iterations: number;
  /** True when every margin share is within tolerance (and the weights within the trim bounds). */
  converged: boolean;
  /** Largest |weighted share − target share| over all margins at the end. */
  maxMarginError: number;
  /** Population total the weights sum to. */
  total: number;
}

function baseWeightOf(r: WeightingRespondent, i: number): number {
  const w = r.baseWeight ?? 1;
  if (!(w > 0) || !Number.isFinite(w)) invalid(`respondents[${i}].baseWeight`, 'baseWeight must be positive');
  return w;
}

/**
 * Raking 迭代比例拟合 (iterative proportional fitting, Deming & Stephan 1940): multiply the weights
 * so the weighted distribution matches each dimension's margin in turn, cycling until all match.
 * Margins may be population totals or shares (each dimension summing to 1); totals of the
 * dimensions should agree — each dimension is rescaled to the first dimension's total.
 * A margin category with a positive target but no respondents cannot be matched and throws.
 */
export function rakeWeights(
  respondents: WeightingRespondent[],
  margins: Record<string, Record<string, number>>,
  options: RakeOptions = {},
): RakeResult {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  const dims = Object.keys(margins);
  if (respondents.length === 0) invalid('respondents', 'rakeWeights needs respondents');
  if (dims.length === 0) invalid('margins', 'rakeWeights needs at least one margin');
  const base = respondents.map(baseWeightOf);
  const sums = dims.map((d) => {
    const cats = margins[d];
    let s = 0;
    for (const [c, v] of Object.entries(cats)) {
      if (!(v >= 0) || !Number.isFinite(v))
        invalid(`margins.${d}.${c}`, 'margin targets must be non-negative');
      s += v;
    }
    if (!(s > 0)) invalid(`margins.${d}`, `margin ${d} sums to zero`);
    return s;
  });
  const shares = sums.every((s) => Math.abs(s - 1) < 1e-6);
  const total = shares ? (options.populationTotal ?? base.reduce((a, b) => a + b, 0)) : sums[0];
  if (!(total > 0)) invalid('populationTotal', 'populationTotal must be positive');
  // Target totals per dimension and category, rescaled to a common total.
  const targets = dims.map((d, k) => {
    const m = new Map<string, number>();
    for (const [c, v] of Object.entries(margins[d])) m.set(c, (v / sums[k]) * total);
    return m;
  });
  const cellOf = dims.map((d, k) =>
    respondents.map((r, i) => {
      const c = r[d];
      if (c === undefined || c === null) invalid(`respondents[${i}].${d}`, `respondent ${r.id} has no ${d}`);
      const key = String(c);
      if (!targets[k].has(key))
        invalid(`respondents[${i}].${d}`, `category ${key} of ${d} is not in the margins`);
      return key;
    }),
  );
  targets.forEach((m, k) => {
    for (const [c, v] of m) {
      if (v > 0 && !cellOf[k].includes(c))
        invalid(
          `margins.${dims[k]}.${c}`,
          `no respondent in ${dims[k]} = ${c}; merge categories before raking`,
        );
    }
  });

  const w = [...base];
  const marginError = (): number => {
    let worst = 0;
    targets.forEach((m, k) => {
      const cur = new Map<string, number>();
      w.forEach((wi, i) => cur.set(cellOf[k][i], (cur.get(cellOf[k][i]) ?? 0) + wi));
      const sumW = w.reduce((a, b) => a + b, 0);
      for (const [c, t] of m) worst = Math.max(worst, Math.abs((cur.get(c) ?? 0) / sumW - t / total));
    });
    return worst;
  };
  const rakeCycle = (): void => {
    targets.forEach((m, k) => {
      const cur = new Map<string, number>();
      w.forEach((wi, i) => cur.set(cellOf[k][i], (cur.get(cellOf[k][i]) ?? 0) + wi));
      for (let i = 0; i < w.length; i++) {
        const c = cellOf[k][i];
        w[i] *= m.get(c)! / cur.get(c)!;
      }
    });
  };
  const trimBounds = (): [number, number] => {
    const mean = total / w.length;
    return [(options.trim?.min ?? 0) * mean, (options.trim?.max ?? Infinity) * mean];
  };
  const outsideTrim = (): boolean => {
    if (!options.trim) return false;
    const [lo, hi] = trimBounds();
    return w.some((x) => x < lo * (1 - 1e-9) || x > hi * (1 + 1e-9));
  };

  let iterations = 0;
  let err = marginError();
  while (iterations < maxIterations) {
    if (err < tolerance && !outsideTrim()) break;
    if (err < tolerance && options.trim) {
      const [lo, hi] = trimBounds();
      for (let i = 0; i < w.length; i++) w[i] = Math.min(hi, Math.max(lo, w[i]));
    }
    rakeCycle();
    iterations++;
    err = marginError();
  }
  const sumW = w.reduce((a, b) => a + b, 0);
  const weights: Record<string, number> = {};
  respondents.forEach((r, i) => {
    if (r.id in weights) invalid(`respondents[${i}].id`, `duplicate respondent id ${r.id}`);
    weights[r.id] = (w[i] * total) / sumW;
  });
  return { weights, iterations, converged: err < tolerance && !outsideTrim(), maxMarginError: err, total };
}

/** Result of {@link postStratifyWeights}. */
export interface PostStratifyResult {
  /** Weight per respondent id: base weight × N_c / Σ base weights in cell c. */
  weights: Record<string, number>;
  /** Cells with a population total but no respondent; their population is not represented. */
  emptyCells: string[];
}

/**
 * Post-stratification 事后分层加权: scale weights within each cell so they sum to that cell's
 * population total. The cell is `respondent.cell`, or the values of `options.cellFields` joined with '|'.
 */
export function postStratifyWeights(
  respondents: WeightingRespondent[],
  cellTotals: Record<string, number>,
  options: { cellFields?: string[] } = {},
): PostStratifyResult {
  const cells = respondents.map((r, i) => {
    let key: string;
    if (options.cellFields && options.cellFields.length > 0) {
      key = options.cellFields
        .map((f) => {
          if (r[f] === undefined || r[f] === null)
            invalid(`respondents[${i}].${f}`, `respondent ${r.id} has no ${f}`);
          return String(r[f]);
        })
        .join('|');
    } else {
      if (r.cell === undefined || r.cell === null)
        invalid(`respondents[${i}].cell`, `respondent ${r.id} has no cell`);
      key = String(r.cell);
    }
    if (!(key in cellTotals)) invalid(`respondents[${i}]`, `cell ${key} has no population total`);
    return key;
  });
  const base = respondents.map(baseWeightOf);
  const cellSum = new Map<string, number>();
  cells.forEach((c, i) => cellSum.set(c, (cellSum.get(c) ?? 0) + base[i]));
  const weights: Record<string, number> = {};
  respondents.forEach((r, i) => {
    const N = cellTotals[cells[i]];
    if (!(N >= 0) || !Number.isFinite(N))
      invalid(`cellTotals.${cells[i]}`, 'cell totals must be non-negative');
    if (r.id in weights) invalid(`respondents[${i}].id`, `duplicate respondent id ${r.id}`);
    weights[r.id] = (base[i] * N) / cellSum.get(cells[i])!;
  });
  const emptyCells = Object.keys(cellTotals)
    .filter((c) => cellTotals[c] > 0 && !cellSum.has(c))
    .sort();
  return { weights, emptyCells };
}
