/** Requests of the survey routes (replies in survey-views.ts and survey-analysis.ts). */
import { z } from 'zod';
import {
  DEFAULT_ANALYSIS,
  EXPORT_FORMATS,
  FRAME_MODES,
  INTERVIEW_MODES,
  INVITATION_OUTCOMES,
  INVITATION_STATUSES,
  QUESTION_TYPES,
  SAMPLE_ALLOCATIONS,
  SAMPLE_SIZE_MODES,
  VARIANCE_METHODS,
  WEIGHTING_METHODS,
} from './enums-surveys';

export const SurveyTokenParams = z.object({
  /** Link token (43 characters) or short code (XXXXX-XXXXX). */
  token: z.string().min(8).max(100),
});
export const InvitationParams = z.object({ id: z.uuid(), invitationId: z.uuid() });

const QuestionId = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'letters, digits and _ starting with a letter');
const Text = z.string().trim().min(1).max(1000);
const Mapping = {
  /** Plan of the appraisee this item rates (its public satisfaction indicator is fed by the index). */
  planId: z.uuid().optional(),
  /** Satisfaction dimension, e.g. service, efficiency, integrity. */
  dimension: z.string().trim().min(1).max(40).optional(),
};
export const QuestionSchema = z.object({
  /** Unique id within the questionnaire, used as answer key and export column. */
  id: QuestionId,
  /** single, multiple, likert5, likert7, rating0to10, matrix or text. */
  type: z.enum(QUESTION_TYPES),
  /** Question wording (zh-CN). */
  text: Text,
  /** Question wording (en). */
  textEn: Text.optional(),
  /** Must be answered when shown. */
  required: z.boolean().optional(),
  /** Choices of single / multiple. */
  options: z
    .array(z.object({ value: QuestionId, label: Text, labelEn: Text.optional() }))
    .max(50)
    .optional(),
  /** Rows of a matrix, each on the matrix's Likert scale. */
  items: z
    .array(z.object({ id: QuestionId, text: Text, textEn: Text.optional(), ...Mapping }))
    .max(60)
    .optional(),
  /** Points of a matrix's scale (5 or 7). */
  scale: z.union([z.literal(5), z.literal(7)]).optional(),
  /** Longest text answer. */
  maxLength: z.number().int().min(1).max(5000).optional(),
  /** Shown only when an earlier question's answer is one of `in`. */
  showIf: z
    .object({ questionId: QuestionId, in: z.array(z.union([z.string(), z.number()])).max(50) })
    .optional(),
  ...Mapping,
});
export type QuestionInput = z.infer<typeof QuestionSchema>;
/** A questionnaire: sections in order, each with its questions (domain Questionnaire). */
export const QuestionnaireSchema = z.object({
  /** Sections in order, each with its questions. */
  sections: z
    .array(
      z.object({
        id: QuestionId,
        title: Text,
        titleEn: Text.optional(),
        questions: z.array(QuestionSchema).max(200),
      }),
    )
    .min(1)
    .max(30),
  /**
   * Labels of the strata fields and their values for reports (e.g. {"area": {"label": "城乡",
   * "values": {"rural": {"label": "农村", "labelEn": "rural"}}}}); values without one are labelled from
   * org units, common words, or readable text — never shown as stored codes.
   */
  strataLabels: z
    .record(
      z.string().max(40),
      z.object({
        label: z.string().max(100).optional(),
        labelEn: z.string().max(100).optional(),
        values: z
          .record(
            z.string().max(200),
            z.object({ label: z.string().min(1).max(100), labelEn: z.string().max(100).optional() }),
          )
          .optional(),
      }),
    )
    .optional(),
});
export type QuestionnaireInput = z.infer<typeof QuestionnaireSchema>;
const StrataField = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/);
/** Population margins per strata field (counts, or shares summing to 1). */
const Margins = z.record(z.string(), z.record(z.string(), z.number().nonnegative()));
/** Completed answers wanted per stratum key. */
const Quotas = z.record(z.string(), z.number().int().nonnegative());
/** Answers by question id: option value, option values, scale point, matrix {itemId: point} or text. */
export const AnswersSchema = z.record(
  z.string(),
  z.union([
    z.string().max(5000),
    z.array(z.string().max(100)).max(50),
    z.number(),
    z.record(z.string(), z.number()),
  ]),
);
export type SurveyAnswers = z.infer<typeof AnswersSchema>;

export const CreateSurveyBody = z.object({
  /** Unique short code, e.g. 2025-satisfaction. */
  code: z.string().trim().min(2).max(60),
  /** Title (zh-CN). */
  title: Text,
  /** Title (en). */
  titleEn: Text.optional(),
  /** Introduction shown to respondents. */
  description: z.string().max(5000).optional(),
  /** Cycle whose results the satisfaction index feeds. */
  cycleId: z.uuid().optional(),
  /** Frame fields forming the strata, e.g. ["district","area","respondentType"]. */
  strataFields: z.array(StrataField).min(1).max(5),
  /** Allow answers without invitation (rate-limited, lower trust). */
  openMode: z.boolean().optional(),
  /** Completed answers wanted per stratum key. */
  quotas: Quotas.optional(),
  /** Population margins per strata field for raking; default: frame counts. */
  margins: Margins.optional(),
  /** The questionnaire (version 1). */
  definition: QuestionnaireSchema,
});
export type CreateSurveyInput = z.infer<typeof CreateSurveyBody>;
export const UpdateSurveyBody = z.object({
  /** Title (zh-CN). */
  title: Text.optional(),
  /** Title (en). */
  titleEn: Text.nullable().optional(),
  /** Introduction. */
  description: z.string().max(5000).nullable().optional(),
  /** Allow answers without invitation. */
  openMode: z.boolean().optional(),
  /** Completed answers wanted per stratum key. */
  quotas: Quotas.optional(),
  /** Population margins for raking (null = frame counts). */
  margins: Margins.nullable().optional(),
});
export type UpdateSurveyInput = z.infer<typeof UpdateSurveyBody>;
export const SampleSizeBody = z.object({
  /** Half-width of the 95 % interval of a proportion, e.g. 0.05. */
  marginOfError: z.number().gt(0).lt(1),
  /** Confidence level, default 0.95. */
  confidence: z.number().gt(0).lt(1).optional(),
  /** Expected proportion, default 0.5. */
  p: z.number().min(0).max(1).optional(),
  /** Design effect, default 1. */
  designEffect: z.number().positive().optional(),
  /** Expected response rate, default 1. */
  responseRate: z.number().gt(0).max(1).optional(),
  /** perStratum (each stratum reported on its own) or proportional (one overall size). */
  mode: z.enum(SAMPLE_SIZE_MODES).optional(),
  /** Take the strata from this survey's frame. */
  surveyId: z.uuid().optional(),
  /** Or give them. */
  strata: z
    .array(z.object({ stratum: z.string(), population: z.number().int().nonnegative() }))
    .max(1000)
    .optional(),
});
export type SampleSizeInput = z.infer<typeof SampleSizeBody>;
export const SaveQuestionnaireBody = z.object({
  /** The whole questionnaire. */
  definition: QuestionnaireSchema,
  /** The version this edit started from (409 version_conflict when stale). */
  version: z.number().int().min(0),
});
export const FrameBody = z.object({
  /** Frame rows: id, the strata fields, optional contact (kept for invitations only). */
  rows: z
    .array(z.record(z.string(), z.string().max(500)))
    .min(1)
    .max(200_000),
  /** replace the frame, or append these rows (chunked upload); required once a frame exists. */
  mode: z.enum(FRAME_MODES).optional(),
});
export const FrameImportQuery = z.object({
  /** replace the frame, or append the file's rows; required once a frame exists. */
  mode: z.enum(FRAME_MODES).optional(),
  /** A CSV is imported as a job (202 with its id); true waits for it and answers the import (200). */
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
export const SampleBody = z.object({
  /** Total sample size. */
  size: z.number().int().min(1).max(200_000),
  /** proportional, equal or neyman. */
  allocation: z.enum(SAMPLE_ALLOCATIONS),
  /** Seed of the draw; the same seed reproduces the same sample. */
  seed: z.string().trim().min(1).max(100),
  /** Standard deviation per stratum (neyman). */
  sd: z.record(z.string(), z.number().nonnegative()).optional(),
});
export type SampleInput = z.infer<typeof SampleBody>;
/** Body of issuing invitations; may be absent (issue every sampled unit without a link). */
export const IssueInvitationsBody = z
  .object({
    /** Re-issue these invitations (their old links stop working). */
    reissue: z.array(z.uuid()).max(10_000).optional(),
  })
  .default({});
/** A new invitation file for the invitations not answered yet: their earlier links and codes stop working. */
export const RegenerateInvitationsBody = z.object({
  /** Must be true: the caller confirms that the earlier links and codes stop working. */
  confirm: z.boolean(),
  /** Only this stratum (default: every stratum). */
  stratum: z.string().max(500).optional(),
});
export const InvitationsQuery = z.object({
  /** Only this stratum. */
  stratum: z.string().optional(),
  /** sampled, issued, partial or answered. */
  status: z.enum(INVITATION_STATUSES).optional(),
  /** Page size. */
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  /** Rows to skip. */
  offset: z.coerce.number().int().min(0).default(0),
});
export const OutcomeBody = z.object({
  /** refused, non_contact, ineligible or unknown; null clears it. */
  outcome: z.enum(INVITATION_OUTCOMES).nullable(),
});
export const OutcomeByCodeBody = OutcomeBody.extend({
  /** The invitation's short code or link token (interviewers). */
  code: z.string().trim().min(8).max(100),
});
export const InterviewBody = z.object({
  /** The invitation's short code or link token. */
  code: z.string().trim().min(8).max(100),
  /** paper, phone or face (face to face). */
  mode: z.enum(INTERVIEW_MODES),
  /** Answers by question id. */
  answers: AnswersSchema,
});
export const AnalysisQuery = z.object({
  /** design, poststrat or rake (default). */
  weighting: z.enum(WEIGHTING_METHODS).default(DEFAULT_ANALYSIS.weighting),
  /** Smallest weight as a multiple of the mean weight (raking). */
  trimMin: z.coerce.number().min(0).max(1).default(DEFAULT_ANALYSIS.trimMin),
  /** Largest weight as a multiple of the mean weight (raking). */
  trimMax: z.coerce.number().min(1).max(100).default(DEFAULT_ANALYSIS.trimMax),
  /** Standard errors: taylor (default), jackknife or bootstrap replicate weights. */
  variance: z.enum(VARIANCE_METHODS).default(DEFAULT_ANALYSIS.variance),
});
/** Body of a publication: the analysis settings of the report (default {@link DEFAULT_ANALYSIS}). */
export const PublishSurveyBody = AnalysisQuery.default(DEFAULT_ANALYSIS);
export const ExportQuery = z.object({
  /** csv or xlsx. */
  format: z.enum(EXPORT_FORMATS).default('csv'),
  /** The export runs as a job (202 with its id); true waits for it and answers the file (200). */
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
export const PublicSurveysQuery = z.object({
  /** Only surveys feeding this cycle. */
  cycleId: z.uuid().optional(),
});
export const OpenAnswerBody = z.object({
  /** Answers by question id. */
  answers: AnswersSchema,
  /** The respondent's own strata fields (district, area, type …). */
  profile: z.record(z.string(), z.string().max(100)),
});
export const DraftBody = z.object({
  /** Answers so far. */
  answers: AnswersSchema,
});
export const SubmitAnswersBody = z.object({
  /** All answers. */
  answers: AnswersSchema,
});
