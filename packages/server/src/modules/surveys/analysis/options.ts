import type { VarianceMethod } from '@perfcommons/contracts/enums';
import type { Answers } from '@perfcommons/domain';

export type WeightingMethod = 'design' | 'poststrat' | 'rake';

export interface AnalysisOptions {
  weighting: WeightingMethod;
  /** Raking: weights kept within [trimMin, trimMax] × mean weight. */
  trimMin: number;
  trimMax: number;
  /** Standard errors by Taylor linearisation (default) or replicate weights. */
  variance?: VarianceMethod;
}

/** Bootstrap replicates of a report (R's default for `as.svrepdesign(type = "subbootstrap")` is 50). */
export const BOOTSTRAP_REPLICATES = 200;

export { DEFAULT_ANALYSIS } from '@perfcommons/contracts';

export interface Resp {
  id: string;
  stratum: string;
  profile: Record<string, string>;
  designWeight: number;
  answers: Answers;
  mode: string;
}
