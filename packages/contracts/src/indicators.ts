/** The indicator library 指标库: standard indicators, their versions and where plans use them. */
import { z } from 'zod';
import { Timestamp } from './common';
import {
  APPRAISEE_TYPES,
  INDICATOR_CATEGORIES,
  INDICATOR_FREQUENCIES,
  INDICATOR_MEASURES,
  INDICATOR_STATUSES,
  PLAN_STATUSES,
} from './enums';
import { RubricSchema, ScoringRuleSchema } from './plans';

const text = (max: number) => z.string().trim().max(max);
const weight = z.number().finite().min(0).max(100);

/** The fields an office official writes for a library indicator (create, or a new version). */
const IndicatorFields = z.object({
  /** Name in Chinese, e.g. `地区生产总值增速`. */
  name: text(200).min(1),
  /** Name in English. */
  nameEn: text(200).optional(),
  /** Field of policy (the first-level indicator it usually sits under). */
  category: z.enum(INDICATOR_CATEGORIES),
  /** quantitative (measured value) or qualitative (rated, with a rubric). */
  measure: z.enum(INDICATOR_MEASURES),
  /** Definition 指标解释: what is measured, scope and exclusions. */
  definition: text(2000).min(1),
  definitionEn: text(4000).optional(),
  /** Unit of measure, e.g. `%`; empty for rated indicators. */
  unit: text(40).optional(),
  /** Formula 计算公式, e.g. `按期办结工单数 ÷ 应办结工单数 × 100%`. */
  formula: text(1000).optional(),
  /** Where the value comes from, e.g. `市统计局统计年报`. */
  dataSource: text(200).optional(),
  /** The department responsible for the data (an org unit id). */
  ownerOrgUnitId: z.uuid().nullable().optional(),
  /** Polarity: whether higher or lower values are better. */
  polarity: z.enum(['higher', 'lower']),
  /** How often it is measured. */
  frequency: z.enum(INDICATOR_FREQUENCIES),
  /** Typical weight range within its first-level indicator (points of 100). */
  weightMin: weight,
  weightMax: weight,
  /** Scoring rule template 评分标准模板 a picked leaf starts from. */
  ruleTemplate: ScoringRuleSchema.optional(),
  /** The mission or public need it serves 服务的使命或公众需求. */
  mission: text(1000).min(1),
  /** Raters' rubric (qualitative indicators). */
  rubric: RubricSchema.optional(),
});

function checkWeights(v: { weightMin: number; weightMax: number }, ctx: z.RefinementCtx) {
  if (v.weightMin > v.weightMax)
    ctx.addIssue({ code: 'custom', message: 'weightMin is above weightMax', path: ['weightMin'] });
}

export const CreateIndicatorBody = IndicatorFields.extend({
  /** Stable code, e.g. `ECO-GDP-GROWTH` (capitals, digits, `-`, `.`). */
  code: z
    .string()
    .trim()
    .regex(/^[A-Z][A-Z0-9.-]{1,39}$/, 'capitals, digits, - and . (2–40 characters, a capital first)'),
}).superRefine(checkWeights);
export type CreateIndicatorInput = z.infer<typeof CreateIndicatorBody>;

export const ReviseIndicatorBody = IndicatorFields.extend({
  /** The version the edit started from; a newer one answers 409. */
  version: z.number().int().min(1),
  /** What changed and why (recorded with the new version). */
  changeNote: text(1000).min(1),
}).superRefine(checkWeights);
export type ReviseIndicatorInput = z.infer<typeof ReviseIndicatorBody>;

export const RetireIndicatorBody = z.object({
  /** The current version (concurrency check). */
  version: z.number().int().min(1),
  /** Why it is no longer offered. */
  reason: text(1000).min(1),
});

/** A library code in a path: the same shape as a created code, so nothing else reaches the database. */
export const IndicatorCodeParams = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Z][A-Z0-9.-]{1,39}$/, 'capitals, digits, - and . (2–40 characters, a capital first)'),
});
export const IndicatorVersionParams = IndicatorCodeParams.extend({ version: z.coerce.number().int().min(1) });

export const IndicatorsQuery = z.object({
  /** Words of the name, code or definition. */
  q: z.string().trim().max(100).optional(),
  category: z.enum(INDICATOR_CATEGORIES).optional(),
  /** Also list retired indicators. */
  includeRetired: z.enum(['true', 'false']).optional(),
});

/** One version of a library indicator. */
export const IndicatorEntry = IndicatorFields.extend({
  id: z.uuid(),
  code: z.string(),
  version: z.number().int(),
  status: z.enum(INDICATOR_STATUSES),
  nameEn: z.string().nullable(),
  definitionEn: z.string().nullable(),
  unit: z.string().nullable(),
  formula: z.string().nullable(),
  dataSource: z.string().nullable(),
  ownerOrgUnitId: z.uuid().nullable(),
  /** Name of the responsible department. */
  ownerName: z.string().nullable(),
  ownerNameEn: z.string().nullable(),
  ruleTemplate: ScoringRuleSchema.nullable(),
  rubric: RubricSchema.nullable(),
  changeNote: z.string().nullable(),
  retiredReason: z.string().nullable(),
  createdAt: Timestamp,
});
export type IndicatorEntry = z.infer<typeof IndicatorEntry>;

/** The current version of each indicator, with how many plans use it (any version). */
export const IndicatorListReply = z.object({
  items: z.array(IndicatorEntry.extend({ planCount: z.number().int() })),
  /** Whether the caller may create, revise and retire (the office). */
  canEdit: z.boolean(),
});
export type IndicatorListReply = z.infer<typeof IndicatorListReply>;

/** A plan node that uses a library indicator. */
export const IndicatorUse = z.object({
  planId: z.uuid(),
  planTitle: z.string(),
  planTitleEn: z.string().nullable(),
  planStatus: z.enum(PLAN_STATUSES),
  appraiseeType: z.enum(APPRAISEE_TYPES),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  cycleId: z.uuid(),
  cycleName: z.string(),
  cycleNameEn: z.string().nullable(),
  /** The node's code in the plan. */
  nodeCode: z.string(),
  /** The library version the node was picked from. */
  version: z.number().int(),
  weight: z.number(),
  target: z.number().nullable(),
});
export type IndicatorUse = z.infer<typeof IndicatorUse>;

export const IndicatorDetailReply = z.object({
  /** The current (latest) version. */
  entry: IndicatorEntry,
  /** Every version, newest first. */
  versions: z.array(IndicatorEntry),
  usage: z.object({
    /** Plans the caller may read that use the indicator, by cycle and appraisee. */
    items: z.array(IndicatorUse),
    /** Plans using each version, per cycle (all plans, counted). */
    counts: z.array(
      z.object({
        cycleId: z.uuid(),
        cycleName: z.string(),
        cycleNameEn: z.string().nullable(),
        version: z.number().int(),
        plans: z.number().int(),
      }),
    ),
  }),
  canEdit: z.boolean(),
});
export type IndicatorDetailReply = z.infer<typeof IndicatorDetailReply>;
export const IndicatorEntryReply = z.object({ entry: IndicatorEntry });
