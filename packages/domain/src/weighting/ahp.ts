import { DomainError } from '../indicators/errors';

/** Saaty's random consistency index RI for n = 1..15. */
export const SAATY_RI = [
  0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
] as const;

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
 * Throws {@link DomainError} for a non-square, non-positive or non-reciprocal matrix, or n > 15.
 */
export function ahpWeights(matrix: number[][]): AhpResult {
  const n = Array.isArray(matrix) ? matrix.length : 0;
  if (n === 0) throw new DomainError('matrix', 'matrix is empty');
  if (n > SAATY_RI.length)
    throw new DomainError('matrix', `at most ${SAATY_RI.length} criteria (no RI beyond)`);
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
  return { weights: w, lambdaMax, ci, cr: ci / SAATY_RI[n - 1] };
}
