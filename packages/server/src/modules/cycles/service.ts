import { asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { cycles, cycleTransitions } from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { freezeRules } from '../evaluation/service';

/** The six links of the cycle plus closing, in order. */
export const STAGES = [
  'mission_analysis',
  'planning',
  'execution',
  'evaluation',
  'feedback',
  'results',
  'closed',
] as const;
export type Stage = (typeof STAGES)[number];
export const CYCLE_TYPES = ['regular', 'annual', 'term'] as const;

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
    type: string;
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

/**
 * Moves a cycle to the next link. Forward moves go one step at a time; a move back is allowed
 * only with a recorded reason, so nothing is undone silently.
 */
export async function transitionCycle(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { to: Stage; reason?: string },
) {
  const a = requireOffice(actor, 'Moving a cycle between links');
  return db.transaction(async (tx) => {
    const c = await getCycle(tx, id, { forUpdate: true });
    const from = STAGES.indexOf(c.stage as Stage);
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
    const [updated] = await tx.update(cycles).set({ stage: input.to }).where(eq(cycles.id, id)).returning();
    // The rules in force when evaluation starts are frozen and published as the regulations.
    if (input.to === 'evaluation' && to > from) await freezeRules(tx, updated, a.id);
    await tx.insert(cycleTransitions).values({
      cycleId: id,
      fromStage: c.stage,
      toStage: input.to,
      reason: input.reason ?? null,
      actorId: a.id,
    });
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'cycle.transition',
        entityType: 'cycle',
        entityId: id,
        data: { from: c.stage, to: input.to, reason: input.reason ?? null },
      },
    ]);
    return presentCycle(updated);
  });
}

export async function listTransitions(db: Db, actor: Actor | null, id: string) {
  requireActor(actor);
  return db
    .select()
    .from(cycleTransitions)
    .where(eq(cycleTransitions.cycleId, id))
    .orderBy(asc(cycleTransitions.at));
}
