import { z } from 'zod';
import { DEFAULT_GRADE_SCHEME, MISSING_DATA_POLICIES } from '@perfcommons/domain';

/** Consequence kinds of the application of results 结果运用. */
export const CONSEQUENCE_KINDS = [
  'commendation',
  'bonus_coefficient',
  'admonishment',
  'accountability_review',
  'promotion_eligible',
  'improvement_plan',
] as const;

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

/** Typical consequences in practice (grades tied to rewards, admonishment and accountability), as the default template. */
export const DEFAULT_CONSEQUENCE_RULES: ConsequenceRule[] = [
  { kind: 'commendation', grade: 'excellent', consecutive: 3, appraiseeType: 'cadre' },
  { kind: 'promotion_eligible', grade: 'excellent', appraiseeType: 'cadre' },
  { kind: 'bonus_coefficient', grade: 'excellent', value: 1.2 },
  { kind: 'bonus_coefficient', grade: 'good', value: 1.1 },
  { kind: 'admonishment', grade: 'basically_qualified', appraiseeType: 'cadre' },
  { kind: 'improvement_plan', grade: 'basically_qualified' },
  { kind: 'improvement_plan', grade: 'unqualified' },
  { kind: 'accountability_review', veto: true },
];

/** Rules with defaults filled, from whatever a cycle stores (older cycles may store a subset). */
export function rulesOf(stored: unknown): CycleRules {
  const parsed = CycleRulesSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : CycleRulesSchema.parse({});
}

export { DEFAULT_GRADE_SCHEME };
