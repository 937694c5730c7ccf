import { z } from 'zod';
import { Cycle } from './cycles';
import { Json, Timestamp } from './common';

/** A consequence applied to a result 结果运用 (commendation, admonishment, …). */
export const AppliedConsequence = z.object({ kind: z.string(), value: Json, reason: z.string() });

/** A result as listed: score, grade, rank within the peer group, consequences and what it lacks. */
export const ResultItem = z.looseObject({
  id: z.uuid(),
  cycleId: z.uuid(),
  planId: z.uuid(),
  appraiseeType: z.string(),
  orgUnitId: z.uuid(),
  personId: z.uuid().nullable(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  total: z.number(),
  weightedScore: z.number(),
  bonus: z.number(),
  deduction: z.number(),
  /** Null while the result is incomplete. */
  grade: z.string().nullable(),
  gradeByScore: z.string().nullable(),
  rank: z.number().int().nullable(),
  peerGroup: z.string(),
  peerGroupSize: z.number().int(),
  veto: Json,
  reasons: Json,
  /** Rank under perturbed first-level weights; null when not computed. */
  sensitivity: Json,
  complete: z.boolean(),
  /** What it lacks: `{code, reason, …}` per missing input. */
  missing: Json,
  /** First-level indicators: code, weight and attainment (for charts). */
  firstLevel: z.array(Json),
  consequences: z.array(AppliedConsequence),
  computedAt: Timestamp,
});

export const ResultList = z.object({ items: z.array(ResultItem) });

/** 200 of `POST /cycles/:id/compute?wait=true`: the job's summary and the cycle's results. */
export const ComputeReply = z.object({
  jobId: z.uuid(),
  done: z.literal(true),
  count: z.number().int(),
  rescored: z.number().int(),
  rewritten: z.number().int(),
  removed: z.number().int(),
  items: z.array(ResultItem),
});

/** One result with its explanation (a breakdown from the total down to each input). */
export const ResultDetail = z.object({
  result: ResultItem.extend({
    /** The inputs changed since it was computed. */
    stale: z.boolean(),
    /** What the caller may do with it. */
    can: z.looseObject({ appeal: z.boolean() }).optional(),
  }),
  breakdown: z.array(Json),
});

const PublicationEvent = z.looseObject({
  id: z.uuid(),
  kind: z.string(),
  reason: z.string().nullable(),
  overrides: z.array(Json),
  actorName: z.string().nullable(),
  actorNameEn: z.string().nullable(),
  at: Timestamp,
});

/** Published since when, or withdrawn with its public reason, and the history. */
export const PublicationState = z.object({
  publishedAt: Timestamp.nullable(),
  withdrawn: z.object({ reason: z.string().nullable(), at: Timestamp }).nullable(),
  history: z.array(PublicationEvent),
});

/** The console's publication panel: the state and each plan still blocking publication. */
export const PublicationStatus = PublicationState.extend({
  blockers: z.array(z.object({ planId: z.uuid(), title: z.string(), blockers: z.array(Json) })),
});

export const PublishReply = z.object({
  cycle: Cycle,
  publication: Json,
  revisions: z.number().int(),
});

export const WithdrawReply = z.object({ cycle: Cycle, publication: Json });

export const CorrectionReply = z.object({
  value: z.object({ id: z.uuid(), value: z.number(), period: z.string(), status: z.string() }),
  revisions: Json,
});

/** Published revisions of a result, newest first. */
export const ResultRevisionList = z.object({
  items: z.array(
    z.looseObject({
      id: z.uuid(),
      resultId: z.uuid(),
      planId: z.uuid(),
      revision: z.number().int(),
      kind: z.string(),
      appealId: z.uuid().nullable(),
      snapshot: Json,
      changes: Json,
      reason: z.string().nullable(),
      approverName: z.string().nullable(),
      approverNameEn: z.string().nullable(),
      at: Timestamp,
    }),
  ),
  override: Json,
  publishedAt: Timestamp.nullable(),
});

/** What the public sees of a cycle's results (set by the office). */
export const DisclosureReply = z.object({
  unitResults: z.boolean(),
  cadreGrades: z.boolean(),
  cadreConsequences: z.boolean(),
  /** The office has not set it: the default policy. */
  isDefault: z.boolean(),
});
