/**
 * Nonresponse adjustment by weighting classes 无回答加权调整（加权组法）(Kalton & Flores-Cervantes
 * 2003, J. Official Statistics 19:81–97, §2.1; Lohr 2019, Sampling: Design and Analysis, §8.5.1):
 * within each class c the respondents' design weights are scaled by
 *
 *   f_c = Σ_{eligible sampled units in c} d_i / Σ_{respondents in c} d_i,
 *
 * so that the respondents of a class represent every eligible unit sampled in it. Ineligible
 * units are left out of the numerator; units of unknown eligibility are counted as eligible
 * (the conservative choice, as AAPOR's RR1). Applied before calibration (post-stratification,
 * raking). With classes = strata of a stratified SRS (constant d within a stratum) it gives
 * d·f = N_h / r_h, r_h the respondents of the stratum.
 */
import { invalid } from '../stats/fail';

/** One class: the design-weight total of its eligible sampled units. */
export interface NonresponseClassTotals {
  [cls: string]: number;
}

export interface NonresponseAdjustment {
  /** Adjusted weight per respondent. */
  weights: number[];
  /** Factor per class. */
  factors: Record<string, number>;
  /** Classes with eligible units but no respondent: their units are not represented. */
  emptyClasses: string[];
}

/**
 * Scales each respondent's design weight by its class's factor (see the file comment).
 * `eligibleTotals[c]` is Σ d over the eligible sampled units of class c (respondents included).
 * A class with respondents but no total is refused; a factor below 1 (fewer eligible than
 * respondents' weight) is refused as inconsistent.
 */
export function nonresponseAdjust(
  weights: number[],
  classes: string[],
  eligibleTotals: NonresponseClassTotals,
): NonresponseAdjustment {
  if (classes.length !== weights.length) invalid('classes', 'one class per respondent');
  const resp = new Map<string, number>();
  weights.forEach((w, i) => {
    if (!(Number.isFinite(w) && w >= 0)) invalid(`weights[${i}]`, 'weights must be finite and non-negative');
    resp.set(classes[i], (resp.get(classes[i]) ?? 0) + w);
  });
  const factors: Record<string, number> = {};
  for (const [c, r] of resp) {
    const e = eligibleTotals[c];
    if (e === undefined || !Number.isFinite(e))
      invalid(`eligibleTotals.${c}`, `no eligible total for class ${c}`);
    if (!(r > 0)) invalid(`weights`, `class ${c}: respondents' weights sum to zero`);
    if (e < r * (1 - 1e-9))
      invalid(`eligibleTotals.${c}`, `class ${c}: eligible total ${e} is below the respondents' ${r}`);
    factors[c] = e / r;
  }
  const emptyClasses = Object.keys(eligibleTotals)
    .filter((c) => !resp.has(c) && eligibleTotals[c] > 0)
    .sort();
  return { weights: weights.map((w, i) => w * factors[classes[i]]), factors, emptyClasses };
}
