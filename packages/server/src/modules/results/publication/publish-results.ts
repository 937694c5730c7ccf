import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { cyclePublications, cycles, resultRevisions, results } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { badRequest, conflict, type ErrorDetail } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { awaitsPublication, getCycle, presentCycle } from '../../cycles/service';
import {
  appraiseeNames,
  blockersOf,
  changedFields,
  currentFigures,
  describeBlocker,
  latestRevisions,
  userRef,
  type PublicationOverride,
  type RevisionRow,
} from './shared';

/**
 * Publishes a cycle's results to the portal as revision 1 (or the next revision after a withdrawal)
 * of every result. Every approved plan needs a complete result computed from its current inputs;
 * the office may publish past a plan's blockers only with a written reason for that appraisee
 * (audited, shown on the portal beside the result). From then on the cycle's inputs are frozen.
 */
export async function publishResults(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  input: { overrides?: PublicationOverride[] } = {},
) {
  const a = requireOffice(actor, 'Publishing results');
  const overrides = input.overrides ?? [];
  return db.transaction(async (tx) => {
    const cycle = await getCycle(tx, cycleId, { forUpdate: true });
    if (!awaitsPublication(cycle) && cycle.resultsPublishedAt)
      throw conflict(
        'The results are published already; withdraw them first to publish again',
        [{ path: `cycles.${cycleId}`, message: 'published' }],
        'already_published',
      );
    if (!awaitsPublication(cycle))
      throw conflict(`Results are published from the feedback link on; the cycle is in ${cycle.stage}`, [
        { path: 'stage', message: 'too early' },
      ]);
    const [any] = await tx
      .select({ id: results.id })
      .from(results)
      .where(eq(results.cycleId, cycleId))
      .limit(1);
    if (!any)
      throw conflict('Compute the results before publishing them', [
        { path: 'cycleId', message: 'no results' },
      ]);
    const blockers = await blockersOf(tx, cycleId);
    const bad: ErrorDetail[] = [];
    const seen = new Set<string>();
    overrides.forEach((o, i) => {
      if (seen.has(o.planId)) bad.push({ path: `overrides.${i}.planId`, message: 'overridden twice' });
      else if (!blockers.has(o.planId))
        bad.push({ path: `overrides.${i}.planId`, message: 'nothing to override for this plan' });
      seen.add(o.planId);
    });
    if (bad.length) throw badRequest('Overrides name plans without blockers', bad);
    const open = [...blockers].filter(([planId]) => !seen.has(planId));
    if (open.length) {
      const names = await appraiseeNames(
        tx,
        open.map(([id]) => id),
      );
      throw conflict(
        `${open.length} appraisee(s) have no complete, fresh result; recompute, or override each with a reason`,
        open.map(([planId, list]) => ({
          path: `plans.${planId}`,
          message: `${names.get(planId) ?? planId}: ${list.map(describeBlocker).join('; ')}`,
        })),
        'publication_blocked',
      );
    }
    const at = new Date();
    const [updated] = await tx
      .update(cycles)
      .set({ resultsPublishedAt: at })
      .where(eq(cycles.id, cycleId))
      .returning();
    const titles = await appraiseeNames(
      tx,
      overrides.map((o) => o.planId),
    );
    const recorded = overrides.map((o) => ({
      ...o,
      title: titles.get(o.planId) ?? null,
      blockers: blockers.get(o.planId)!,
    }));
    const [publication] = await tx
      .insert(cyclePublications)
      .values({ cycleId, kind: 'publish', overrides: recorded, actorId: userRef(a), at })
      .returning();
    const overrideOf = new Map(overrides.map((o) => [o.planId, o.reason]));
    const current = await currentFigures(tx, cycleId);
    const latest = await latestRevisions(tx, cycleId);
    const rows = [...current.values()].map(({ row, figures }) => {
      const prev = latest.get(row.id);
      return {
        resultId: row.id,
        planId: row.planId,
        cycleId,
        revision: (prev?.revision ?? 0) + 1,
        kind: 'publication' as const,
        publicationId: publication.id,
        snapshot: figures,
        changes: prev
          ? { cause: 'republication' as const, fields: changedFields(prev.snapshot, figures) }
          : { cause: 'publication' as const, fields: {} },
        reason: overrideOf.get(row.planId) ?? null,
        approvedBy: userRef(a),
        at,
      };
    });
    const written: RevisionRow[] = [];
    for (let i = 0; i < rows.length; i += 500)
      written.push(
        ...(await tx
          .insert(resultRevisions)
          .values(rows.slice(i, i + 500))
          .returning()),
      );
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'results.publish',
        entityType: 'cycle',
        entityId: cycleId,
        data: { publicationId: publication.id, results: written.length, overrides: recorded },
      },
      {
        actorId: a.id,
        action: 'publication.publish',
        entityType: 'cycle_publication',
        entityId: publication.id,
        entity: publication,
      },
      ...written.map((r) => ({
        actorId: a.id,
        action: 'result.revision' as const,
        entityType: 'result_revision',
        entityId: r.id,
        data: { resultId: r.resultId, revision: r.revision, kind: r.kind },
        entity: r,
      })),
    ]);
    return { cycle: presentCycle(updated), publication, revisions: written.length };
  });
}
