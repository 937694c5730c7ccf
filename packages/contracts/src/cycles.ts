import { z } from 'zod';
import { PRECONDITION_CODES } from '@perfcommons/domain';
import { ErrorReply, IsoDate, itemsOf, Timestamp } from './common';
import { CYCLE_TYPES, STAGES } from './enums';

export const StageSchema = z.enum(STAGES);

export const CreateCycleBody = z.object({
  /** Short unique code, e.g. `2026-annual`. */
  code: z.string().trim().min(1).max(60),
  /** Name in Chinese. */
  name: z.string().trim().min(1).max(200),
  /** Name in English. */
  nameEn: z.string().trim().max(200).optional(),
  /** regular (平时), annual (年度) or term (任期). */
  type: z.enum(CYCLE_TYPES),
  /** First day of the appraised period. */
  periodStart: IsoDate,
  /** Last day of the appraised period. */
  periodEnd: IsoDate,
});
export type CreateCycleInput = z.infer<typeof CreateCycleBody>;

export const TransitionBody = z.object({
  /** Target link of the cycle. */
  to: StageSchema,
  /** Why, required when going back. */
  reason: z.string().trim().max(2000).optional(),
  /** Failing preconditions the office overrides, each with a written reason (at least 10 characters). */
  overrides: z
    .array(
      z.object({
        /** Precondition code, e.g. `plans_approved`. */
        code: z.string().trim().min(1).max(60),
        /** Why the cycle moves on although the precondition does not hold (shown on the portal). */
        reason: z.string().trim().max(2000),
      }),
    )
    .max(20)
    .optional(),
});

export const TransitionCheckQuery = z.object({
  /** Target link; default the next one. */
  to: StageSchema.optional(),
});

/** What the current user may do with a cycle (computed by the server from the rules it enforces). */
export const CyclePermissions = z.object({
  /** Move the cycle to another link, check preconditions, set up plans. */
  transition: z.boolean(),
  /** Compute the results. */
  computeResults: z.boolean(),
  /** Publish, withdraw and correct the results. */
  publish: z.boolean(),
  /** Edit the cycle's rules 考核办法 and assign evaluation tasks. */
  editRules: z.boolean(),
  /** Set up the cycle's plans now (office, in mission analysis or planning). */
  setUpPlans: z.boolean(),
  /** Publish the results now (office, from the feedback link on, not published yet). */
  publishResults: z.boolean(),
});
export type CyclePermissions = z.infer<typeof CyclePermissions>;

export const Cycle = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  type: z.enum(CYCLE_TYPES),
  periodStart: IsoDate,
  periodEnd: IsoDate,
  stage: StageSchema,
  /** Grade bands, quotas and tie rule (domain GradeScheme); the rules version in force governs. */
  gradeScheme: z.unknown().optional(),
  /** Legacy scoring rules of the cycle (see `GET /cycles/:id/rules` for the versions). */
  rules: z.unknown().optional(),
  resultsPublishedAt: Timestamp.nullable(),
  /** Staff views only: what the current user may do with it. */
  can: CyclePermissions.optional(),
  /** Staff views only: the link a forward move goes to, null once closed. */
  nextStage: StageSchema.nullable().optional(),
  /** Staff views only: the link a move back goes to, null at the first link. */
  previousStage: StageSchema.nullable().optional(),
});
export type Cycle = z.infer<typeof Cycle>;

/** A move of a cycle from one link to another. */
export const CycleTransition = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  fromStage: z.string(),
  toStage: z.string(),
  reason: z.string().nullable(),
  actorId: z.uuid().nullable(),
  at: Timestamp,
});
export type CycleTransition = z.infer<typeof CycleTransition>;

/** What keeps a precondition from holding (domain Blocker). */
export const Blocker = z.object({
  id: z.string(),
  label: z.string(),
  labelEn: z.string().optional(),
  info: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** The plan it is (or whose panel or result it is), when it is one: the console links to it. */
  planId: z.uuid().optional(),
  /** The pending appeal it is, when it is one. */
  appealId: z.uuid().optional(),
});
export type Blocker = z.infer<typeof Blocker>;

/** One precondition of a transition, whether it holds and what blocks it (domain PreconditionCheck). */
export const PreconditionCheck = z.object({
  code: z.enum(PRECONDITION_CODES),
  ok: z.boolean(),
  blockers: z.array(Blocker),
  count: z.number().int(),
  checked: z.number().int(),
});
export type PreconditionCheck = z.infer<typeof PreconditionCheck>;

/** A precondition overridden by the office, with its written reason (also public). */
export const PreconditionOverride = z.object({
  id: z.uuid(),
  transitionId: z.uuid(),
  from: StageSchema,
  to: StageSchema,
  code: z.string(),
  blockers: z.object({ count: z.number().int(), checked: z.number().int(), blockers: z.array(Blocker) }),
  reason: z.string(),
  at: Timestamp,
});
export type PreconditionOverride = z.infer<typeof PreconditionOverride>;

export const CycleListReply = itemsOf(Cycle);
export const CycleReply = z.object({ cycle: Cycle });
export type CycleReply = z.infer<typeof CycleReply>;
export const CycleDetailReply = z.object({
  cycle: Cycle,
  transitions: z.array(CycleTransition),
  overrides: z.array(PreconditionOverride),
});
export type CycleDetailReply = z.infer<typeof CycleDetailReply>;
export const TransitionCheckReply = z.object({
  from: StageSchema,
  to: StageSchema,
  /** Whether `to` is the next link (forward moves go one step at a time). */
  next: z.boolean(),
  checklist: z.array(PreconditionCheck),
});
export type TransitionCheckReply = z.infer<typeof TransitionCheckReply>;
export const TransitionReply = z.object({
  cycle: Cycle,
  overrides: z.array(PreconditionOverride),
  checklist: z.array(PreconditionCheck),
});
export type TransitionReply = z.infer<typeof TransitionReply>;
/**
 * A refused transition (409). `preconditions_failed` carries, besides the details, the target link and the
 * whole checklist for the console to show; other conflicts (skipping a link, published results) do not.
 */
export const PreconditionsFailedReply = ErrorReply.extend({
  to: StageSchema.optional(),
  checklist: z.array(PreconditionCheck).optional(),
});
