import { and, desc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client';
import { cyclePublications, resultRevisions } from '../../../db/schema';
import { type Actor } from '../../../lib/actor';
import { appendAudit } from '../../audit/service';
import { type CycleRow } from '../../cycles/service';
import { computeCycleResults } from '../use-cases';
import { changedFields, currentFigures, latestRevisions, userRef } from './shared';

/** What a revision of the results is for (the note of every revision it writes). */
export interface RevisionCause {
  kind: 'appeal' | 'correction';
  /** Why: the appeal decision's or the correction's justification. */
  reason: string;
  /** The plan whose input was corrected. */
  planId: string;
  appealId?: string;
  /** The corrected input: `{ indicatorCode, period, from, to }`. */
  input?: { indicatorCode: string; period: string; from: number | null; to: number };
}

/**
 * Recomputes a published cycle after a corrected input (inside the caller's transaction, past the
 * freeze) and writes a new revision of every result whose published figures changed (a corrected
 * value can move the ranks of others in the peer group), and of the corrected plan's result in any
 * case (its input changed). A cycle not published now is only recomputed: its next publication
 * writes the revisions.
 */
export async function reviseResults(tx: DbOrTx, a: Actor, cycle: CycleRow, cause: RevisionCause) {
  if (!cycle.resultsPublishedAt) {
    await computeCycleResults(tx as unknown as Db, a, cycle.id);
    return [];
  }
  const latest = await latestRevisions(tx, cycle.id);
  // Nested transaction (a savepoint): the recompute commits with the revision or not at all.
  await computeCycleResults(tx as unknown as Db, a, cycle.id, { revision: true });
  const current = await currentFigures(tx, cycle.id);
  const [publication] = await tx
    .select({ id: cyclePublications.id })
    .from(cyclePublications)
    .where(and(eq(cyclePublications.cycleId, cycle.id), eq(cyclePublications.kind, 'publish')))
    .orderBy(desc(cyclePublications.at))
    .limit(1);
  const at = new Date();
  const rows = [];
  for (const { row, figures } of current.values()) {
    const prev = latest.get(row.id);
    const fields = changedFields(prev?.snapshot, figures);
    const target = row.planId === cause.planId;
    if (!target && Object.keys(fields).length === 0) continue;
    rows.push({
      resultId: row.id,
      planId: row.planId,
      cycleId: cycle.id,
      revision: (prev?.revision ?? 0) + 1,
      kind: cause.kind,
      publicationId: publication?.id ?? null,
      appealId: cause.appealId ?? null,
      snapshot: figures,
      changes: {
        cause: target ? cause.kind : ('peer' as const),
        fields,
        ...(target ? { input: cause.input ?? null } : { causePlanId: cause.planId }),
      },
      reason: cause.reason,
      approvedBy: userRef(a),
      at,
    });
  }
  const written = rows.length ? await tx.insert(resultRevisions).values(rows).returning() : [];
  await appendAudit(
    tx,
    written.map((r) => ({
      actorId: a.id,
      action: 'result.revision',
      entityType: 'result_revision',
      entityId: r.id,
      data: { resultId: r.resultId, revision: r.revision, kind: r.kind, changes: r.changes },
      entity: r,
    })),
  );
  return written;
}
