import { chiSquareSurvival } from '../stats/distributions';

/** Nigrini's first-digit conformity classes by mean absolute deviation. */
export type BenfordConformity = 'close' | 'acceptable' | 'marginal' | 'nonconformity';

/** Result of {@link benfordTest}. */
export interface BenfordResult {
  /** Pearson χ² over the 9 first digits (8 degrees of freedom; 15.51 is the 5 % critical value). */
  chiSquare: number;
  /**
   * P(χ²₈ ≥ chiSquare): the p-value of the first-digit test; NaN without values. With large n
   * almost any data set is "significant" (Nigrini 2012, §5): read it with the MAD conformity.
   */
  pValue: number;
  /** Mean absolute deviation of observed from expected shares (Nigrini 2012). */
  mad: number;
  /** Observed count per first digit, index 0 = digit 1. */
  counts: number[];
  /** Expected count per first digit, n·log10(1 + 1/d). */
  expected: number[];
  /** Values counted (non-zero and finite). */
  n: number;
  /** MAD ≤ 0.006 close, ≤ 0.012 acceptable, ≤ 0.015 marginal, else nonconformity. */
  conformity: BenfordConformity;
}

/** Benford expected share of first digit d = 1..9. */
export const BENFORD_FIRST_DIGIT: readonly number[] = Array.from({ length: 9 }, (_, i) =>
  Math.log10(1 + 1 / (i + 1)),
);

/** First significant digit of |v| (1..9), or 0 for zero and non-finite values. */
export function firstSignificantDigit(v: number): number {
  if (!Number.isFinite(v) || v === 0) return 0;
  // toExponential gives the decimal digits exactly as printed, avoiding log10 rounding at powers of 10.
  return Number(Math.abs(v).toExponential()[0]);
}

/**
 * Benford's law first-digit test 本福特定律检验 for reported data (a screening signal for
 * fabricated figures, not proof). Zero and non-finite values are ignored. Thresholds from
 * Nigrini, Forensic Analytics (2012), Table 7.1. Needs a few hundred values spanning orders of magnitude.
 */
export function benfordTest(values: number[]): BenfordResult {
  const counts = new Array<number>(9).fill(0);
  for (const v of values) {
    const d = firstSignificantDigit(v);
    if (d > 0) counts[d - 1]++;
  }
  const n = counts.reduce((a, b) => a + b, 0);
  const expected = BENFORD_FIRST_DIGIT.map((p) => n * p);
  let chiSquare = 0;
  let mad = 0;
  if (n > 0) {
    for (let i = 0; i < 9; i++) {
      chiSquare += (counts[i] - expected[i]) ** 2 / expected[i];
      mad += Math.abs(counts[i] / n - BENFORD_FIRST_DIGIT[i]);
    }
    mad /= 9;
  }
  const conformity: BenfordConformity =
    n === 0
      ? 'nonconformity'
      : mad <= 0.006
        ? 'close'
        : mad <= 0.012
          ? 'acceptable'
          : mad <= 0.015
            ? 'marginal'
            : 'nonconformity';
  return {
    chiSquare,
    pValue: n > 0 ? chiSquareSurvival(chiSquare, 8) : NaN,
    mad,
    counts,
    expected,
    n,
    conformity,
  };
}
