import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { cyclePublications, users } from '../../../db/schema';
import { getCycle } from '../../cycles/service';

/** Publications and withdrawals of a cycle, newest first, with who did them. */
export async function publicationHistory(db: DbOrTx, cycleId: string) {
  await getCycle(db, cycleId);
  const rows = await db
    .select({ p: cyclePublications, actorName: users.displayName, actorNameEn: users.displayNameEn })
    .from(cyclePublications)
    .leftJoin(users, eq(users.id, cyclePublications.actorId))
    .where(eq(cyclePublications.cycleId, cycleId))
    .orderBy(desc(cyclePublications.at));
  return rows.map(({ p, actorName, actorNameEn }) => ({
    id: p.id,
    kind: p.kind,
    reason: p.reason,
    overrides: p.overrides,
    actorName,
    actorNameEn,
    at: p.at,
  }));
}

/**
 * A cycle's publication state: published since when, or withdrawn with its public reason, and the
 * history. What the portal shows instead of results after a withdrawal.
 */
export async function publicationState(db: DbOrTx, cycleId: string) {
  const cycle = await getCycle(db, cycleId);
  const history = await publicationHistory(db, cycleId);
  const last = history[0];
  return {
    publishedAt: cycle.resultsPublishedAt,
    withdrawn:
      !cycle.resultsPublishedAt && last?.kind === 'withdraw' ? { reason: last.reason, at: last.at } : null,
    history,
  };
}
