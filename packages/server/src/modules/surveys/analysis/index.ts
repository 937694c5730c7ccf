/**
 * Survey analysis: the sample design the survey was drawn with (strata from the frame, finite
 * population correction from the frame's stratum counts) and its weighting step (design weights,
 * post-stratification, or raking with trimming), design-based estimates (domain `svyMean`,
 * `svyProportion`: linearised SE with calibration, t interval on the design df kept within the
 * scale, margin of error, true design effect), satisfaction index per appraisee and dimension,
 * Cronbach's alpha, cross-tabs by stratum, keywords; exports; the published report and the
 * satisfaction figures it feeds into the cycle's results. All statistics are domain functions.
 */
export {
  BOOTSTRAP_REPLICATES,
  DEFAULT_ANALYSIS,
  type AnalysisOptions,
  type WeightingMethod,
} from './options';
export type { EstimateOut } from './estimate';
export { computeAnalysis } from './compute';
export { analyseSurvey } from './analyse-survey';
export { publishSurvey } from './publish-survey';
export { getPublishedReport, listPublishedSurveys } from './published-reports';
export { exportableSurvey, exportAnswers } from './export-answers';
export { surveyInputsForCycle, type SurveyInput } from './cycle-inputs';
