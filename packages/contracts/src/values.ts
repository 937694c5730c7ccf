import { z } from 'zod';
import { SubjectTypeSchema } from './plans';
import { Timestamp } from './common';
import { VALUE_STATUSES } from './enums';

/** Period labels: `2025`, `2025-Q3`, `2025-H1` or `2025-09`. */
export const Period = z
  .string()
  .regex(/^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/, 'expected 2025, 2025-Q3, 2025-H1 or 2025-09');

export const ValueRow = z.object({
  /** Code of a leaf indicator of the plan. */
  indicatorCode: z.string().trim().min(1).max(40),
  /** Period: `2025`, `2025-Q3`, `2025-H1` or `2025-09`. */
  period: Period,
  /** The actual value, in the indicator's unit. */
  value: z.number().finite(),
  /** Explanation or source. */
  note: z.string().max(2000).optional(),
});
export const BulkValuesBody = z.object({ rows: z.array(ValueRow).min(1).max(5000) });
export const VerifyValueBody = z.object({
  /** verified or rejected. */
  decision: z.enum(['verified', 'rejected']),
  /** Required when rejecting. */
  reason: z.string().trim().max(2000).optional(),
  /** The value version the verifier reviewed (`version` of the value); a newer report answers 409. */
  version: z.number().int().positive(),
});

/** A reported actual value of a leaf indicator. */
export const PlanValue = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  indicatorCode: z.string(),
  period: z.string(),
  value: z.number(),
  note: z.string().nullable(),
  status: z.enum(VALUE_STATUSES),
  /** Why it was rejected. */
  reason: z.string().nullable(),
  reportedAt: Timestamp,
  verifiedAt: Timestamp.nullable(),
  /** Bumped on every re-report; a verification names the version it saw. */
  version: z.number().int(),
});
export type PlanValue = z.infer<typeof PlanValue>;
export const PlanValueListReply = z.object({ items: z.array(PlanValue) });
export const PlanValueReply = z.object({ value: PlanValue });
export const InsertedReply = z.object({ inserted: z.number().int() });
export type InsertedReply = z.infer<typeof InsertedReply>;
export const ValueImportQuery = z.object({
  /** The file is imported as a job (202 with its id); true waits for it and answers the import (200). */
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const RatingBody = z.object({
  /** Code of the indicator rated. */
  indicatorCode: z.string().trim().min(1).max(40),
  /** The evaluation subject the rater acts as. */
  subjectType: SubjectTypeSchema.exclude(['data']),
  /** Score 0–100. */
  score: z.number().finite().min(0).max(100),
  /** Optional comment. */
  comment: z.string().max(2000).optional(),
});

/** A rating as its rater gets it back. */
export const SubmittedRating = z.object({
  id: z.uuid(),
  indicatorCode: z.string(),
  subjectType: z.string(),
  score: z.number(),
});
export const RatingReply = z.object({ rating: SubmittedRating });

/** One rating of a plan, as the office reads it. */
export const Rating = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  planId: z.uuid(),
  indicatorCode: z.string(),
  subjectType: z.string(),
  raterId: z.uuid(),
  score: z.number(),
  comment: z.string().nullable(),
});
export const RatingListReply = z.object({ items: z.array(Rating) });

/** A rating task of the current user: a plan to rate as one subject, and what is rated already. */
export const RatingTask = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  cycleId: z.uuid(),
  subjectType: z.string(),
  planTitle: z.string(),
  planTitleEn: z.string().nullable(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  rated: z.array(SubmittedRating.omit({ id: true }).extend({ planId: z.uuid() })),
  /** What the rater may do now: rate (the cycle in evaluation, not published; not their own plan). */
  can: z.object({ rate: z.boolean() }),
});
export type RatingTask = z.infer<typeof RatingTask>;
export const RatingTaskListReply = z.object({ items: z.array(RatingTask) });
