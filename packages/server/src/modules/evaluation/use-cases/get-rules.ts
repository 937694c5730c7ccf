import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { cycleRuleVersions } from '../../../db/schema';
import { getCycle } from '../../cycles/service';
import { rulesOf } from '../rules';
import { frozen, frozenRulesOrNull } from './shared';

/** The cycle's rules in force (the frozen version once frozen) and their version history. */
export async function getRules(db: Db, cycleId: string) {
  const cycle = await getCycle(db, cycleId);
  const versions = await db
    .select()
    .from(cycleRuleVersions)
    .where(eq(cycleRuleVersions.cycleId, cycleId))
    .orderBy(asc(cycleRuleVersions.version));
  const isFrozen = frozen(cycle);
  const fixed = isFrozen ? await frozenRulesOrNull(db, cycleId) : null;
  return {
    rules: fixed ? fixed.rules : rulesOf(cycle.rules),
    gradeScheme: fixed ? fixed.gradeScheme : cycle.gradeScheme,
    frozen: isFrozen,
    versions,
  };
}
