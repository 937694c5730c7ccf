import { invalid, requireFinite } from '../stats/fail';

/** One calibration item: the panel's existing scores of a rated leaf and the trainee's score. */
export interface CalibrationItemInput {
  /** The panel raters' scores of the leaf (at least one). */
  panelScores: number[];
  /** The trainee's score of the same leaf. */
  raterScore: number;
  /** Full score of the leaf; deviations are also reported as a share of it. */
  maxScore: number;
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
  };
}

/** Deviation summary of a trainee's calibration exercise against the panel. */
export function calibrationSummary(inputs: CalibrationItemInput[]): CalibrationSummary {
  if (!Array.isArray(inputs) || inputs.length === 0) invalid('items', 'no calibration items answered');
  const items = inputs.map((it, i) => calibrationItemFeedback(it, `items.${i}`));
  const count = items.length;
  const avg = (f: (x: CalibrationItemFeedback) => number) => items.reduce((a, x) => a + f(x), 0) / count;
  const meanAbsZ = avg((x) => Math.abs(x.z));
  return {
    items,
    count,
    meanDeviation: avg((x) => x.deviation),
    meanAbsDeviation: avg((x) => Math.abs(x.deviation)),
    rmsDeviation: Math.sqrt(avg((x) => x.deviation ** 2)),
    meanAbsZ,
    withinRangeShare: avg((x) => (x.withinPanelRange ? 1 : 0)),
    verdict: meanAbsZ <= 1 ? 'close' : meanAbsZ <= 2 ? 'moderate' : 'far',
  };
}
