/** Enums and defaults of the survey API (no zod: imported by the web bundles). */
export { QUESTION_TYPES, type QuestionType } from '@perfcommons/domain';

/** draft → fielding → closed → published. */
export const SURVEY_STATUSES = ['draft', 'fielding', 'closed', 'published'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];
/** How a sample is split between strata. */
export const SAMPLE_ALLOCATIONS = ['proportional', 'equal', 'neyman'] as const;
export type SampleAllocation = (typeof SAMPLE_ALLOCATIONS)[number];
/** perStratum: each stratum reported on its own; proportional: one overall size split by population. */
export const SAMPLE_SIZE_MODES = ['perStratum', 'proportional'] as const;
/** The weighting step of the analysis: raking (the default), post-stratification or design weights only. */
export const WEIGHTING_METHODS = ['rake', 'poststrat', 'design'] as const;
export type WeightingMethod = (typeof WEIGHTING_METHODS)[number];
/**
 * How standard errors are estimated: Taylor linearisation (the default), or replicate weights — the
 * delete-one-PSU jackknife (JKn per stratum, JK1 without strata) or the Rao–Wu rescaling bootstrap
 * (200 replicates, seeded by the survey) — with the weighting steps replayed on every replicate.
 */
export const VARIANCE_METHODS = ['taylor', 'jackknife', 'bootstrap'] as const;
export type VarianceMethod = (typeof VARIANCE_METHODS)[number];
/** Analysis settings used when none are given: raking, weights trimmed to [0.3, 3] × the mean, Taylor SEs. */
export const DEFAULT_ANALYSIS: {
  weighting: WeightingMethod;
  trimMin: number;
  trimMax: number;
  variance: VarianceMethod;
} = {
  weighting: 'rake',
  trimMin: 0.3,
  trimMax: 3,
  variance: 'taylor',
};
/** Where an invitation stands: sampled, issued (link sent), partial (draft saved) or answered. */
export const INVITATION_STATUSES = ['sampled', 'issued', 'partial', 'answered'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
/** Recorded fieldwork outcome of an invitation without an answer (AAPOR dispositions). */
export const INVITATION_OUTCOMES = ['refused', 'non_contact', 'ineligible', 'unknown'] as const;
export type InvitationOutcome = (typeof INVITATION_OUTCOMES)[number];
/** How an interviewer collected an answer: paper, phone or face to face. */
export const INTERVIEW_MODES = ['paper', 'phone', 'face'] as const;
export type InterviewMode = (typeof INTERVIEW_MODES)[number];
/** Every answer mode: the web link, an interviewer's modes, or open (no invitation). */
export const RESPONSE_MODES = ['web', ...INTERVIEW_MODES, 'open'] as const;
/** Replace the sampling frame, or append rows to it (chunked upload). */
export const FRAME_MODES = ['replace', 'append'] as const;
export type FrameMode = (typeof FRAME_MODES)[number];
/** What the answering page shows for an invitation. */
export const INVITATION_STATES = ['open', 'answered', 'not_started', 'closed'] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];
/** Export formats of the raw answers. */
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
