import { z } from 'zod';
import { SUBJECT_TYPES } from '@perfcommons/domain';
import { ErrorReply, Timestamp } from './common';
import { APPRAISEE_TYPES, PLAN_STATUSES } from './enums';

/** Evaluation subjects 评价主体. */
export const SubjectTypeSchema = z.enum(SUBJECT_TYPES);

const num = z.number().finite();
const direction = z.enum(['higher', 'lower']);

/** Scoring rule 评分标准 of a leaf; every rule maps an input to an attainment of 0–100 × cap. */
export const ScoringRuleSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('linear'),
    /** Value that scores 0. */
    baseline: num,
    /** Value that scores full marks. */
    target: num,
    /** Whether higher or lower values are better. */
    direction,
    /** Over-fulfilment cap as a multiple of full marks (1.2 = up to 120%). */
    cap: num.min(1).max(2).optional(),
  }),
  z.object({
    type: z.literal('banded'),
    /** Value ranges and the points (0–100) each earns; the first matching band wins. */
    bands: z
      .array(z.object({ min: num.optional(), max: num.optional(), points: num.min(0).max(200) }))
      .min(1)
      .max(50),
  }),
  z.object({
    type: z.literal('passFail'),
    /** `zero`: passes when the value is 0 (e.g. major accidents); `nonzero`: passes when done. */
    passWhen: z.enum(['zero', 'nonzero']),
  }),
  z.object({
    type: z.literal('ratio'),
    /** Target value; attainment is actual/target (or target/actual when lower is better). */
    target: num,
    direction,
    cap: num.min(1).max(2).optional(),
  }),
  /** The input is already a 0–100 score (ratings). */
  z.object({ type: z.literal('rating') }),
  /** Bonus or deduction per unit of the value, capped at the node's weight. */
  z.object({ type: z.literal('perUnit'), points: num.min(0) }),
]);

export interface IndicatorNodeInput {
  code: string;
  name: string;
  nameEn?: string;
  weight: number;
  kind?: 'normal' | 'bonus' | 'deduction';
  children?: IndicatorNodeInput[];
  rule?: z.infer<typeof ScoringRuleSchema>;
  unit?: string;
  definition?: string;
  dataSource?: string;
  direction?: 'higher' | 'lower';
  subjects?: { type: z.infer<typeof SubjectTypeSchema>; weight: number }[];
  veto?: { mode: 'unqualified' | 'downOne' };
  target?: number;
  baseline?: number;
  plausibleMin?: number;
  plausibleMax?: number;
}

/** One node of an indicator tree 指标体系 (recursive). */
export const IndicatorNodeSchema: z.ZodType<IndicatorNodeInput> = z.lazy(() =>
  z.object({
    /** Unique code within the plan, e.g. `A1.2`. */
    code: z.string().trim().min(1).max(40),
    /** Name in Chinese (empty names are reported by validation, not refused here). */
    name: z.string().max(200),
    /** Name in English. */
    nameEn: z.string().max(200).optional(),
    /** Weight within its siblings (siblings sum to 100); for bonus/deduction items, the cap in points. */
    weight: num.min(-1000).max(1000),
    /** normal (in the weighted sum), bonus 加分项 or deduction 扣分项. */
    kind: z.enum(['normal', 'bonus', 'deduction']).optional(),
    children: z.array(IndicatorNodeSchema).max(200).optional(),
    rule: ScoringRuleSchema.optional(),
    /** Unit of measure, e.g. `%`. */
    unit: z.string().max(40).optional(),
    /** Definition 指标解释: what is measured and how (scope, formula). */
    definition: z.string().max(2000).optional(),
    /** Where the value comes from (e.g. statistics bureau). */
    dataSource: z.string().max(200).optional(),
    direction: direction.optional(),
    /** Evaluation subjects and their weights (sum 100). */
    subjects: z
      .array(z.object({ type: SubjectTypeSchema, weight: num.min(0).max(100) }))
      .max(10)
      .optional(),
    /** 一票否决: failing this leaf caps the grade. */
    veto: z.object({ mode: z.enum(['unqualified', 'downOne']) }).optional(),
    target: num.optional(),
    baseline: num.optional(),
    /** Plausible range for anomaly flags on reported data. */
    plausibleMin: num.optional(),
    plausibleMax: num.optional(),
  }),
);

/** Deepest indicator tree accepted (levels, first-level indicators = 1); real plans use 3 or 4. */
export const MAX_TREE_DEPTH = 8;

/**
 * Path (`[0, 'children', 2, …]`) of the first node deeper than {@link MAX_TREE_DEPTH}, found without
 * recursion, or null. Checked before the recursive schema runs, so that a tree nested hundreds deep is a
 * 400 naming the field instead of a stack overflow.
 */
export function tooDeepPath(tree: unknown): (string | number)[] | null {
  if (!Array.isArray(tree)) return null;
  const stack: { node: unknown; path: (string | number)[]; depth: number }[] = tree.map((node, i) => ({
    node,
    path: [i],
    depth: 1,
  }));
  while (stack.length) {
    const { node, path, depth } = stack.pop()!;
    if (depth > MAX_TREE_DEPTH) return path;
    const children = (node as { children?: unknown } | null)?.children;
    if (Array.isArray(children))
      children.forEach((c, i) => stack.push({ node: c, path: [...path, 'children', i], depth: depth + 1 }));
  }
  return null;
}

export const SaveTreeBody = z.object({
  /** First-level indicators with their subtrees, at most MAX_TREE_DEPTH (8) levels deep. */
  tree: z.preprocess((tree, ctx) => {
    const path = tooDeepPath(tree);
    if (!path) return tree;
    ctx.addIssue({
      code: 'custom',
      message: `indicator trees are at most ${MAX_TREE_DEPTH} levels deep`,
      path,
      input: tree,
    });
    return z.NEVER;
  }, z.array(IndicatorNodeSchema).max(100)),
  /** The plan version the edit started from (optimistic concurrency). */
  version: z.number().int().min(1),
});

/** Where a new plan's indicator tree comes from. */
export const PlanSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('template'),
    /** Template id from `GET /api/plan-templates` (e.g. `district-annual`). */
    template: z.string().trim().min(1).max(60),
  }),
  z.object({
    kind: z.literal('copy'),
    /** An earlier cycle: each appraisee's plan there is copied, its leaves' targets becoming baselines. */
    fromCycleId: z.uuid(),
    /** Template for appraisees without a plan in that cycle; without it they are skipped. */
    fallbackTemplate: z.string().trim().min(1).max(60).optional(),
  }),
]);
export type PlanSource = z.infer<typeof PlanSourceSchema>;

const peerGroupFilter = z.string().trim().min(1).max(40);

/** Which appraisees get a plan. */
export const PlanTargetSchema = z.discriminatedUnion('appraiseeType', [
  z.object({
    /** Every org unit below the root (the government itself is not appraised). */
    appraiseeType: z.literal('unit'),
    /** Only the units of this peer group. */
    peerGroup: peerGroupFilter.optional(),
  }),
  z.object({
    /** Every leading cadre whose term [termStart, termEnd] overlaps the cycle period (open ends count). */
    appraiseeType: z.literal('cadre'),
    /** Only cadres of units in this peer group. */
    peerGroup: peerGroupFilter.optional(),
  }),
]);
export type PlanTarget = z.infer<typeof PlanTargetSchema>;

export const BulkCreatePlansBody = z.object({
  /** The cycle (in mission analysis or planning). */
  cycleId: z.uuid(),
  target: PlanTargetSchema,
  source: PlanSourceSchema,
});
export type BulkCreatePlansInput = z.infer<typeof BulkCreatePlansBody>;

export const CreatePlanBody = z.discriminatedUnion('appraiseeType', [
  z.object({
    appraiseeType: z.literal('unit'),
    /** The cycle (in mission analysis or planning). */
    cycleId: z.uuid(),
    /** The unit appraised. */
    orgUnitId: z.uuid(),
    source: PlanSourceSchema,
    /** Plan owner (a user id); omitted: the unit's only unit manager, if it has exactly one. */
    ownerId: z.uuid().nullable().optional(),
  }),
  z.object({
    appraiseeType: z.literal('cadre'),
    cycleId: z.uuid(),
    /** The cadre appraised. */
    personId: z.uuid(),
    source: PlanSourceSchema,
    ownerId: z.uuid().nullable().optional(),
  }),
]);
export type CreatePlanInput = z.infer<typeof CreatePlanBody>;

export const SetPlanOwnerBody = z.object({
  /** The new owner (a user id), or null for none. */
  ownerId: z.uuid().nullable(),
});

export const BulkApproveBody = z.object({
  /** Plans to approve; each is checked and approved on its own. */
  planIds: z.array(z.uuid()).min(1).max(1000),
  /** Why the office approves despite unanswered comments (recorded on each plan it is needed for). */
  overrideReason: z.string().trim().min(1).max(2000).optional(),
});

/** What happened to one appraisee in a bulk plan set-up. */
export const PLAN_SETUP_OUTCOMES = ['created', 'exists', 'skipped'] as const;
/** Why an appraisee got no plan. */
export const PLAN_SETUP_SKIP_REASONS = ['no_peer_group', 'no_earlier_plan'] as const;

export const PlansQuery = z.object({
  /** Only plans of this cycle. */
  cycleId: z.uuid().optional(),
  /** unit, cadre or project. */
  appraiseeType: z.enum(APPRAISEE_TYPES).optional(),
  /** Only plans of this org unit. */
  orgUnitId: z.uuid().optional(),
});

export const ApprovePlanBody = z
  .object({
    /** Why the office approves despite open issues (recorded). */
    overrideReason: z.string().trim().max(2000).optional(),
  })
  .default({});

export const DefaultOwnersBody = z.object({
  /** The cycle whose plans without owner get the default owner. */
  cycleId: z.uuid(),
});

/** What the current user may do with a plan, computed by the server from the rules it enforces. */
export const PlanPermissions = z.object({
  /** Change the indicator tree (a draft, by its owner, unit manager or the office). */
  edit: z.boolean(),
  /** Publish the draft for public comment. */
  submit: z.boolean(),
  /** Approve the plan published for comment (the office). */
  approve: z.boolean(),
  /** Set or clear the plan owner (the office, until the plan is closed). */
  setOwner: z.boolean(),
  /** Report actual values (an approved plan; editors and the cadre appraised). */
  reportValues: z.boolean(),
  /** Verify or reject reported values (the office and verifiers of the unit). */
  verifyValues: z.boolean(),
});
export type PlanPermissions = z.infer<typeof PlanPermissions>;

/** The owner of a plan as staff views show it. */
export const PlanOwner = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  displayNameEn: z.string().nullable(),
});
export type PlanOwner = z.infer<typeof PlanOwner>;

/** A plan without its tree. */
export const Plan = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  appraiseeType: z.enum(APPRAISEE_TYPES),
  orgUnitId: z.uuid(),
  personId: z.uuid().nullable(),
  title: z.string(),
  titleEn: z.string().nullable(),
  status: z.enum(PLAN_STATUSES),
  /** Bumped on every change; a tree save names the version it started from. */
  version: z.number().int(),
  peerGroup: z.string().nullable(),
  approvedAt: Timestamp.nullable(),
  /** Why the office approved despite unanswered comments. */
  overrideReason: z.string().nullable(),
  updatedAt: Timestamp,
  appraiseeName: z.string().optional(),
  appraiseeNameEn: z.string().nullable().optional(),
  /** Staff views: the plan owner (a user who edits and reports like a unit manager). */
  ownerId: z.uuid().nullable().optional(),
  owner: PlanOwner.nullable().optional(),
  /** Detail and writes: what the current user may do with it. */
  can: PlanPermissions.optional(),
});
export type Plan = z.infer<typeof Plan>;

/** A problem of an indicator tree (domain TreeProblem). */
export const TreeProblem = z.object({
  /** Codes from the root down to the node concerned. */
  path: z.array(z.string()),
  code: z.string(),
  field: z.string(),
  message: z.string(),
  kind: z.string(),
});
export type TreeProblem = z.infer<typeof TreeProblem>;

/** A finding of the scientific design checks 指标科学性检查 (domain lintPlan). */
export const LintFinding = z.object({
  /** smart.no_definition, smart.no_data_source, smart.no_target, smart.target_below_baseline, overlap, balance.public_weight, weight.too_small. */
  code: z.string(),
  /** The leaf concerned ('' for the plan as a whole). */
  indicatorCode: z.string(),
  /** error: blocks submission unless overridden with a reason; warning: shown only. */
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  /** overlap: the earlier leaf it nearly duplicates. */
  otherCode: z.string().optional(),
  /** The measured share (%) or similarity (0–1). */
  value: z.number().optional(),
});
export type LintFinding = z.infer<typeof LintFinding>;

/** Body of a submission; may be absent (no override). */
export const SubmitPlanBody = z.preprocess(
  (v) => v ?? {},
  z.object({
    /** Submit despite lint errors: why (at least 10 characters; recorded in the audit log). */
    lintOverride: z.object({ reason: z.string().trim().min(10).max(2000) }).optional(),
  }),
);

/** Entropy weight aid 熵权法: the peers' verified values of a plan's leaves in the latest earlier cycle. */
export const EntropyHistoryReply = z.object({
  /** The earlier cycle the values come from (null: none found). */
  cycleId: z.uuid().nullable(),
  cycleName: z.string().nullable(),
  cycleNameEn: z.string().nullable(),
  /** Leaves (normal, scored from data) in plan order; columns of `rows`. */
  leaves: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      nameEn: z.string().nullable(),
      direction: z.enum(['higher', 'lower']),
      /** Peers with a verified value of this leaf. */
      peersWithValue: z.number().int(),
    }),
  ),
  /** Leaves left out: not scored from data, or too few peers with a value. */
  excluded: z.array(z.object({ code: z.string(), reason: z.enum(['not_data', 'too_few_values']) })),
  /** One row per peer appraisee with a verified value for every included leaf. */
  rows: z.array(
    z.object({
      appraiseeName: z.string(),
      appraiseeNameEn: z.string().nullable(),
      values: z.array(z.number()),
    }),
  ),
  /** Entropy weights (%) of the included leaves, null when there is not enough history. */
  weights: z.array(z.number()).nullable(),
  /** Why there are no weights: no_earlier_cycle, too_few_peers (under 3 complete rows), too_few_leaves (under 2). */
  insufficient: z.enum(['no_earlier_cycle', 'too_few_peers', 'too_few_leaves']).nullable(),
});
export type EntropyHistoryReply = z.infer<typeof EntropyHistoryReply>;

export const PlanReply = z.object({ plan: Plan });
export const PlanListReply = z.object({ items: z.array(Plan) });
export const PlanDetailReply = z.object({
  plan: Plan,
  tree: z.array(IndicatorNodeSchema),
  /** Validation problems of the tree (a draft may be saved with them; submitting needs none). */
  problems: z.array(TreeProblem),
  /** Scientific design checks, computed by the server with the cycle's rules (errors first). */
  lint: z.array(LintFinding).optional(),
});
export type PlanDetailReply = z.infer<typeof PlanDetailReply>;

export const PlanTemplate = z.object({
  id: z.string(),
  appraiseeTypes: z.array(z.enum(['unit', 'cadre'])),
  name: z.string(),
  nameEn: z.string(),
  description: z.string(),
  descriptionEn: z.string(),
  /** Number of scored leaves. */
  leaves: z.number().int(),
  tree: z.array(IndicatorNodeSchema),
});
export type PlanTemplate = z.infer<typeof PlanTemplate>;
export const PlanTemplateListReply = z.object({ items: z.array(PlanTemplate) });

/** What happened to one appraisee in a plan set-up. */
export const SetupOutcome = z.object({
  appraiseeType: z.enum(['unit', 'cadre']),
  orgUnitId: z.uuid(),
  personId: z.uuid().nullable(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  outcome: z.enum(PLAN_SETUP_OUTCOMES),
  planId: z.uuid().optional(),
  title: z.string().optional(),
  titleEn: z.string().nullable().optional(),
  /** How the tree was made: from a template, or copied from the earlier cycle's plan. */
  source: z.enum(['template', 'copy']).optional(),
  templateId: z.string().optional(),
  fromPlanId: z.uuid().optional(),
  fallback: z.boolean().optional(),
  /** Leaves whose target the owner must set. */
  targetsToSet: z.number().int().optional(),
  ownerId: z.uuid().nullable().optional(),
  owner: PlanOwner.nullable().optional(),
  reason: z.enum(PLAN_SETUP_SKIP_REASONS).optional(),
});
export type SetupOutcome = z.infer<typeof SetupOutcome>;

export const CreatePlanReply = z.object({ outcome: SetupOutcome, plan: Plan });
export const BulkCreatePlansReply = z.object({
  cycleId: z.uuid(),
  created: z.number().int(),
  existing: z.number().int(),
  skipped: z.number().int(),
  withoutOwner: z.number().int(),
  items: z.array(SetupOutcome),
});
export type BulkCreatePlansReply = z.infer<typeof BulkCreatePlansReply>;
export const BulkApproveReply = z.object({
  approved: z.number().int(),
  refused: z.number().int(),
  items: z.array(
    z.union([
      z.object({ planId: z.uuid(), outcome: z.literal('approved'), plan: Plan }),
      ErrorReply.extend({ planId: z.uuid(), outcome: z.literal('refused') }),
    ]),
  ),
});
export type BulkApproveReply = z.infer<typeof BulkApproveReply>;
export const DefaultOwnersReply = z.object({ assigned: z.number().int(), withoutOwner: z.number().int() });
