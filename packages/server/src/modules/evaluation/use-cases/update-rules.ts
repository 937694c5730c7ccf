import { desc, eq } from 'drizzle-orm';
import { type GradeScheme } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { cycleRuleVersions, cycles } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { assertCycleNotPublished } from '../../cycles/freeze';
import { getCycle } from '../../cycles/service';
import { type CycleRules } from '../rules';
import { frozen } from './shared';

/** Changes the rules while the cycle is before evaluation; every change is a new version. */
export async function updateRules(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  input: { rules: CycleRules; gradeScheme?: GradeScheme | null; note?: string },
) {
  const a = requireOffice(actor, 'Changing the rules of a cycle');
  return db.transaction(async (tx) => {
    const cycle = await getCycle(tx, cycleId);
    await assertCycleNotPublished(tx, cycleId);
    if (frozen(cycle))
      throw conflict(
        'The rules are frozen once evaluation has started',
        [{ path: 'rules', message: 'frozen' }],
        'frozen',
      );
    const [last] = await tx
      .select({ version: cycleRuleVersions.version })
      .from(cycleRuleVersions)
      .where(eq(cycleRuleVersions.cycleId, cycleId))
      .orderBy(desc(cycleRuleVersions.version))
      .limit(1);
    const version = (last?.version ?? 0) + 1;
    const gradeScheme = input.gradeScheme === undefined ? cycle.gradeScheme : input.gradeScheme;
    const [row] = await tx
      .insert(cycleRuleVersions)
      .values({
        cycleId,
        version,
        rules: input.rules,
        gradeScheme,
        note: input.note ?? null,
        createdBy: a.id,
      })
      .returning();
    await tx.update(cycles).set({ rules: input.rules, gradeScheme }).where(eq(cycles.id, cycleId));
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'cycle.rules.update',
        entityType: 'cycle',
        entityId: cycleId,
        data: { version, ...input },
      },
    ]);
    return row;
  });
}
