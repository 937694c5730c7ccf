import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { cyclePublications, cycles } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { getCycle, presentCycle } from '../../cycles/service';
import { userRef } from './shared';

/**
 * Withdraws a publication with a public reason: the portal shows the withdrawal instead of the
 * results, and the cycle's inputs are no longer frozen. Publishing again later writes new revisions.
 */
export async function withdrawPublication(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  input: { reason: string },
) {
  const a = requireOffice(actor, 'Withdrawing a publication');
  return db.transaction(async (tx) => {
    const cycle = await getCycle(tx, cycleId, { forUpdate: true });
    if (!cycle.resultsPublishedAt)
      throw conflict(
        'The results of this cycle are not published',
        [{ path: `cycles.${cycleId}`, message: 'not published' }],
        'not_published',
      );
    const [updated] = await tx
      .update(cycles)
      .set({ resultsPublishedAt: null })
      .where(eq(cycles.id, cycleId))
      .returning();
    const [publication] = await tx
      .insert(cyclePublications)
      .values({ cycleId, kind: 'withdraw', reason: input.reason, actorId: userRef(a) })
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'results.withdraw',
        entityType: 'cycle',
        entityId: cycleId,
        data: { reason: input.reason, publishedAt: cycle.resultsPublishedAt },
      },
      {
        actorId: a.id,
        action: 'publication.withdraw',
        entityType: 'cycle_publication',
        entityId: publication.id,
        entity: publication,
      },
    ]);
    return { cycle: presentCycle(updated), publication };
  });
}
