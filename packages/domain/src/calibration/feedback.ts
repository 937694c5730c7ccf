import { invalid, requireFinite } from '../stats/fail';

/** One calibration item: the panel's existing scores of a rated leaf and the trainee's score. */
export interface CalibrationItemInput {
  /** The panel raters' scores of the leaf (at least one). */
  panelScores: number[];
  /** The trainee's score of the same leaf. */
  raterScore: number;
  /** Full score of the leaf; deviations are also reported as a share of it. */
  maxScore: number;
  /**
   * The rubric's score bands (optional). With them, the item says whether the trainee's score falls in
   * the band of the panel's mean (the consensus).
   */
  bands?: { min: number; max: number }[];
}

/** Feedback on one item: where the trainee stands against the panel. */
export interface CalibrationItemFeedback {
  panelCount: number;
  panelMean: number;
  panelMedian: number;
  /** Sample standard deviation of the panel (n − 1); 0 with a single panel score. */
  panelSd: number;
  /** raterScore − panelMean, in score points (positive: more lenient than the panel). */
  deviation: number;
  /** raterScore − panelMedian, in score points. */
  deviationFromMedian: number;
  /** |deviation| / maxScore. */
  deviationShare: number;
  /**
   * z-like measure: deviation / max(panelSd, 5 % of maxScore). The floor keeps a unanimous
   * panel from turning a small difference into an infinite z.
   */
  z: number;
  /** True when the trainee's score lies between the panel's lowest and highest score. */
  withinPanelRange: boolean;
  /** Index (in the given `bands`) of the band of the panel's mean; null without bands. */
  panelBand: number | null;
  /** Index of the band of the trainee's score; null without bands. */
  raterBand: number | null;
  /** True when both scores fall in the same band; null without bands. */
  withinBand: boolean | null;
}

export type CalibrationVerdict = 'close' | 'moderate' | 'far';

export interface CalibrationSummary {
  items: CalibrationItemFeedback[];
  count: number;
  /** Mean of deviations (bias): positive = lenient, negative = severe. */
  meanDeviation: number;
  meanAbsDeviation: number;
  rmsDeviation: number;
  meanAbsZ: number;
  /** Share of items whose score lies within the panel's range. */
  withinRangeShare: number;
  /** Share of items with bands whose score lies in the band of the panel's mean; null when none has bands. */
  withinBandShare: number | null;
  /** close: mean |z| ≤ 1; moderate: ≤ 2; far: above. */
  verdict: CalibrationVerdict;
}

/** Minimum spread used for the z-like measure, as a share of the full score. */
export const CALIBRATION_SD_FLOOR_SHARE = 0.05;

function median(sorted: number[]): number {
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The band a score falls in: among the bands containing it (min ≤ score ≤ max), the one with the highest
 * minimum (a score on a shared boundary belongs to the upper band); a score in a gap between bands belongs
 * to the nearest band.
 */
export function bandOf(bands: { min: number; max: number }[], score: number): number {
  let best = -1;
  let bestDistance = Infinity;
  bands.forEach((b, i) => {
    const distance = score < b.min ? b.min - score : score > b.max ? score - b.max : 0;
    if (distance < bestDistance || (distance === bestDistance && b.min > bands[best]!.min)) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

/** Feedback on one calibration item. */
export function calibrationItemFeedback(input: CalibrationItemInput, path = ''): CalibrationItemFeedback {
  const p = (f: string) => (path ? `${path}.${f}` : f);
  if (!Array.isArray(input.panelScores) || input.panelScores.length === 0)
    invalid(p('panelScores'), 'the panel has no scores for this item');
  const scores = input.panelScores.map((s, i) => requireFinite(s, p(`panelScores.${i}`)));
  const raterScore = requireFinite(input.raterScore, p('raterScore'));
  const maxScore = requireFinite(input.maxScore, p('maxScore'));
  if (maxScore <= 0) invalid(p('maxScore'), 'maxScore must be positive');
  const n = scores.length;
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const sorted = [...scores].sort((a, b) => a - b);
  const sd = n > 1 ? Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (n - 1)) : 0;
  const deviation = raterScore - mean;
  const spread = Math.max(sd, CALIBRATION_SD_FLOOR_SHARE * maxScore);
  let panelBand: number | null = null;
  let raterBand: number | null = null;
  if (input.bands !== undefined) {
    if (!Array.isArray(input.bands) || input.bands.length === 0) invalid(p('bands'), 'bands is empty');
    input.bands.forEach((b, i) => {
      requireFinite(b.min, p(`bands.${i}.min`));
      requireFinite(b.max, p(`bands.${i}.max`));
      if (b.min > b.max) invalid(p(`bands.${i}.min`), 'min is above max');
    });
    panelBand = bandOf(input.bands, mean);
    raterBand = bandOf(input.bands, raterScore);
  }
  return {
    panelCount: n,
    panelMean: mean,
    panelMedian: median(sorted),
    panelSd: sd,
    deviation,
    deviationFromMedian: raterScore - median(sorted),
    deviationShare: Math.abs(deviation) / maxScore,
    z: deviation / spread,
    withinPanelRange: raterScore >= sorted[0]! && raterScore <= sorted[n - 1]!,
    panelBand,
    raterBand,
    withinBand: panelBand === null ? null : panelBand === raterBand,
  };
}

/** Deviation summary of a trainee's calibration exercise against the panel. */
export function calibrationSummary(inputs: CalibrationItemInput[]): CalibrationSummary {
  if (!Array.isArray(inputs) || inputs.length === 0) invalid('items', 'no calibration items answered');
  const items = inputs.map((it, i) => calibrationItemFeedback(it, `items.${i}`));
  const count = items.length;
  const avg = (f: (x: CalibrationItemFeedback) => number) => items.reduce((a, x) => a + f(x), 0) / count;
  const meanAbsZ = avg((x) => Math.abs(x.z));
  const banded = items.filter((x) => x.withinBand !== null);
  return {
    items,
    count,
    meanDeviation: avg((x) => x.deviation),
    meanAbsDeviation: avg((x) => Math.abs(x.deviation)),
    rmsDeviation: Math.sqrt(avg((x) => x.deviation ** 2)),
    meanAbsZ,
    withinRangeShare: avg((x) => (x.withinPanelRange ? 1 : 0)),
    withinBandShare: banded.length ? banded.filter((x) => x.withinBand).length / banded.length : null,
    verdict: meanAbsZ <= 1 ? 'close' : meanAbsZ <= 2 ? 'moderate' : 'far',
  };
}
