import { eq } from 'drizzle-orm';
import { discloseResult } from '@perfcommons/domain';
import { type Db } from '../../../db/client';
import { results } from '../../../db/schema';
import { requireActor, type Actor } from '../../../lib/actor';
import { getCycle } from '../../cycles/service';
import { canReadPlanSync } from '../../plans/access';
import { getDisclosure } from '../disclosure';
import { decorate, strip } from './shared';

/**
 * Results of a cycle: the office sees all; others see their own subtree's results, and
 * everyone's once the office has published them.
 */
export async function listResults(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  opts: { publicOnly?: boolean } = {},
) {
  const cycle = await getCycle(db, cycleId);
  const published = cycle.resultsPublishedAt !== null;
  if (opts.publicOnly && !published) return [];
  if (!opts.publicOnly) requireActor(actor);
  const rows = await db.select().from(results).where(eq(results.cycleId, cycleId));
  const list = await decorate(db, rows, cycleId);
  // What the caller may read as an official (office, own subtree); the rest only as the public sees it.
  const official = (r: (typeof list)[number]) => !opts.publicOnly && canReadPlanSync(actor, r._scope);
  const policy = published ? await getDisclosure(db, cycleId) : null;
  return list
    .map((r) => (official(r) ? r : policy ? discloseResult(policy, r) : null))
    .filter((r) => r !== null)
    .map(strip);
}
