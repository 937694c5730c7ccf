/**
 * What the publication use cases share: the snapshot of a result and the fields compared between
 * snapshots, the current figures and latest revisions of a cycle, the blockers of publication.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { PublicationBlocker, PublishedFigures } from '@perfcommons/contracts';
import type { DbOrTx } from '../../../db/client';
import { consequences, plans, resultRevisions, results } from '../../../db/schema';
import { type Actor } from '../../../lib/actor';
import { canonicalJson } from '../../../lib/hash';
import { systemActor } from '../../../lib/system';
import { cycleResultStatus } from '../freshness';

/** The user row an actor stands for: none for the command line's system actor (no users row). */
export const userRef = (a: Actor) => (a.id === systemActor().id ? null : a.id);

export type ResultRow = typeof results.$inferSelect;
export type RevisionRow = typeof resultRevisions.$inferSelect;

/** The figures of a result as the portal publishes them (one revision's snapshot). */
export type { PublishedFigures };

/** Why a plan keeps the cycle from being published. */
export type Blocker = PublicationBlocker;

/** A per-appraisee override of its blockers, with the office's written reason. */
export interface PublicationOverride {
  planId: string;
  reason: string;
}

/**
 * The snapshot of a result: an incomplete result is published as incomplete, with no grade, rank or
 * consequence (never as a zero or a grade computed from partial inputs).
 */
export function figuresOf(r: ResultRow, applied: PublishedFigures['consequences']): PublishedFigures {
  const complete = r.complete !== false;
  return {
    total: r.total,
    weightedScore: r.weightedScore,
    bonus: r.bonus,
    deduction: r.deduction,
    grade: complete ? r.grade : null,
    gradeByScore: complete ? r.gradeByScore : null,
    rank: complete ? r.rank : null,
    peerGroupSize: r.peerGroupSize,
    veto: r.veto,
    complete,
    missing: r.missing ?? [],
    consequences: complete ? [...applied].sort((x, y) => x.kind.localeCompare(y.kind)) : [],
  };
}

/** Current figures of every result of a cycle, by result id. */
export async function currentFigures(tx: DbOrTx, cycleId: string) {
  const rows = await tx.select().from(results).where(eq(results.cycleId, cycleId));
  const applied = await tx
    .select({
      resultId: consequences.resultId,
      kind: consequences.kind,
      value: consequences.value,
      reason: consequences.reason,
    })
    .from(consequences)
    .where(eq(consequences.cycleId, cycleId));
  const byResult = new Map<string, PublishedFigures['consequences']>();
  for (const { resultId, ...c } of applied) byResult.set(resultId, [...(byResult.get(resultId) ?? []), c]);
  return new Map(rows.map((r) => [r.id, { row: r, figures: figuresOf(r, byResult.get(r.id) ?? []) }]));
}

/** The latest revision of every result of a cycle, by result id. */
export async function latestRevisions(tx: DbOrTx, cycleId: string) {
  const rows = await tx
    .select()
    .from(resultRevisions)
    .where(eq(resultRevisions.cycleId, cycleId))
    .orderBy(asc(resultRevisions.revision));
  return new Map(rows.map((r) => [r.resultId, r]));
}

export const FIELDS: (keyof PublishedFigures)[] = [
  'total',
  'weightedScore',
  'bonus',
  'deduction',
  'grade',
  'gradeByScore',
  'rank',
  'peerGroupSize',
  'veto',
  'complete',
  'missing',
  'consequences',
];

/** Fields whose published value differs between two snapshots: `{ total: { from, to } }`. */
export function changedFields(before: PublishedFigures | undefined, after: PublishedFigures) {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of FIELDS) {
    const from = before?.[f] ?? null;
    const to = after[f] ?? null;
    if (canonicalJson(from) !== canonicalJson(to)) out[f] = { from, to };
  }
  return out;
}

/** Blockers of publication per plan, from the results' freshness and completeness. */
export async function blockersOf(tx: DbOrTx, cycleId: string): Promise<Map<string, Blocker[]>> {
  const status = await cycleResultStatus(tx, cycleId);
  const out = new Map<string, Blocker[]>();
  const add = (planId: string, b: Blocker) => out.set(planId, [...(out.get(planId) ?? []), b]);
  for (const id of status.withoutResult) add(id, { reason: 'no_result' });
  for (const i of status.incomplete) add(i.planId, { reason: 'incomplete', missing: i.missing });
  for (const id of status.stale) add(id, { reason: 'stale' });
  return out;
}

export const describeBlocker = (b: Blocker) =>
  b.reason === 'no_result'
    ? 'no result computed'
    : b.reason === 'stale'
      ? 'result is stale (inputs changed since it was computed)'
      : 'result is incomplete (inputs missing)';

/** Names of the appraisees of some plans, for messages and the console. */
export async function appraiseeNames(tx: DbOrTx, planIds: string[]) {
  if (planIds.length === 0) return new Map<string, string>();
  const rows = await tx
    .select({ id: plans.id, title: plans.title })
    .from(plans)
    .where(inArray(plans.id, planIds));
  return new Map(rows.map((r) => [r.id, r.title]));
}
