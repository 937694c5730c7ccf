/**
 * Outcome rates of a survey's fieldwork 调查执行结果率 after AAPOR, Standard Definitions: Final
 * Dispositions of Case Codes and Outcome Rates for Surveys (10th ed., 2023), §"Response rates",
 * "Cooperation rates", "Refusal rates", "Contact rates". With
 *   I complete interviews, P partial interviews, R refusals and break-offs, NC non-contacts,
 *   O other eligible non-interviews, UH + UO cases of unknown eligibility (here one count U),
 * and ineligible cases excluded from every denominator:
 *   RR1   = I / ((I + P) + (R + NC + O) + U)
 *   COOP1 = I / ((I + P) + R + O)
 *   REF1  = R / ((I + P) + (R + NC + O) + U)
 *   CON1  = ((I + P) + R + O) / ((I + P) + R + O + NC + U)
 * RR1 and REF1 are the minimum (most conservative) rates: every case of unknown eligibility
 * is counted as eligible.
 */
import { invalid } from '../stats/fail';

/** Final disposition counts of a sample. */
export interface Dispositions {
  /** Complete interviews (I). */
  complete: number;
  /** Partial interviews (P). */
  partial?: number;
  /** Refusals and break-offs (R). */
  refused: number;
  /** Non-contacts (NC). */
  nonContact: number;
  /** Other eligible non-interviews (O). */
  other?: number;
  /** Unknown eligibility, no interview (UH + UO). */
  unknown: number;
  /** Not eligible: outside every rate. */
  ineligible?: number;
}

/** AAPOR rates; null when the denominator is zero. */
export interface AaporRates {
  rr1: number | null;
  coop1: number | null;
  ref1: number | null;
  con1: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** RR1, COOP1, REF1 and CON1 of the given dispositions (see the file comment). */
export function aaporRates(d: Dispositions): AaporRates {
  const fields = ['complete', 'partial', 'refused', 'nonContact', 'other', 'unknown', 'ineligible'] as const;
  for (const f of fields) {
    const v = d[f] ?? 0;
    if (!(Number.isInteger(v) && v >= 0)) invalid(f, `${f} must be a non-negative whole number`);
  }
  const I = d.complete;
  const P = d.partial ?? 0;
  const R = d.refused;
  const NC = d.nonContact;
  const O = d.other ?? 0;
  const U = d.unknown;
  const all = I + P + R + NC + O + U;
  return {
    rr1: ratio(I, all),
    coop1: ratio(I, I + P + R + O),
    ref1: ratio(R, all),
    con1: ratio(I + P + R + O, all),
  };
}
