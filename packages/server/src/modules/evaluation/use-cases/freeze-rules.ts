import { desc, eq } from 'drizzle-orm';
import { type GradeScheme } from '@perfcommons/domain';
import type { DbOrTx } from '../../../db/client';
import { cycleRuleVersions, cycles } from '../../../db/schema';
import { type CycleRow } from '../../cycles/service';
import { rulesOf, type CycleRules } from '../rules';

/**
 * Freezes the rules in force when a cycle enters evaluation (called inside the transition's
 * transaction), and makes `cycles.rules` and `cycles.grade_scheme` mirror the frozen version, so
 * that after freezing there is one set of rules (results read the frozen version itself).
 */
export async function freezeRules(tx: DbOrTx, cycle: CycleRow, actorId: string) {
  const [last] = await tx
    .select()
    .from(cycleRuleVersions)
    .where(eq(cycleRuleVersions.cycleId, cycle.id))
    .orderBy(desc(cycleRuleVersions.version))
    .limit(1);
  const now = new Date();
  let fixed: { rules: CycleRules; gradeScheme: GradeScheme | null };
  if (last && !last.frozenAt) {
    await tx.update(cycleRuleVersions).set({ frozenAt: now }).where(eq(cycleRuleVersions.id, last.id));
    fixed = last;
  } else if (!last) {
    fixed = { rules: rulesOf(cycle.rules), gradeScheme: cycle.gradeScheme };
    await tx.insert(cycleRuleVersions).values({
      cycleId: cycle.id,
      version: 1,
      rules: fixed.rules,
      gradeScheme: fixed.gradeScheme,
      createdBy: actorId,
      frozenAt: now,
    });
  } else fixed = last;
  await tx
    .update(cycles)
    .set({ rules: rulesOf(fixed.rules), gradeScheme: fixed.gradeScheme ?? null })
    .where(eq(cycles.id, cycle.id));
}
