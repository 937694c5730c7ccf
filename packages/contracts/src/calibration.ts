/**
 * Raters' calibration exercise 评分校准: reference cases of qualitative indicators with the panel's scores;
 * a trainee scores them and gets feedback on how far they are from the panel (`calibrationSummary`).
 */
import { z } from 'zod';
import { Timestamp } from './common';
import { RubricSchema, SubjectTypeSchema } from './plans';

/** Most reference cases of one cycle's exercise. */
export const MAX_CALIBRATION_CASES = 20;
export const CALIBRATION_SOURCES = ['office', 'panel'] as const;
export const CALIBRATION_VERDICTS = ['close', 'moderate', 'far'] as const;
export const CALIBRATION_STATUSES = ['not_started', 'in_progress', 'completed'] as const;

const score = z.number().finite().min(0).max(100);

/** Feedback on one answered case: the trainee against the panel. */
export const CalibrationCaseFeedback = z.object({
  panelCount: z.number().int(),
  /** The panel's mean: the consensus score. */
  panelMean: z.number(),
  panelMedian: z.number(),
  /** Sample standard deviation of the panel's scores. */
  panelSd: z.number(),
  panelMin: z.number(),
  panelMax: z.number(),
  /** Trainee's score − panel mean (positive: more lenient). */
  deviation: z.number(),
  /** |deviation| / 100. */
  deviationShare: z.number(),
  /** deviation / max(panel SD, 5 points). */
  z: z.number(),
  withinPanelRange: z.boolean(),
  /** Index in the case's rubric of the band of the panel's mean, and of the trainee's score. */
  panelBand: z.number().int(),
  raterBand: z.number().int(),
  /** Trainee's score in the band of the panel's mean. */
  withinBand: z.boolean(),
});
export type CalibrationCaseFeedback = z.infer<typeof CalibrationCaseFeedback>;

/** Over the answered cases. */
export const CalibrationSummary = z.object({
  count: z.number().int(),
  /** Mean signed deviation: positive = lenient, negative = severe. */
  bias: z.number(),
  meanAbsDeviation: z.number(),
  rmsDeviation: z.number(),
  meanAbsZ: z.number(),
  withinRangeShare: z.number(),
  /** Share of cases scored in the band of the panel's mean. */
  withinBandShare: z.number(),
  /** close: mean |z| ≤ 1; moderate: ≤ 2; far: above. */
  verdict: z.enum(CALIBRATION_VERDICTS),
});
export type CalibrationSummary = z.infer<typeof CalibrationSummary>;

/**
 * One reference case. The panel's scores are shown to the office always, to a trainee only after
 * answering (as the feedback's figures, never the individual scores).
 */
export const CalibrationCase = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  position: z.number().int(),
  title: z.string(),
  titleEn: z.string().nullable(),
  indicatorName: z.string(),
  indicatorNameEn: z.string().nullable(),
  description: z.string(),
  descriptionEn: z.string().nullable(),
  rubric: RubricSchema,
  source: z.enum(CALIBRATION_SOURCES),
  /** Office only: the panel's individual scores (anonymous). */
  panelScores: z.array(z.number()).nullable(),
  /** Office only: the derived case's panel (plan, indicator, subject). */
  sourcePlanId: z.uuid().nullable(),
  sourceIndicatorCode: z.string().nullable(),
  sourceSubjectType: z.string().nullable(),
  /** Office only: trainees who answered the case. */
  answers: z.number().int().nullable(),
  /** The reader's own answer with its feedback; null before answering. */
  answer: z
    .object({ score: z.number(), answeredAt: Timestamp, feedback: CalibrationCaseFeedback })
    .nullable(),
  createdAt: Timestamp,
});
export type CalibrationCase = z.infer<typeof CalibrationCase>;

/** The exercise of a cycle as the reader sees it. */
export const CalibrationReply = z.object({
  cycleId: z.uuid(),
  cases: z.array(CalibrationCase),
  answered: z.number().int(),
  status: z.enum(CALIBRATION_STATUSES),
  /** The reader's feedback over the answered cases; null before the first answer. */
  summary: CalibrationSummary.nullable(),
  can: z.object({
    /** Define, derive and remove cases, see every rater's status (the office). */
    manage: z.boolean(),
    /** Score the cases (raters of the cycle: evaluation tasks, evaluators). */
    answer: z.boolean(),
  }),
});
export type CalibrationReply = z.infer<typeof CalibrationReply>;

/** A case written by the office. */
export const CalibrationCaseBody = z.object({
  /** Short title, e.g. `某局政务公开工作`. */
  title: z.string().trim().min(1).max(200),
  titleEn: z.string().trim().max(200).optional(),
  /** The qualitative indicator the case is scored on. */
  indicatorName: z.string().trim().min(1).max(200),
  indicatorNameEn: z.string().trim().max(200).optional(),
  /** The facts of the performance the trainee scores. */
  description: z.string().trim().min(1).max(4000),
  descriptionEn: z.string().trim().max(8000).optional(),
  /** The rubric the panel scored with (2–6 bands). */
  rubric: RubricSchema,
  /** The panel's scores (0–100), at least one; their mean is the consensus. */
  panelScores: z.array(score).min(1).max(50),
});
export type CalibrationCaseBody = z.infer<typeof CalibrationCaseBody>;

/** A case derived from a panel of a cycle whose results are published. */
export const CalibrationDeriveBody = z.object({
  /** The plan (of a published cycle) whose panel is taken. */
  planId: z.uuid(),
  indicatorCode: z.string().trim().min(1).max(40),
  subjectType: SubjectTypeSchema,
  title: z.string().trim().min(1).max(200),
  titleEn: z.string().trim().max(200).optional(),
  /** The facts the panel scored, as the trainee reads them. */
  description: z.string().trim().min(1).max(4000),
  descriptionEn: z.string().trim().max(8000).optional(),
  /** The rubric, when the leaf has none of its own. */
  rubric: RubricSchema.optional(),
});
export type CalibrationDeriveBody = z.infer<typeof CalibrationDeriveBody>;

export const CalibrationCaseReply = z.object({ case: CalibrationCase });
export type CalibrationCaseReply = z.infer<typeof CalibrationCaseReply>;

/** A trainee's score of a case. */
export const CalibrationAnswerBody = z.object({
  /** Score 0–100, as the trainee would rate the described performance. */
  score,
});

/** The answered case with its feedback, and the trainee's summary so far. */
export const CalibrationAnswerReply = z.object({
  case: CalibrationCase,
  answered: z.number().int(),
  status: z.enum(CALIBRATION_STATUSES),
  summary: CalibrationSummary,
});
export type CalibrationAnswerReply = z.infer<typeof CalibrationAnswerReply>;

/** A panel of a published cycle the office may derive a case from. */
export const CalibrationCandidate = z.object({
  cycleId: z.uuid(),
  cycleName: z.string(),
  cycleNameEn: z.string().nullable(),
  planId: z.uuid(),
  planTitle: z.string(),
  planTitleEn: z.string().nullable(),
  indicatorCode: z.string(),
  indicatorName: z.string(),
  indicatorNameEn: z.string().nullable(),
  subjectType: z.string(),
  raters: z.number().int(),
  mean: z.number(),
  sd: z.number(),
  /** The leaf carries a rubric (else the office supplies one). */
  hasRubric: z.boolean(),
});
export type CalibrationCandidate = z.infer<typeof CalibrationCandidate>;
export const CalibrationCandidatesReply = z.object({ items: z.array(CalibrationCandidate) });
export type CalibrationCandidatesReply = z.infer<typeof CalibrationCandidatesReply>;

/** Each rater's calibration status (the office). */
export const CalibrationRaterStatus = z.object({
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  /** Evaluation tasks the rater holds in the cycle. */
  tasks: z.number().int(),
  answered: z.number().int(),
  status: z.enum(CALIBRATION_STATUSES),
  summary: CalibrationSummary.nullable(),
});
export type CalibrationRaterStatus = z.infer<typeof CalibrationRaterStatus>;
export const CalibrationStatusReply = z.object({
  cases: z.number().int(),
  raters: z.array(CalibrationRaterStatus),
});
export type CalibrationStatusReply = z.infer<typeof CalibrationStatusReply>;
