import { z } from 'zod';
import { Cycle } from './cycles';
import { Json, Timestamp } from './common';
import { APPRAISEE_TYPES } from './enums';

/** A consequence applied to a result 结果运用 (commendation, admonishment, …). */
export const AppliedConsequence = z.object({ kind: z.string(), value: Json, reason: z.string() });
export type AppliedConsequence = z.infer<typeof AppliedConsequence>;

/** Whether a veto leaf (一票否决) fired, which ones, and the most severe mode among them. */
export const VetoOutcome = z.object({
  triggered: z.boolean(),
  codes: z.array(z.string()),
  mode: z.enum(['unqualified', 'downOne']).optional(),
});
export type VetoOutcome = z.infer<typeof VetoOutcome>;

export const MISSING_REASONS = [
  'unreported',
  'unverified',
  'insufficient_raters',
  'no_estimate',
  'combined_part_missing',
] as const;

/** A missing input of a result: a leaf without verified data or raters, or a combined part (UNIT, ANNUAL). */
export const MissingItem = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string().optional(),
  reason: z.enum(MISSING_REASONS),
  /** The leaf carries a veto, which cannot be decided without it. */
  veto: z.boolean().optional(),
});
export type MissingItem = z.infer<typeof MissingItem>;

/** How stable a rank is under ±10% perturbation of the first-level weights (Monte Carlo). */
export const RankSensitivity = z.object({
  id: z.string(),
  peerGroup: z.string(),
  baseRank: z.number(),
  rankMin: z.number(),
  rankMax: z.number(),
  /** Share of runs in which the rank stayed at baseRank. */
  sameRankShare: z.number(),
  p5Rank: z.number(),
  p95Rank: z.number(),
});
export type RankSensitivity = z.infer<typeof RankSensitivity>;

/** A first-level indicator of a result: weight and attainment (for charts). */
export const FirstLevelScore = z.object({ code: z.string(), weight: z.number(), attainment: z.number() });

/** A result as listed: score, grade, rank within the peer group, consequences and what it lacks. */
export const ResultItem = z.looseObject({
  id: z.uuid(),
  cycleId: z.uuid(),
  planId: z.uuid(),
  appraiseeType: z.enum(APPRAISEE_TYPES),
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
  veto: VetoOutcome,
  /** Why the grade differs from the one the score gives (quota, veto, …). */
  reasons: z.array(z.string()),
  /** Rank under perturbed first-level weights; null when not computed (or the group's trees differ). */
  sensitivity: RankSensitivity.nullable(),
  /** False when inputs are missing under the cycle's missing-data rule: no grade, rank or consequence. */
  complete: z.boolean(),
  /** What it lacks. */
  missing: z.array(MissingItem),
  /** First-level indicators: code, weight and attainment (for charts). */
  firstLevel: z.array(FirstLevelScore),
  consequences: z.array(AppliedConsequence),
  computedAt: Timestamp,
});

export type ResultItem = z.infer<typeof ResultItem>;

export const ResultList = z.object({ items: z.array(ResultItem) });
export type ResultList = z.infer<typeof ResultList>;

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
export type ResultDetail = z.infer<typeof ResultDetail>;

/** Why a plan keeps its cycle from being published. */
export const PublicationBlocker = z.discriminatedUnion('reason', [
  z.object({ reason: z.literal('no_result') }),
  z.object({ reason: z.literal('incomplete'), missing: z.array(MissingItem) }),
  z.object({ reason: z.literal('stale') }),
]);
export type PublicationBlocker = z.infer<typeof PublicationBlocker>;

/** An appraisee published despite its blockers, with the office's written reason (as recorded). */
export const PublicationOverrideRecord = z.object({
  planId: z.uuid(),
  reason: z.string(),
  title: z.string().nullable(),
  blockers: z.array(PublicationBlocker),
});
export type PublicationOverrideRecord = z.infer<typeof PublicationOverrideRecord>;

const PublicationEvent = z.looseObject({
  id: z.uuid(),
  kind: z.enum(['publish', 'withdraw']),
  reason: z.string().nullable(),
  overrides: z.array(PublicationOverrideRecord),
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
export type PublicationState = z.infer<typeof PublicationState>;

/** The console's publication panel: the state and each plan still blocking publication. */
export const PublicationStatus = PublicationState.extend({
  blockers: z.array(z.object({ planId: z.uuid(), title: z.string(), blockers: z.array(PublicationBlocker) })),
});
export type PublicationStatus = z.infer<typeof PublicationStatus>;

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

/** The figures of a result as one published revision froze them (incomplete: no grade, rank, consequence). */
export const PublishedFigures = z.object(
  ResultItem.pick({
    total: true,
    weightedScore: true,
    bonus: true,
    deduction: true,
    grade: true,
    gradeByScore: true,
    rank: true,
    peerGroupSize: true,
    veto: true,
    complete: true,
    missing: true,
    consequences: true,
  }).shape,
);
export type PublishedFigures = z.infer<typeof PublishedFigures>;

export const REVISION_CAUSES = ['publication', 'republication', 'appeal', 'correction', 'peer'] as const;

/** What a revision changed and why: the published fields that moved, the corrected input, or the peer's plan. */
export const RevisionChanges = z.object({
  cause: z.enum(REVISION_CAUSES),
  /** Published fields that differ from the previous revision: `{ total: { from, to } }`. */
  fields: z.record(z.string(), z.object({ from: Json, to: Json })),
  /** The corrected input (appeal or correction of this result's plan). */
  input: z
    .object({ indicatorCode: z.string(), period: z.string(), from: z.number().nullable(), to: z.number() })
    .nullable()
    .optional(),
  /** A peer revision: the plan whose correction moved this result. */
  causePlanId: z.uuid().optional(),
});
export type RevisionChanges = z.infer<typeof RevisionChanges>;

/** One published revision of a result. */
export const ResultRevision = z.object({
  id: z.uuid(),
  resultId: z.uuid(),
  planId: z.uuid(),
  revision: z.number().int(),
  kind: z.enum(['publication', 'appeal', 'correction']),
  appealId: z.uuid().nullable(),
  snapshot: PublishedFigures,
  changes: RevisionChanges,
  reason: z.string().nullable(),
  approverName: z.string().nullable(),
  approverNameEn: z.string().nullable(),
  at: Timestamp,
});
export type ResultRevision = z.infer<typeof ResultRevision>;

/** Published revisions of a result, newest first. */
export const ResultRevisionList = z.object({
  items: z.array(ResultRevision),
  /** The override under which the appraisee's result was published, if any. */
  override: PublicationOverrideRecord.nullable(),
  publishedAt: Timestamp.nullable(),
});
export type ResultRevisionList = z.infer<typeof ResultRevisionList>;

/** What the public sees of a cycle's results (set by the office). */
export const DisclosureReply = z.object({
  unitResults: z.boolean(),
  cadreGrades: z.boolean(),
  cadreConsequences: z.boolean(),
  /** The office has not set it: the default policy. */
  isDefault: z.boolean(),
});
export type DisclosureReply = z.infer<typeof DisclosureReply>;
