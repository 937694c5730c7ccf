import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { PublicationBlocker, PublishedFigures, RevisionChanges } from '@perfcommons/contracts';
import { disclosesConsequences, disclosesResult } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import {
  actualValues,
  consequences,
  cyclePublications,
  cycles,
  indicatorNodes,
  plans,
  resultRevisions,
  results,
  users,
} from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, notFound, type ErrorDetail } from '../../lib/errors';
import { canonicalJson } from '../../lib/hash';
import { systemActor } from '../../lib/system';
import { appendAudit } from '../audit/service';
import { getCycle, presentCycle, type CycleRow } from '../cycles/service';
import { canReadPlanSync, loadPlanScope } from '../plans/access';
import { getDisclosure } from './disclosure';
import { cycleResultStatus } from './freshness';
import { computeCycleResults } from './service';

/** The user row an actor stands for: none for the command line's system actor (no users row). */
const userRef = (a: Actor) => (a.id === systemActor().id ? null : a.id);

/** Links of the cycle from which results may be published. */
const PUBLISH_STAGES = ['feedback', 'results', 'closed'];

type ResultRow = typeof results.$inferSelect;
type RevisionRow = typeof resultRevisions.$inferSelect;

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
function figuresOf(r: ResultRow, applied: PublishedFigures['consequences']): PublishedFigures {
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
async function currentFigures(tx: DbOrTx, cycleId: string) {
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
async function latestRevisions(tx: DbOrTx, cycleId: string) {
  const rows = await tx
    .select()
    .from(resultRevisions)
    .where(eq(resultRevisions.cycleId, cycleId))
    .orderBy(asc(resultRevisions.revision));
  return new Map(rows.map((r) => [r.resultId, r]));
}

const FIELDS: (keyof PublishedFigures)[] = [
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
async function blockersOf(tx: DbOrTx, cycleId: string): Promise<Map<string, Blocker[]>> {
  const status = await cycleResultStatus(tx, cycleId);
  const out = new Map<string, Blocker[]>();
  const add = (planId: string, b: Blocker) => out.set(planId, [...(out.get(planId) ?? []), b]);
  for (const id of status.withoutResult) add(id, { reason: 'no_result' });
  for (const i of status.incomplete) add(i.planId, { reason: 'incomplete', missing: i.missing });
  for (const id of status.stale) add(id, { reason: 'stale' });
  return out;
}

const describeBlocker = (b: Blocker) =>
  b.reason === 'no_result'
    ? 'no result computed'
    : b.reason === 'stale'
      ? 'result is stale (inputs changed since it was computed)'
      : 'result is incomplete (inputs missing)';

/** Names of the appraisees of some plans, for messages and the console. */
async function appraiseeNames(tx: DbOrTx, planIds: string[]) {
  if (planIds.length === 0) return new Map<string, string>();
  const rows = await tx
    .select({ id: plans.id, title: plans.title })
    .from(plans)
    .where(inArray(plans.id, planIds));
  return new Map(rows.map((r) => [r.id, r.title]));
}

/**
 * The console's publication panel: the publication state and history, and what stands between the
 * cycle and its publication (each approved plan without a complete, fresh result, with its reasons).
 */
export async function publicationStatus(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Publication checks');
  const state = await publicationState(db, cycleId);
  const blockers = await blockersOf(db, cycleId);
  const names = await appraiseeNames(db, [...blockers.keys()]);
  return {
    ...state,
    blockers: [...blockers].map(([planId, list]) => ({
      planId,
      title: names.get(planId) ?? planId,
      blockers: list,
    })),
  };
}

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
    if (cycle.resultsPublishedAt)
      throw conflict(
        'The results are published already; withdraw them first to publish again',
        [{ path: `cycles.${cycleId}`, message: 'published' }],
        'already_published',
      );
    if (!PUBLISH_STAGES.includes(cycle.stage))
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

/**
 * An office correction 更正 of one value of a published cycle, with a justification: the value is
 * stored as verified, the cycle recomputed, and every result whose published figures change gets a
 * new revision, in one transaction. Before publication values go through reporting and verification.
 */
export async function correctValue(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  input: { planId: string; indicatorCode: string; period?: string; value: number; justification: string },
) {
  const a = requireOffice(actor, 'Correcting a published value');
  return db.transaction(async (tx) => {
    const cycle = await getCycle(tx, cycleId, { forUpdate: true });
    if (!cycle.resultsPublishedAt)
      throw conflict(
        'Corrections apply to published results; before publication, report and verify the value',
        [{ path: `cycles.${cycleId}`, message: 'not published' }],
        'not_published',
      );
    const [plan] = await tx.select().from(plans).where(eq(plans.id, input.planId));
    if (!plan || plan.cycleId !== cycleId)
      throw badRequest('No such plan in this cycle', [{ path: 'planId', message: 'not in this cycle' }]);
    const nodes = await tx
      .select({ code: indicatorNodes.code, parentCode: indicatorNodes.parentCode })
      .from(indicatorNodes)
      .where(eq(indicatorNodes.planId, plan.id));
    const parents = new Set(nodes.map((n) => n.parentCode));
    if (!nodes.some((n) => n.code === input.indicatorCode && !parents.has(n.code)))
      throw badRequest(`No leaf indicator ${input.indicatorCode} in this plan`, [
        { path: 'indicatorCode', message: 'not a leaf of this plan' },
      ]);
    const period = input.period ?? cycle.periodEnd.slice(0, 4);
    const [before] = await tx
      .select()
      .from(actualValues)
      .where(
        and(
          eq(actualValues.planId, plan.id),
          eq(actualValues.indicatorCode, input.indicatorCode),
          eq(actualValues.period, period),
        ),
      );
    if (before && before.status === 'verified' && before.value === input.value)
      throw badRequest('The value is already verified at this figure; nothing to correct', [
        { path: 'value', message: 'unchanged' },
      ]);
    const now = new Date();
    const note = `office correction: ${input.justification}`;
    const [value] = await tx
      .insert(actualValues)
      .values({
        planId: plan.id,
        indicatorCode: input.indicatorCode,
        period,
        value: input.value,
        note,
        status: 'verified',
        reportedBy: a.id,
        verifiedBy: a.id,
        verifiedAt: now,
      })
      .onConflictDoUpdate({
        target: [actualValues.planId, actualValues.indicatorCode, actualValues.period],
        set: {
          value: input.value,
          note,
          status: 'verified',
          reason: null,
          verifiedBy: a.id,
          verifiedAt: now,
          version: (before?.version ?? 0) + 1,
        },
      })
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'value.correct.office',
        entityType: 'actual_value',
        entityId: value.id,
        data: {
          cycleId,
          from: before?.value ?? null,
          to: input.value,
          period,
          justification: input.justification,
        },
        entity: value,
      },
    ]);
    const revisions = await reviseResults(tx, a, cycle, {
      kind: 'correction',
      reason: input.justification,
      planId: plan.id,
      input: { indicatorCode: input.indicatorCode, period, from: before?.value ?? null, to: input.value },
    });
    return { value: { id: value.id, value: value.value, period, status: value.status }, revisions };
  });
}

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
