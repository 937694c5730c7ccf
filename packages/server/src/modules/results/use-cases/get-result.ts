import { eq } from 'drizzle-orm';
import { discloseResult } from '@perfcommons/domain';
import { type Db } from '../../../db/client';
import { plans, results } from '../../../db/schema';
import { requireActor, type Actor } from '../../../lib/actor';
import { forbidden, notFound } from '../../../lib/errors';
import { getCycle } from '../../cycles/service';
import { canReadPlanSync } from '../../plans/access';
import { explainResult } from '../explain';
import { getDisclosure } from '../disclosure';
import { decorate, strip } from './shared';

export async function getResult(
  db: Db,
  actor: Actor | null,
  id: string,
  opts: { publicOnly?: boolean } = {},
) {
  const [row] = await db.select().from(results).where(eq(results.id, id));
  if (!row) throw notFound('Result');
  const cycle = await getCycle(db, row.cycleId);
  const published = cycle.resultsPublishedAt !== null;
  if (opts.publicOnly && !published) throw notFound('Result');
  const [full] = await decorate(db, [row]);
  const official = !opts.publicOnly && actor !== null && canReadPlanSync(actor, full._scope);
  if (!opts.publicOnly && !published && !official) {
    requireActor(actor);
    throw forbidden('This result is not published and belongs to another unit');
  }
  // Public callers see the result as the cycle's disclosure policy allows, or not at all.
  const r = official ? full : discloseResult(await getDisclosure(db, row.cycleId), full);
  if (!r) throw notFound('Result');
  const [plan] = await db.select().from(plans).where(eq(plans.id, row.planId));
  const { breakdown, stale } = await explainResult(db, cycle, plan, row);
  return { result: { ...strip(r), stale }, breakdown };
}
