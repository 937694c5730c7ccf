import { CycleRulesSchema, type ConsequenceRule, type CycleRules } from '@perfcommons/contracts';
import { DEFAULT_GRADE_SCHEME } from '@perfcommons/domain';

export { CycleRulesSchema, type ConsequenceRule, type CycleRules };

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
