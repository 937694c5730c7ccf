/**
 * What the evaluation use cases share, and other modules read: the subjects from outside the
 * appraisee's organisation, whether a cycle's rules are frozen, the frozen rules themselves.
 */
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { DEFAULT_GRADE_SCHEME, type GradeScheme } from '@perfcommons/domain';
import type { DbOrTx } from '../../../db/client';
import { cycleRuleVersions } from '../../../db/schema';
import { conflict } from '../../../lib/errors';
import { STAGES, type CycleRow } from '../../cycles/service';
import { rulesOf, type CycleRules } from '../rules';

/** Subjects from outside the appraisee's own organisation; a rater of the appraisee's unit is excluded. */
export const EXTERNAL_SUBJECTS = ['expert', 'deputy', 'third_party', 'public', 'service_recipient'];

export const frozen = (c: CycleRow) => STAGES.indexOf(c.stage) >= STAGES.indexOf('evaluation');

/** The rules a cycle's results are computed from: its frozen version, published as the regulations. */
export interface FrozenRules {
  version: number;
  frozenAt: Date;
  rules: CycleRules;
  gradeScheme: GradeScheme;
}

/** The latest frozen rules version of a cycle (the regulations), or null before evaluation. */
export async function frozenRulesOrNull(db: DbOrTx, cycleId: string): Promise<FrozenRules | null> {
  const [v] = await db
    .select()
    .from(cycleRuleVersions)
    .where(and(eq(cycleRuleVersions.cycleId, cycleId), isNotNull(cycleRuleVersions.frozenAt)))
    .orderBy(desc(cycleRuleVersions.version))
    .limit(1);
  if (!v) return null;
  return {
    version: v.version,
    frozenAt: v.frozenAt!,
    rules: rulesOf(v.rules),
    gradeScheme: v.gradeScheme ?? DEFAULT_GRADE_SCHEME,
  };
}

/**
 * The frozen rules a cycle's results are computed from; never the live `cycles.rules` column, so
 * that what computes is what the portal publishes. 409 `rules_not_frozen` when there is none.
 */
export async function frozenRules(db: DbOrTx, cycleId: string): Promise<FrozenRules> {
  const v = await frozenRulesOrNull(db, cycleId);
  if (!v)
    throw conflict(
      'The cycle has no frozen rules: results are computed from the rules frozen when evaluation starts',
      [{ path: 'rules', message: 'not frozen' }],
      'rules_not_frozen',
    );
  return v;
}
