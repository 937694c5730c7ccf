/** Replies of the plan routes: plans, trees with their problems, templates, set-up outcomes. */
import { z } from 'zod';
import { ErrorReply, Timestamp } from './common';
import { APPRAISEE_TYPES, PLAN_STATUSES } from './enums';
import { IndicatorNodeSchema, PLAN_SETUP_OUTCOMES, PLAN_SETUP_SKIP_REASONS } from './plans';

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
  /** Sign the appraisee side of the responsibility agreement (an approved plan; its unit manager or cadre). */
  signAppraisee: z.boolean(),
  /** Sign the office side of the responsibility agreement (an approved plan; the office). */
  signOffice: z.boolean(),
  /** Ask for a mid-cycle revision of targets or weights (an approved plan; its editors). */
  requestRevision: z.boolean(),
  /** Approve or reject pending revisions (the office). */
  decideRevisions: z.boolean(),
  /** Be given rater panels (an approved or closed plan; the office assigns them). */
  assignPanel: z.boolean(),
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
  /** smart.no_definition, smart.no_data_source, smart.no_target, smart.target_below_baseline, overlap, balance.public_weight, weight.too_small, rubric.missing. */
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
  /** The cycle's minimum share (%) the value falls below (balance.public_weight, weight.too_small). */
  limit: z.number().optional(),
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
export type PlanListReply = z.infer<typeof PlanListReply>;
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
