import { desc, eq } from 'drizzle-orm';
import type { RevisionChanges } from '@perfcommons/contracts';
import { disclosesConsequences, disclosesResult } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { resultRevisions, results, users } from '../../../db/schema';
import { requireActor, type Actor } from '../../../lib/actor';
import { forbidden, notFound } from '../../../lib/errors';
import { getCycle } from '../../cycles/service';
import { canReadPlanSync, loadPlanScope } from '../../plans/access';
import { getDisclosure } from '../disclosure';
import { publicationHistory } from './publication-state';

/** A revision's changes without the consequences field (disclosure policy hiding consequences). */
function withoutConsequences(changes: RevisionChanges): RevisionChanges {
  const { consequences: _hidden, ...fields } = changes.fields ?? {};
  return { ...changes, fields };
}

/**
 * Revisions of one result, newest first, with who approved each; with the publication override of
 * its appraisee, if any. Readable by everyone while the results are published, by the office always.
 */
export async function listRevisions(
  db: Db,
  actor: Actor | null,
  resultId: string,
  opts: { publicOnly?: boolean } = {},
) {
  const [result] = await db.select().from(results).where(eq(results.id, resultId));
  if (!result) throw notFound('Result');
  const cycle = await getCycle(db, result.cycleId);
  if (opts.publicOnly && !cycle.resultsPublishedAt) throw notFound('Result');
  const scope = await loadPlanScope(db, result.planId);
  const official = !opts.publicOnly && actor !== null && canReadPlanSync(actor, scope);
  if (!opts.publicOnly && !cycle.resultsPublishedAt && !official) {
    requireActor(actor);
    throw forbidden('This result is not published and belongs to another unit');
  }
  // Public callers: the cycle's disclosure policy, as for the result itself (results/disclosure.ts).
  const policy = official ? null : await getDisclosure(db, result.cycleId);
  const type = scope.plan.appraiseeType;
  if (policy && !disclosesResult(policy, type)) throw notFound('Result');
  const hideConsequences = policy !== null && !disclosesConsequences(policy, type);
  const rows = await db
    .select({ r: resultRevisions, approverName: users.displayName, approverNameEn: users.displayNameEn })
    .from(resultRevisions)
    .leftJoin(users, eq(users.id, resultRevisions.approvedBy))
    .where(eq(resultRevisions.resultId, resultId))
    .orderBy(desc(resultRevisions.revision));
  const history = await publicationHistory(db, result.cycleId);
  const current = history.find((h) => h.kind === 'publish');
  const override = current?.overrides.find((o) => o.planId === result.planId) ?? null;
  return {
    items: rows.map(({ r, approverName, approverNameEn }) => ({
      id: r.id,
      resultId: r.resultId,
      planId: r.planId,
      revision: r.revision,
      kind: r.kind,
      appealId: r.appealId,
      snapshot: hideConsequences ? { ...r.snapshot, consequences: [] } : r.snapshot,
      changes: hideConsequences ? withoutConsequences(r.changes) : r.changes,
      reason: r.reason,
      approverName,
      approverNameEn,
      at: r.at,
    })),
    override,
    publishedAt: cycle.resultsPublishedAt,
  };
}
