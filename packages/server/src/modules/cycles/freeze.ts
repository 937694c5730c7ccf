import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { cycles } from '../../db/schema';
import { conflict } from '../../lib/errors';

/**
 * From publication on, every input of a cycle (values and their verification, evidence, ratings,
 * plan trees and statuses, rules, rater panels, survey estimates, public ratings) is frozen:
 * whoever writes gets 409 `cycle_published`. Published results change only through an accepted
 * appeal or an office correction, each a new revision (modules/results/publication/). A withdrawn
 * publication (results_published_at back to null) unfreezes the cycle.
 *
 * Call it inside the write's transaction, after the permission checks (a caller without the right
 * still gets 403). The row is read `for share`, so a write that passed the check holds off a
 * concurrent publication until it commits, and a publication holds off the write.
 */
export async function assertCycleNotPublished(tx: DbOrTx, cycleId: string): Promise<void> {
  const [c] = await tx
    .select({ publishedAt: cycles.resultsPublishedAt })
    .from(cycles)
    .where(eq(cycles.id, cycleId))
    .limit(1)
    .for('share');
  if (c?.publishedAt)
    throw conflict(
      `The results of this cycle were published on ${c.publishedAt.toISOString()}; its inputs are frozen. ` +
        'Changes go through an appeal or an office correction.',
      [{ path: `cycles.${cycleId}`, message: 'published' }],
      'cycle_published',
    );
}
