import { DomainError } from '../indicators/errors';

/** Saaty's random consistency index RI for n = 1..15. */
export const SAATY_RI = [
  0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
] as const;

/**
 * Random index for n criteria: Saaty's table up to 15, beyond it Alonso & Lamata's (2006)
 * regression of the mean random λmax = 2.7699·n − 4.3513, i.e. RI = (1.7699·n − 4.3513)/(n − 1)
 * (1.5855 at n = 15 against Saaty's 1.59).
 */
export function randomIndex(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new DomainError('n', 'n must be a positive integer');
  if (n <= SAATY_RI.length) return SAATY_RI[n - 1];
  return (1.7699 * n - 4.3513) / (n - 1);
}

/**
 * Group judgement 群组判断集结: the element-wise (weighted) geometric mean of the experts'
 * pairwise comparison matrices (aggregation of individual judgements, Aczél & Saaty 1983;
 * Forman & Peniwati 1998), which keeps the matrix reciprocal. Weights default to equal.
 */
export function ahpAggregate(matrices: number[][][], weights?: number[]): number[][] {
  if (!Array.isArray(matrices) || matrices.length === 0)
    throw new DomainError('matrices', 'at least one judgement matrix');
  const n = matrices[0].length;
  const w = weights ?? matrices.map(() => 1);
  if (w.length !== matrices.length) throw new DomainError('weights', 'one weight per matrix');
  if (w.some((x) => !(x > 0) || !Number.isFinite(x)))
    throw new DomainError('weights', 'weights must be positive');
  const sw = w.reduce((a, b) => a + b, 0);
  matrices.forEach((m, e) => {
    if (!Array.isArray(m) || m.length !== n || m.some((r) => !Array.isArray(r) || r.length !== n))
      throw new DomainError(`matrices[${e}]`, `every matrix must be ${n} × ${n}`);
    m.forEach((r, i) =>
      r.forEach((a, j) => {
        if (!(a > 0) || !Number.isFinite(a))
          throw new DomainError(`matrices[${e}][${i}][${j}]`, 'entries must be positive');
      }),
    );
  });
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) =>
      Math.exp(matrices.reduce((s, m, e) => s + w[e] * Math.log(m[i][j]), 0) / sw),
    ),
  );
}

/** AHP weights of a group: {@link ahpWeights} of {@link ahpAggregate}. */
export function ahpGroupWeights(matrices: number[][][], weights?: number[]): AhpResult {
  return ahpWeights(ahpAggregate(matrices, weights));
}

/** Acceptable consistency ratio 一致性比率 (CR < 0.1). */
export const CR_THRESHOLD = 0.1;

/** Result of {@link ahpWeights}. */
export interface AhpResult {
  /** Principal eigenvector, sum 1. */
  weights: number[];
  lambdaMax: number;
  /** Consistency index (λmax − n) / (n − 1); 0 for n ≤ 2. */
  ci: number;
  /** Consistency ratio CI / RI; 0 for n ≤ 2. Below {@link CR_THRESHOLD} is acceptable. */
  cr: number;
}

const RECIPROCAL_TOLERANCE = 1e-6;

/**
 * AHP 层次分析法 weights from a pairwise comparison matrix (a[i][j] = how much more important i is
 * than j, a[j][i] = 1 / a[i][j]), by power iteration of the principal eigenvector to 1e-12.
 * Throws {@link DomainError} for a non-square, non-positive or non-reciprocal matrix. Beyond
 * 15 criteria the consistency ratio uses {@link randomIndex}.
 */
export function ahpWeights(matrix: number[][]): AhpResult {
  const n = Array.isArray(matrix) ? matrix.length : 0;
  if (n === 0) throw new DomainError('matrix', 'matrix is empty');
  const details: { field: string; message: string }[] = [];
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) {
      details.push({ field: `matrix[${i}]`, message: `row has ${row?.length ?? 0} entries, expected ${n}` });
    }
  });
  if (details.length > 0) throw new DomainError('matrix', 'matrix is not square', details);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = matrix[i][j];
      if (!Number.isFinite(a) || a <= 0) {
        details.push({ field: `matrix[${i}][${j}]`, message: `entry ${a} must be a positive number` });
      }
    }
  }
  if (details.length > 0) throw new DomainError('matrix', 'matrix has non-positive entries', details);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      if (Math.abs(matrix[i][j] * matrix[j][i] - 1) > RECIPROCAL_TOLERANCE) {
        details.push({
          field: `matrix[${j}][${i}]`,
          message: `expected 1 / ${matrix[i][j]} = ${1 / matrix[i][j]}, got ${matrix[j][i]}`,
        });
      }
    }
  }
  if (details.length > 0) throw new DomainError('matrix', 'matrix is not reciprocal', details);

  let w = new Array<number>(n).fill(1 / n);
  const multiply = (v: number[]) => matrix.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
  for (let iter = 0; iter < 10_000; iter++) {
    const next = multiply(w);
    const sum = next.reduce((s, x) => s + x, 0);
    const normalised = next.map((x) => x / sum);
    const delta = Math.max(...normalised.map((x, i) => Math.abs(x - w[i])));
    w = normalised;
    if (delta < 1e-12) break;
  }
  const aw = multiply(w);
  const lambdaMax = aw.reduce((s, x, i) => s + x / w[i], 0) / n;
  if (n <= 2) return { weights: w, lambdaMax, ci: 0, cr: 0 };
  // A consistent matrix gives λmax = n; rounding can push it a hair below.
  const ci = Math.max(0, (lambdaMax - n) / (n - 1));
  return { weights: w, lambdaMax, ci, cr: ci / randomIndex(n) };
}
