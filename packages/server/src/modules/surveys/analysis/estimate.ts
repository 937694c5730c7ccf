import type { VarianceMethod } from '@perfcommons/contracts/enums';
import {
  kishWeightingEffect,
  scaleAnswer,
  svyChisq,
  svyMean,
  svyProportion,
  svyRepMean,
  tQuantile,
  type Answers,
  type ReplicateDesign,
  type ScaleItem,
  type SurveyDesign,
  type SurveyEstimate,
} from '@perfcommons/domain';
import type { Resp } from './options';

/**
 * Estimate rounded for transport; NaN (one answer) becomes null. `ci95` is the t interval on the
 * design df, kept within the scale (logit-transformed for bounded measures); `moe` the margin of
 * error t·SE; `designEffect` the true design effect (variance over SRS without replacement of the
 * same size, R's deff = TRUE) and `effectiveN` = n / designEffect; Kish's weighting effect is
 * reported separately as `weightingEffect`.
 */
export const est = (
  e: SurveyEstimate,
  weights: number[],
  member: boolean[],
  method: VarianceMethod = 'taylor',
) => {
  const r = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);
  const kish = kishWeightingEffect(weights.map((w, i) => (member[i] ? w : 0)));
  const deffOk = Number.isFinite(e.deff) && e.deff > 0;
  const t = Number.isFinite(e.se) ? tQuantile(0.975, Math.max(1, e.df)) : NaN;
  const ci95: [number | null, number | null] = [r(e.ci[0]), r(e.ci[1])];
  return {
    mean: r(e.estimate),
    se: r(e.se),
    ci95,
    moe: r(t * e.se),
    df: e.df,
    n: e.n,
    effectiveN: r(deffOk ? e.n / e.deff : kish.effectiveN),
    designEffect: deffOk ? r(e.deff) : null,
    weightingEffect: r(kish.weightingEffect),
    method,
  };
};

/**
 * The estimator of an analysis: the design-based mean (or proportion) with its Taylor SE, or — with
 * replicate weights — the same point estimate with the replicate SE, interval (logit scale within the
 * bounds) and df; the design effect then is the replicate variance over the same SRS variance
 * (Taylor deff × (SE_rep / SE_taylor)²).
 */
export function estimatorOf(design: SurveyDesign, rep: ReplicateDesign | null, method: VarianceMethod) {
  return (ys: (number | boolean | null)[], bounds: [number, number]) => {
    const member = ys.map((y) => y !== null);
    const proportion = ys.some((y) => typeof y === 'boolean');
    // Without a boolean the values are numbers already (Number keeps them as they are).
    const nums = ys.map((y) => (y === null ? null : Number(y)));
    const e = proportion ? svyProportion(design, ys) : svyMean(design, nums, { bounds });
    if (!rep) return est(e, design.weights, member);
    const r = svyRepMean(rep, nums, { bounds });
    const deff = Number.isFinite(e.deff) && e.se > 0 ? e.deff * (r.se / e.se) ** 2 : NaN;
    return est({ ...e, se: r.se, ci: r.ci, df: r.df, deff }, design.weights, member, method);
  };
}
export type Estimator = ReturnType<typeof estimatorOf>;
export type EstimateOut = ReturnType<typeof est>;
export const round = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

/**
 * Rao–Scott test of independence of stratum and answer (second-order F as R's `svychisq`
 * default, with the first-order chi-square beside it); null when the table has fewer than two
 * levels on a side or the design gives no variance.
 */
export function raoScott(design: SurveyDesign, rows: unknown[], cols: unknown[]) {
  let t;
  try {
    t = svyChisq(design, rows, cols);
  } catch {
    return null;
  }
  if (!Number.isFinite(t.f)) return null;
  return {
    method: 'Rao-Scott second-order F',
    pearson: round(t.pearson),
    f: round(t.f),
    ndf: round(t.ndf),
    ddf: round(t.ddf),
    p: round(t.p, 6),
    chisq: round(t.chisq),
    df: t.df,
    chisqP: round(t.chisqP, 6),
    meanDeff: round(t.meanDeff),
    n: t.n,
  };
}

/** Mean score (0–100) of a respondent over the given scale items they answered, or null. */
export function itemScore(items: ScaleItem[], answers: Answers): number | null {
  let sum = 0;
  let n = 0;
  for (const it of items) {
    const v = scaleAnswer(it, answers);
    if (v !== null) {
      sum += (100 * v) / it.points;
      n++;
    }
  }
  return n ? sum / n : null;
}

/**
 * Satisfaction index (0–100) over the items, as a design-based mean of each respondent's item
 * score; respondents outside `domain` (or without an answer) are zeroed, not dropped.
 */
export function indexOver(
  items: ScaleItem[],
  resp: Resp[],
  design: SurveyDesign,
  domain?: boolean[],
  estimate: Estimator = estimatorOf(design, null, 'taylor'),
) {
  const ys = resp.map((r, i) => (domain && !domain[i] ? null : itemScore(items, r.answers)));
  const member = ys.map((y) => y !== null);
  if (!member.some((m, i) => m && design.weights[i] > 0)) return null;
  return estimate(ys, [0, 100]);
}
