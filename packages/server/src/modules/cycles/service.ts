import { asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import {
  CYCLE_TYPES,
  MIN_OVERRIDE_REASON,
  STAGES,
  type CyclePermissions,
  type CycleType,
  type Stage,
} from '@perfcommons/contracts';
import {
  nextStage,
  PRECONDITION_CODES,
  previousStage,
  STAGE_PRECONDITIONS,
  uncoveredFailures,
  type PreconditionCheck,
} from '@perfcommons/domain';
import { cyclePreconditionOverrides, cycles, cycleTransitions } from '../../db/schema';
import { isOffice, requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors';
import { isOneOf } from '../../lib/one-of';
import { appendAudit } from '../audit/service';
import { freezeRules } from '../evaluation/service';
import { checklistFor, PreconditionsFailed } from './preconditions';

export { CYCLE_TYPES, MIN_OVERRIDE_REASON, STAGES, type Stage };

export type CycleRow = typeof cycles.$inferSelect;

export const presentCycle = (c: CycleRow) => ({
  id: c.id,
  code: c.code,
  name: c.name,
  nameEn: c.nameEn,
  type: c.type,
  periodStart: c.periodStart,
  periodEnd: c.periodEnd,
  stage: c.stage,
  gradeScheme: c.gradeScheme,
  rules: c.rules,
  resultsPublishedAt: c.resultsPublishedAt,
});

/** Links in which the office sets up a cycle's plans (`bulkCreatePlans`, `createPlan` refuse elsewhere). */
export const SETUP_STAGES = ['mission_analysis', 'planning'] as const;

export const isPlanSetupStage = (stage: string) => isOneOf(SETUP_STAGES, stage);

/** Links of the cycle from which results may be published. */
export const PUBLISH_STAGES = ['feedback', 'results', 'closed'] as const;

/** The cycle's results may be published now (`publishResults` refuses otherwise): a publishing link, unpublished. */
export const awaitsPublication = (c: { stage: string; resultsPublishedAt: Date | string | null }) =>
  !c.resultsPublishedAt && isOneOf(PUBLISH_STAGES, c.stage);

/**
 * What the actor may do with a cycle: the same rules (`requireOffice`, {@link isPlanSetupStage},
 * {@link awaitsPublication}) the transition, set-up, compute, publication and rules services enforce, so the
 * console shows only the actions the server accepts.
 */
export function cyclePermissions(
  actor: Actor | null,
  c: { stage: string; resultsPublishedAt: Date | string | null },
): CyclePermissions {
  const office = isOffice(actor);
  return {
    transition: office,
    computeResults: office,
    publish: office,
    editRules: office,
    setUpPlans: office && isPlanSetupStage(c.stage),
    publishResults: office && awaitsPublication(c),
  };
}

/**
 * A cycle as staff see it: what they may do with it, the link a forward move goes to (null once closed) and
 * the link a move back goes to (null at the first link).
 */
export const staffCycle = <C extends { stage: Stage; resultsPublishedAt: Date | string | null }>(
  actor: Actor | null,
  c: C,
) => ({
  ...c,
  can: cyclePermissions(actor, c),
  nextStage: nextStage(c.stage),
  previousStage: previousStage(c.stage),
});

export async function listCycles(db: Db) {
  const rows = await db.select().from(cycles).orderBy(asc(cycles.periodStart), asc(cycles.code));
  return rows.map(presentCycle);
}

export async function getCycle(
  db: DbOrTx,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<CycleRow> {
  const q = db.select().from(cycles).where(eq(cycles.id, id)).limit(1);
  // Row lock: two concurrent transitions of one cycle run one after the other, the second sees the first.
  const [c] = opts.forUpdate ? await q.for('update') : await q;
  if (!c) throw notFound('Cycle');
  return c;
}

export async function createCycle(
  db: Db,
  actor: Actor | null,
  input: {
    code: string;
    name: string;
    nameEn?: string;
    type: CycleType;
    periodStart: string;
    periodEnd: string;
  },
) {
  const a = requireOffice(actor, 'Creating a cycle');
  if (input.periodEnd < input.periodStart)
    throw badRequest('The period ends before it starts', [
      { path: 'periodEnd', message: 'must not be before periodStart' },
    ]);
  try {
    return await db.transaction(async (tx) => {
      const [c] = await tx
        .insert(cycles)
        .values({ ...input, stage: 'mission_analysis' })
        .returning();
      await appendAudit(tx, [
        { actorId: a.id, action: 'cycle.create', entityType: 'cycle', entityId: c.id, data: input },
      ]);
      return presentCycle(c);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('A cycle with this code exists', [{ path: 'code', message: 'taken' }]);
    throw err;
  }
}

/** A precondition overridden by the office, with its written reason. */
export interface OverrideInput {
  code: string;
  reason: string;
}

/**
 * The checklist of moving the cycle forward into `to` (default: the next link), for the console.
 * Going back has no preconditions: its list is empty.
 */
export async function transitionCheck(db: Db, actor: Actor | null, id: string, to?: Stage) {
  requireOffice(actor, 'Checking a cycle’s stage preconditions');
  const c = await getCycle(db, id);
  const from = STAGES.indexOf(c.stage);
  const target = to ?? STAGES[from + 1];
  if (!target)
    throw conflict('The cycle is closed; there is no next link', [{ path: 'to', message: 'no next stage' }]);
  const forward = STAGES.indexOf(target) > from;
  return {
    from: c.stage,
    to: target,
    next: STAGES.indexOf(target) === from + 1,
    checklist: forward ? await checklistFor(db, c, target) : [],
  };
}

/**
 * Moves a cycle to another link. Forward moves go one step at a time and only when every
 * precondition of the target link holds (domain STAGE_PRECONDITIONS, docs/cycle-stages.md), or
 * the office overrides a failing one with a written reason: the override is stored with the
 * blockers as they were, audited and shown on the portal. A move back is allowed only with a
 * recorded reason, so nothing is undone silently, and never before evaluation once results are
 * published (the published results would lose their basis).
 */
export async function transitionCycle(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { to: Stage; reason?: string; overrides?: OverrideInput[] },
) {
  const a = requireOffice(actor, 'Moving a cycle between links');
  const overrides = input.overrides ?? [];
  const details = overrides.flatMap((o, i) => {
    const out = [];
    if (!isOneOf(PRECONDITION_CODES, o.code))
      out.push({ path: `overrides.${i}.code`, message: 'unknown precondition' });
    else if (!STAGE_PRECONDITIONS[input.to].includes(o.code))
      out.push({ path: `overrides.${i}.code`, message: `not a precondition of ${input.to}` });
    else if (overrides.findIndex((x) => x.code === o.code) < i)
      out.push({ path: `overrides.${i}.code`, message: 'overridden twice' });
    if ((o.reason ?? '').trim().length < MIN_OVERRIDE_REASON)
      out.push({
        path: `overrides.${i}.reason`,
        message: `a written reason of at least ${MIN_OVERRIDE_REASON} characters is required`,
      });
    return out;
  });
  if (details.length)
    throw badRequest('Each override needs a known precondition and a written reason', details);
  return db.transaction(async (tx) => {
    const c = await getCycle(tx, id, { forUpdate: true });
    const from = STAGES.indexOf(c.stage);
    const to = STAGES.indexOf(input.to);
    if (to === from)
      throw conflict(`The cycle is already in ${input.to}`, [{ path: 'to', message: 'same stage' }]);
    if (to > from + 1)
      throw conflict(`Cannot skip from ${c.stage} to ${input.to}; next is ${STAGES[from + 1]}`, [
        { path: 'to', message: `next stage is ${STAGES[from + 1]}` },
      ]);
    if (to < from && !input.reason?.trim())
      throw badRequest('Going back to an earlier link needs a reason', [
        { path: 'reason', message: 'required' },
      ]);
    if (to < from && c.resultsPublishedAt && to < STAGES.indexOf('evaluation'))
      throw conflict(
        `The results were published on ${c.resultsPublishedAt.toISOString()}; the cycle cannot go back before evaluation`,
        [{ path: 'to', message: 'results published' }],
        'cycle_published',
      );
    if (to < from && overrides.length)
      throw badRequest('Going back has no preconditions to override', [
        { path: 'overrides', message: 'only for forward moves' },
      ]);
    const checklist = to > from ? await checklistFor(tx, c, input.to) : [];
    const overridden = overrides.map((o) => o.code);
    const failing = uncoveredFailures(checklist, overridden);
    if (failing.length) throw new PreconditionsFailed(input.to, checklist, failing);
    // Overrides of checks that hold skip nothing and are not recorded.
    const used = overrides
      .map((o) => ({ o, check: checklist.find((x) => x.code === o.code && !x.ok) }))
      .filter((x): x is { o: OverrideInput; check: PreconditionCheck } => !!x.check);

    const [updated] = await tx.update(cycles).set({ stage: input.to }).where(eq(cycles.id, id)).returning();
    // The rules in force when evaluation starts are frozen and published as the regulations.
    if (input.to === 'evaluation' && to > from) await freezeRules(tx, updated, a.id);
    const [move] = await tx
      .insert(cycleTransitions)
      .values({
        cycleId: id,
        fromStage: c.stage,
        toStage: input.to,
        reason: input.reason ?? null,
        actorId: a.id,
      })
      .returning();
    const stored = used.length
      ? await tx
          .insert(cyclePreconditionOverrides)
          .values(
            used.map(({ o, check }) => ({
              cycleId: id,
              transitionId: move.id,
              fromStage: c.stage,
              toStage: input.to,
              code: o.code,
              blockers: { count: check.count, checked: check.checked, blockers: check.blockers },
              reason: o.reason.trim(),
              actorId: a.id,
            })),
          )
          .returning()
      : [];
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'cycle.transition',
        entityType: 'cycle',
        entityId: id,
        data: {
          from: c.stage,
          to: input.to,
          reason: input.reason ?? null,
          checklist: checklist.map(({ code, ok, count }) => ({ code, ok, count })),
          overridden: stored.map((o) => o.code),
        },
      },
      ...stored.map((o) => ({
        actorId: a.id,
        action: 'cycle.precondition.override' as const,
        entityType: 'cycle_override',
        entityId: o.id,
        data: { cycleId: id, from: o.fromStage, to: o.toStage, code: o.code, reason: o.reason },
        entity: o,
      })),
    ]);
    return { cycle: presentCycle(updated), overrides: stored.map(presentOverride), checklist };
  });
}

type OverrideRow = typeof cyclePreconditionOverrides.$inferSelect;

/** An override as shown (also publicly): no actor, the office acts as one. */
export const presentOverride = (o: OverrideRow) => ({
  id: o.id,
  transitionId: o.transitionId,
  from: o.fromStage,
  to: o.toStage,
  code: o.code,
  blockers: o.blockers,
  reason: o.reason,
  at: o.at,
});

/** The overrides of a cycle, oldest first. */
export async function listOverrides(db: DbOrTx, id: string) {
  const rows = await db
    .select()
    .from(cyclePreconditionOverrides)
    .where(eq(cyclePreconditionOverrides.cycleId, id))
    .orderBy(asc(cyclePreconditionOverrides.at), asc(cyclePreconditionOverrides.code));
  return rows.map(presentOverride);
}

/**
 * A cycle's public record of its links: each move (with the reason of a move back) and each
 * precondition the office overrode, with its reason. No names of officials.
 */
export async function publicStageHistory(db: Db, id: string) {
  const c = await getCycle(db, id);
  const { rules: _rules, gradeScheme: _g, ...cycle } = presentCycle(c);
  const moves = await db
    .select()
    .from(cycleTransitions)
    .where(eq(cycleTransitions.cycleId, id))
    .orderBy(asc(cycleTransitions.at));
  return {
    cycle,
    transitions: moves.map((m) => ({
      id: m.id,
      from: m.fromStage,
      to: m.toStage,
      reason: m.reason,
      at: m.at,
    })),
    overrides: await listOverrides(db, id),
  };
}

export async function listTransitions(db: Db, actor: Actor | null, id: string) {
  requireActor(actor);
  return db
    .select()
    .from(cycleTransitions)
    .where(eq(cycleTransitions.cycleId, id))
    .orderBy(asc(cycleTransitions.at));
}
