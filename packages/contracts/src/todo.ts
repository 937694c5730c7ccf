import { z } from 'zod';
import { IsoDate, Timestamp } from './common';
import { PreconditionCheck, StageSchema } from './cycles';
import { APPEAL_STATUSES } from './enums';

/** The plan a to-do item is about, with its appraisee and cycle (names in both languages). */
export const TodoPlanRef = z.object({
  planId: z.uuid(),
  planTitle: z.string(),
  planTitleEn: z.string().nullable(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  cycleId: z.uuid(),
  cycleName: z.string(),
  cycleNameEn: z.string().nullable(),
});
export type TodoPlanRef = z.infer<typeof TodoPlanRef>;

/** A section of the to-do page: how many items in all, and the first ones (at most {@link TODO_ITEMS}). */
const section = <T extends z.ZodType>(item: T) => z.object({ total: z.number().int(), items: z.array(item) });
/** Items listed per section; `total` counts them all. */
export const TODO_ITEMS = 50;

/** Values a plan still owes for a reporting period (missing, or rejected and to be reported again). */
export const ValuesDueItem = TodoPlanRef.extend({
  period: z.string(),
  /** Last day to report; the cycle's last day when the cycle has no reporting calendar. */
  deadline: IsoDate,
  /** Days until the deadline (negative: overdue). */
  daysLeft: z.number().int(),
  /** Leaf codes without a value for the period. */
  missing: z.array(z.string()),
  /** Leaf codes whose value was rejected by the verifier. */
  rejected: z.array(z.string()),
});
export type ValuesDueItem = z.infer<typeof ValuesDueItem>;

/** Public comments on a plan that still have no answer. */
export const CommentsDueItem = TodoPlanRef.extend({
  planStatus: z.string(),
  unanswered: z.number().int(),
});
export type CommentsDueItem = z.infer<typeof CommentsDueItem>;

/** Values of a plan awaiting the current user's verification. */
export const VerifyDueItem = TodoPlanRef.extend({ count: z.number().int() });
export type VerifyDueItem = z.infer<typeof VerifyDueItem>;

/** A rating task with what is left to rate. */
export const RatingDueItem = TodoPlanRef.extend({
  taskId: z.uuid(),
  subjectType: z.string(),
  /** Indicators the task rates, and how many of them the rater has rated. */
  indicators: z.number().int(),
  rated: z.number().int(),
  /** Ratings are open: the cycle is in evaluation. */
  open: z.boolean(),
});
export type RatingDueItem = z.infer<typeof RatingDueItem>;

/** A cycle's next move and its checklist (the same check the transition enforces). */
export const StageDueItem = z.object({
  cycleId: z.uuid(),
  cycleName: z.string(),
  cycleNameEn: z.string().nullable(),
  stage: StageSchema,
  to: StageSchema,
  checklist: z.array(PreconditionCheck),
  /** Preconditions not met. */
  failing: z.number().int(),
});
export type StageDueItem = z.infer<typeof StageDueItem>;

/** An appeal to decide (office) or awaiting a decision (its appraisee side). */
export const AppealDueItem = TodoPlanRef.extend({
  id: z.uuid(),
  indicatorCode: z.string(),
  status: z.enum(APPEAL_STATUSES),
  createdAt: Timestamp,
  /** The current user decides it. */
  decide: z.boolean(),
});
export type AppealDueItem = z.infer<typeof AppealDueItem>;

/**
 * The current user's work (`GET /todo`), one section per kind of work their roles give them; a section is
 * absent when no role of the user does that work, and present (possibly empty) when one does.
 */
export const TodoReply = z.object({
  /** Day the deadlines are counted from (UTC). */
  asOf: IsoDate,
  valuesDue: section(ValuesDueItem).optional(),
  comments: section(CommentsDueItem).optional(),
  verify: section(VerifyDueItem).optional(),
  ratings: section(RatingDueItem).optional(),
  stages: section(StageDueItem).optional(),
  appeals: section(AppealDueItem).optional(),
});
export type TodoReply = z.infer<typeof TodoReply>;
