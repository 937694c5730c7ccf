import { z } from 'zod';
import { Cycle } from './cycles';
import { Json, Timestamp } from './common';
import { APPRAISEE_TYPES, VALUE_STATUSES } from './enums';
import { CONSEQUENCE_KINDS } from './enums-evaluation';
import { BreakdownFinding } from './linkage';
import { ScoringRuleSchema, SubjectTypeSchema } from './plans';

/** A consequence applied to a result 结果运用 (commendation, admonishment, …). */
export const AppliedConsequence = z.object({
  kind: z.enum(CONSEQUENCE_KINDS),
  /** The rule's value (e.g. the bonus coefficient 1.2), null when it has none. */
  value: z.number().nullable(),
  /** Which rule applied and why. */
  reason: z.string(),
});
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

/**
 * What a leaf's explanation says of its input (the server's annotateInputs): the value it scored, or
 * when none scored the latest one reported but not verified.
 */
export const ExplainedInput = z.object({
  period: z.string(),
  /** verified (scored); reported or rejected (not scored: the leaf is missing as unverified). */
  status: z.enum(VALUE_STATUSES),
  value: z.number(),
  verifiedAt: Timestamp.nullable(),
});
export type ExplainedInput = z.infer<typeof ExplainedInput>;

/** The formula a leaf's rule applies, in Chinese and English (the domain's ruleFormula). */
export const RuleFormula = z.object({ zh: z.string(), en: z.string() });
export type RuleFormula = z.infer<typeof RuleFormula>;

/** One evaluation subject's panel on a leaf (the domain's SubjectBreakdown). */
export const SubjectBreakdown = z.object({
  type: SubjectTypeSchema,
  /** Configured share of the leaf (0–100). */
  weight: z.number(),
  /** Share after redistributing the weight of insufficient panels (0–100). */
  effectiveWeight: z.number(),
  /** Number of ratings (for 'data': 1 if a value was given, else 0). */
  n: z.number().int(),
  /** Weighted mean of all ratings (for 'data': the rule's attainment); 0 when n = 0. */
  mean: z.number(),
  /** Figure entered into the leaf: trimmed or weighted mean (for 'data': the attainment). */
  used: z.number(),
  insufficient: z.boolean().optional(),
});
export type SubjectBreakdown = z.infer<typeof SubjectBreakdown>;

/** Why a leaf's input is missing (a combined part's absence is a result's MissingItem, not a node's). */
export const LeafMissingReason = z.enum(MISSING_REASONS).exclude(['combined_part_missing']);

/**
 * One node of a result's breakdown (the domain's BreakdownNode, as the server's explainResult annotates
 * it): indicators down to their leaves, then the combined parts (UNIT, ANNUAL) and the FLOOR residue.
 */
export interface BreakdownNode {
  code: string;
  name: string;
  nameEn?: string;
  weight: number;
  /** normal: 0–100 (up to 100 × cap); bonus/deduction: the points granted or taken (≥ 0). */
  attainment: number;
  /** Points this node adds to the total (normal: its share of the weighted score; deduction: −points). */
  contribution: number;
  kind: 'normal' | 'bonus' | 'deduction';
  children?: BreakdownNode[];
  value?: number | null;
  rule?: z.infer<typeof ScoringRuleSchema>;
  subjects?: SubjectBreakdown[];
  /** Leaf: why its input is missing. */
  missing?: z.infer<typeof LeafMissingReason>;
  /** Under 'renormalise': left out of its parent. */
  excluded?: true;
  notes: string[];
  /** Leaf: the value it scored or the latest unverified one. */
  input?: ExplainedInput;
  /** Leaf with a rule: the formula the rule applies. */
  formula?: RuleFormula;
  /** Deduction item: the active findings whose points it deducts, with their source documents. */
  findings?: BreakdownFinding[];
}

export const BreakdownNode: z.ZodType<BreakdownNode> = z.lazy(() =>
  z.object({
    code: z.string(),
    name: z.string(),
    nameEn: z.string().optional(),
    weight: z.number(),
    attainment: z.number(),
    contribution: z.number(),
    kind: z.enum(['normal', 'bonus', 'deduction']),
    children: z.array(BreakdownNode).optional(),
    value: z.number().nullable().optional(),
    rule: ScoringRuleSchema.optional(),
    subjects: z.array(SubjectBreakdown).optional(),
    missing: LeafMissingReason.optional(),
    excluded: z.literal(true).optional(),
    notes: z.array(z.string()),
    input: ExplainedInput.optional(),
    formula: RuleFormula.optional(),
    findings: z.array(BreakdownFinding).optional(),
  }),
);

/** One result with its explanation (a breakdown from the total down to each input). */
export const ResultDetail = z.object({
  result: ResultItem.extend({
    /** The inputs changed since it was computed. */
    stale: z.boolean(),
    /** What the caller may do with it. */
    can: z.looseObject({ appeal: z.boolean() }).optional(),
  }),
  /** Empty on the portal while the result is stale (it would explain figures nobody published). */
  breakdown: z.array(BreakdownNode),
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
export type PublishReply = z.infer<typeof PublishReply>;

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
