import { mean, sampleStandardDeviation } from 'simple-statistics';

/** A data-integrity flag 异常标记 on a reported value. */
export interface AnomalyFlag {
  /** jump: far from history; outOfRange: outside plausible bounds; repeated: same as the last 3 reports. */
  kind: 'jump' | 'outOfRange' | 'repeated';
  /** Human-readable explanation with the numbers. */
  message: string;
}

/** Input of {@link anomalyFlags}. */
export interface AnomalyInput {
  /** Earlier values of the same indicator for the same appraisee (oldest first). */
  history: number[];
  /** The newly reported value. */
  value: number;
  /** Jump threshold in sample standard deviations, default 3. */
  k?: number;
  /** Plausible bounds (e.g. a rate cannot exceed 100). */
  plausibleMin?: number;
  plausibleMax?: number;
  /** Most recent reports (oldest first) for the repeat check; default: history. */
  recent?: number[];
}

/**
 * Flags on a reported value: jump when |value − mean(history)| > k·sd (needs ≥ 3 history values
 * and sd > 0), outOfRange outside [plausibleMin, plausibleMax] or non-finite, repeated when the
 * value equals each of the last 3 reported values (possible copy-forward instead of measurement).
 */
export function anomalyFlags(input: AnomalyInput): AnomalyFlag[] {
  const { value } = input;
  const k = input.k ?? 3;
  const flags: AnomalyFlag[] = [];
  const history = input.history.filter((v) => Number.isFinite(v));
  if (!Number.isFinite(value)) {
    flags.push({ kind: 'outOfRange', message: `value ${value} is not a finite number` });
    return flags;
  }
  if (history.length >= 3) {
    const m = mean(history);
    const sd = sampleStandardDeviation(history);
    if (sd > 0 && Math.abs(value - m) > k * sd) {
      const z = (value - m) / sd;
      flags.push({
        kind: 'jump',
        message: `value ${value} is ${z.toFixed(1)} standard deviations from the historical mean ${fmt(m)} (sd ${fmt(sd)}, threshold ${k})`,
      });
    }
  }
  if (input.plausibleMin !== undefined && value < input.plausibleMin)
    flags.push({
      kind: 'outOfRange',
      message: `value ${value} is below the plausible minimum ${input.plausibleMin}`,
    });
  if (input.plausibleMax !== undefined && value > input.plausibleMax)
    flags.push({
      kind: 'outOfRange',
      message: `value ${value} is above the plausible maximum ${input.plausibleMax}`,
    });
  const recent = input.recent ?? input.history;
  if (recent.length >= 3 && recent.slice(-3).every((v) => v === value))
    flags.push({ kind: 'repeated', message: `value ${value} equals each of the last 3 reported values` });
  return flags;
}

function fmt(x: number): string {
  return Number(x.toPrecision(6)).toString();
}
