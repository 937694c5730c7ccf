/** Number formats of the survey analysis: one decimal, CI, margin of error, p-values, stratum labels. */
import { pick } from '../../i18n';
import type { Estimate, SurveyAnalysis as Analysis } from '@perfcommons/contracts';

export const f1 = (x: number | null | undefined) => (x == null ? '—' : x.toFixed(1));
export const ci = (e: Estimate | null) => (e?.ci95[0] == null ? '—' : `${f1(e.ci95[0])} – ${f1(e.ci95[1])}`);
/** Margin of error beside an estimate: ± t·SE on the design degrees of freedom. */
export const moe = (e: Estimate | null | undefined) => (e?.moe == null ? '—' : `± ${f1(e.moe)}`);

/** A stratum key by its labels (the analysis carries them), else its values joined with ' · '. */
export const stratumLabelOf = (labels: Analysis['labels'], lang: string) => (s: string) => {
  const l = labels?.strata[s];
  return l ? pick(lang, l.label, l.labelEn) : s.split('|').join(' · ');
};
export const pFmt = (p: number | null) => (p == null ? '—' : p < 0.0001 ? '< 0.0001' : p.toFixed(4));
