import { z } from 'zod';
import { SUBJECT_TYPES } from '@perfcommons/domain';
import { APPRAISEE_TYPES, MAX_RUBRIC_BANDS } from './enums';

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

/**
 * One score band of a behaviourally anchored rubric 评分细则 of a qualitative indicator: what a
 * performance scoring between `min` and `max` (0–100) looks like, shown to raters beside the score.
 */
export const RubricBandSchema = z.object({
  /** Lowest score of the band. */
  min: num.min(0).max(100),
  /** Highest score of the band. */
  max: num.min(0).max(100),
  /** Short label, e.g. `优秀`. */
  label: z.string().trim().min(1).max(40),
  labelEn: z.string().trim().max(80).optional(),
  /** The observable behaviour or result that earns a score in the band. */
  description: z.string().trim().min(1).max(1000),
  descriptionEn: z.string().trim().max(2000).optional(),
});
export type RubricBand = z.infer<typeof RubricBandSchema>;

/** A rubric: 2–6 bands, each with min ≤ max, not overlapping (checked by the refinement). */
export const RubricSchema = z
  .array(RubricBandSchema)
  .min(2)
  .max(MAX_RUBRIC_BANDS)
  .superRefine((bands, ctx) => {
    bands.forEach((b, i) => {
      if (b.min > b.max) ctx.addIssue({ code: 'custom', message: 'min is above max', path: [i, 'min'] });
      bands.forEach((o, j) => {
        if (j > i && b.min < o.max && o.min < b.max)
          ctx.addIssue({ code: 'custom', message: `overlaps band ${i}`, path: [j, 'min'] });
      });
    });
  });

/** The library entry 指标库 a plan node was picked from: its code and the version picked. */
export const LibraryRefSchema = z.object({
  code: z.string().trim().min(1).max(40),
  version: z.number().int().min(1),
});

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
  library?: { code: string; version: number };
  rubric?: RubricBand[];
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
    /** Picked from the indicator library: the entry's code and version (kept when edited). */
    library: LibraryRefSchema.optional(),
    /** Raters' rubric of a rated (qualitative) leaf: score bands with what each looks like. */
    rubric: RubricSchema.optional(),
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
