import { z } from 'zod';
import { GRADES, MISSING_DATA_POLICIES } from '@perfcommons/domain';
import { itemsOf, Timestamp } from './common';
import { CONSEQUENCE_KINDS, PANEL_SUBJECTS, TIE_BREAKS } from './enums-evaluation';

export const ConsequenceRuleSchema = z.object({
  /** What is applied. */
  kind: z.enum(CONSEQUENCE_KINDS),
  /** Applies to results with this grade (omit for veto-only rules). */
  grade: z.string().max(40).optional(),
  /** Applies when the grade was reached this many annual cycles in a row (including this one). */
  consecutive: z.number().int().min(1).max(10).optional(),
  /** Applies when a veto item was triggered. */
  veto: z.boolean().optional(),
  /** unit, cadre or both (default both). */
  appraiseeType: z.enum(['unit', 'cadre']).optional(),
  /** e.g. the performance bonus coefficient 1.2. */
  value: z.number().finite().optional(),
});
export type ConsequenceRule = z.infer<typeof ConsequenceRuleSchema>;

/** Rules of a cycle 考核办法: how scores are computed, graded and used. */
export const CycleRulesSchema = z.object({
  /** Drop this many highest and lowest ratings per panel. */
  trimEachSide: z.number().int().min(0).max(5).default(1),
  /** Panels with fewer raters are insufficient; their weight goes to the other subjects. */
  minRaters: z.number().int().min(1).max(50).default(3),
  /** Share of a cadre's total taken from the unit's result (combined appraisal 人事结合), 0–0.5. */
  unitShareForCadres: z.number().min(0).max(0.5).default(0),
  /** Term cycles: share of the total taken from the mean of the annual results within the term, 0–1. */
  annualShareForTerm: z.number().min(0).max(1).default(0),
  /** Days after publication in which appeals are accepted. */
  appealWindowDays: z.number().int().min(0).max(90).default(15),
  /** Consequences applied to results. */
  consequenceRules: z.array(ConsequenceRuleSchema).max(50).default([]),
  /**
   * A missing input (a leaf unreported or unverified, a panel below minRaters, a survey estimate
   * not yet published): 'incomplete' leaves the result without grade, rank or consequence;
   * 'renormalise' excludes the leaf and renormalises its siblings' weights; 'zero' scores it 0.
   */
  missingData: z.enum(MISSING_DATA_POLICIES).default('incomplete'),
  /**
   * Plan design checks: minimum share (%) of a plan's total scored by the public (leaves' `public` and
   * `service_recipient` subjects, each leaf weighted by its share of the total); 0 turns the check off.
   * Below it, submitting the plan needs an override with a reason. Off (0) until the office sets the
   * cycle's minimum: a new cycle does not block plans on a threshold nobody has decided.
   */
  minPublicWeight: z.number().min(0).max(100).default(0),
  /** Plan design checks: a leaf below this share (%) of the total is flagged as too small to steer; 0: off. */
  minLeafShare: z.number().min(0).max(100).default(1),
});
export type CycleRules = z.infer<typeof CycleRulesSchema>;

/** Grade bands, quotas and tie rule (domain GradeScheme). */
export const GradeSchemeSchema = z.object({
  /** Grade bands, highest first: a total earns the first band whose min it reaches. */
  bands: z
    .array(z.object({ grade: z.string().min(1).max(40), min: z.number().finite() }))
    .min(1)
    .max(10),
  /** Quota caps per grade within a peer group (e.g. excellent ≤ 0.2). */
  quotas: z
    .array(
      z.object({
        grade: z.string().min(1).max(40),
        maxShare: z.number().min(0).max(1),
        atLeastOne: z.boolean().optional(),
      }),
    )
    .max(10)
    .optional(),
  /** How ties at a quota boundary are resolved. */
  tieBreak: z.enum(TIE_BREAKS),
});
export type GradeSchemeInput = z.infer<typeof GradeSchemeSchema>;

export const UpdateRulesBody = z.object({
  /** Scoring, combination, appeal and consequence rules. */
  rules: CycleRulesSchema,
  /** Grade bands and quotas; null resets to the default scheme. */
  gradeScheme: GradeSchemeSchema.nullable().optional(),
  /** What changed and why. */
  note: z.string().max(2000).optional(),
});
export type UpdateRulesInput = z.input<typeof UpdateRulesBody>;

export const AssignTasksBody = z.object({
  /** Plans (appraisees) of the cycle that the panel rates. */
  planIds: z.array(z.uuid()).min(1).max(5000),
  /** Evaluation subject the raters act as. */
  subjectType: z.enum(PANEL_SUBJECTS),
  /** Users who rate. */
  raterIds: z.array(z.uuid()).min(1).max(500),
});
export type AssignTasksInput = z.infer<typeof AssignTasksBody>;

export const ThirdPartyBody = z.object({
  /** Login name of the organisation's account. */
  username: z
    .string()
    .trim()
    .min(3)
    .max(60)
    .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, . _ - only'),
  /** Organisation name. */
  displayName: z.string().trim().min(1).max(200),
  displayNameEn: z.string().trim().max(200).optional(),
});
export type ThirdPartyInput = z.infer<typeof ThirdPartyBody>;

/** One version of a cycle's rules; each change is a new version, frozen when evaluation starts. */
export const RuleVersion = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  version: z.number().int(),
  rules: CycleRulesSchema,
  gradeScheme: GradeSchemeSchema.nullable(),
  note: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: Timestamp,
  frozenAt: Timestamp.nullable(),
});
export type RuleVersion = z.infer<typeof RuleVersion>;

export const RulesReply = z.object({
  /** The rules in force (the frozen version once frozen). */
  rules: CycleRulesSchema,
  /** Null: the default scheme. */
  gradeScheme: GradeSchemeSchema.nullable(),
  /** Frozen once evaluation has started: no more changes. */
  frozen: z.boolean(),
  versions: z.array(RuleVersion),
});
export type RulesReply = z.infer<typeof RulesReply>;
export const UpdateRulesReply = z.object({ version: RuleVersion });

/** One section of the regulations in words, generated from the rule objects. */
export const RegulationSection = z.object({ id: z.string(), title: z.string(), items: z.array(z.string()) });
export type RegulationSection = z.infer<typeof RegulationSection>;

/** The frozen rules of a cycle, published as its regulations 考核办法. */
export const RegulationsReply = z.object({
  cycle: z.object({ id: z.uuid(), code: z.string(), name: z.string(), nameEn: z.string().nullable() }),
  version: z.number().int(),
  frozenAt: Timestamp,
  rules: CycleRulesSchema,
  /** The scheme the computation grades with (the domain default when the version stores none). */
  gradeScheme: GradeSchemeSchema,
  text: z.object({ 'zh-CN': z.array(RegulationSection), en: z.array(RegulationSection) }),
});
export type RegulationsReply = z.infer<typeof RegulationsReply>;

/** The regulations as text in both languages. */
export const RegulationsTextReply = z.object({
  version: z.number().int(),
  frozenAt: Timestamp,
  grades: z.array(z.enum(GRADES)),
  'zh-CN': z.array(RegulationSection),
  en: z.array(RegulationSection),
});
export type RegulationsTextReply = z.infer<typeof RegulationsTextReply>;

export const AssignTasksReply = z.object({
  /** Tasks created (a rater already on the panel is not counted again). */
  created: z.number().int(),
  /** Conflicts of interest left out, with the reason. */
  skipped: z.array(z.object({ planId: z.uuid(), raterId: z.uuid(), reason: z.string() })),
});
export type AssignTasksReply = z.infer<typeof AssignTasksReply>;

/** A rater panel: one plan and subject, raters assigned and those who rated. */
export const Panel = z.object({
  planId: z.uuid(),
  subjectType: z.string(),
  /** Raters assigned (same as `raters`). */
  n: z.number().int(),
  raters: z.number().int(),
  rated: z.number().int(),
});
export type Panel = z.infer<typeof Panel>;
export const PanelListReply = itemsOf(Panel);
export type PanelListReply = z.infer<typeof PanelListReply>;

export const ThirdPartyReply = z.object({
  user: z.object({ id: z.uuid(), username: z.string(), displayName: z.string() }),
  /** The account's one-time password, shown in this answer only. */
  password: z.string(),
});
export type ThirdPartyReply = z.infer<typeof ThirdPartyReply>;

/** Rater quality 评分质量: each rater's leniency or severity, each subject's panel agreement. */
export const RaterQualityReply = z.object({
  raters: z.array(
    z.object({
      raterId: z.uuid(),
      username: z.string(),
      displayName: z.string(),
      subjectType: z.string(),
      n: z.number().int(),
      /** Mean deviation from the other raters of the same targets (points). */
      meanDeviation: z.number(),
      flag: z.enum(['lenient', 'severe']).nullable(),
    }),
  ),
  panels: z.array(
    z.object({
      subjectType: z.string(),
      units: z.number().int(),
      raters: z.number().int(),
      ratings: z.number().int(),
      /** Krippendorff's alpha (interval); null when too few pairable values. */
      alpha: z.number().nullable(),
    }),
  ),
});
export type RaterQualityReply = z.infer<typeof RaterQualityReply>;
