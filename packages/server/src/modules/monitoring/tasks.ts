import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { correctionTasks, earlyWarnings, indicatorNodes, users } from '../../db/schema';
import { isOffice, requireActor, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { canFollowPlan, followedPlan, monitoredPlans, oversees, unitManagerIds } from './common';
import { notify } from './notifications';
import { todayUtc } from './periods';

type TaskRow = typeof correctionTasks.$inferSelect;
export const TASK_STATUSES = ['open', 'in_progress', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Turns an early warning into a correction task 整改任务 (office, or a manager of the unit):
 * an owner (default: the unit's first manager) and a deadline. The owner is notified.
 */
export async function createTask(
  db: Db,
  actor: Actor | null,
  warningId: string,
  input: { ownerId?: string; deadline: string; title?: string },
) {
  requireActor(actor);
  return db.transaction(async (tx) => {
    const [w] = await tx.select().from(earlyWarnings).where(eq(earlyWarnings.id, warningId)).limit(1);
    if (!w) throw notFound('Warning');
    const { actor: a, plan } = await followedPlan(tx, actor, w.planId);
    if (!oversees(a, plan, 'unit_manager'))
      throw forbidden('Only the performance office or the unit manager assigns correction tasks');
    if (input.deadline < todayUtc())
      throw badRequest('The deadline is in the past', [{ path: 'deadline', message: 'before today' }]);
    const ownerId = input.ownerId ?? (await unitManagerIds(tx, plan.orgUnitId))[0];
    if (!ownerId) throw badRequest('Name the owner', [{ path: 'ownerId', message: 'required' }]);
    const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.id, ownerId)).limit(1);
    if (!owner) throw badRequest('No such user', [{ path: 'ownerId', message: 'unknown user' }]);
    const [leaf] = await tx
      .select({ name: indicatorNodes.name, nameEn: indicatorNodes.nameEn })
      .from(indicatorNodes)
      .where(and(eq(indicatorNodes.planId, w.planId), eq(indicatorNodes.code, w.indicatorCode)))
      .limit(1);
    const title =
      input.title?.trim() ||
      `整改：${w.indicatorCode} ${leaf?.name ?? ''}（${w.period}）`.replace(/\s+（/, '（');
    const [task] = await tx
      .insert(correctionTasks)
      .values({
        warningId,
        planId: w.planId,
        indicatorCode: w.indicatorCode,
        title,
        ownerId,
        deadline: input.deadline,
        createdBy: a.id,
      })
      .returning();
    await notify(tx, [
      {
        userId: ownerId,
        kind: 'correction_task',
        title: `整改任务：${title}`,
        titleEn: `Correction task: ${w.indicatorCode} ${leaf?.nameEn ?? ''} (${w.period}), ${plan.appraiseeNameEn ?? plan.appraiseeName}`,
        body: `期限 ${input.deadline}`,
        bodyEn: `Due ${input.deadline}`,
        entityType: 'correction_task',
        entityId: task.id,
        planId: w.planId,
      },
    ]);
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'task.create',
        entityType: 'correction_task',
        entityId: task.id,
        data: { warningId, ownerId, deadline: input.deadline },
        entity: task,
      },
    ]);
    return present(task);
  });
}

/**
 * Moves a task along open → in_progress → closed (its owner, the unit manager or the office);
 * closing needs a resolution; only the office reopens a closed task.
 */
export async function updateTask(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { status: TaskStatus; resolution?: string },
) {
  requireActor(actor);
  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(correctionTasks).where(eq(correctionTasks.id, id)).limit(1);
    if (!task) throw notFound('Task');
    const { actor: a, plan } = await followedPlan(tx, actor, task.planId).catch((err) => {
      // The owner may be outside the unit (e.g. a lead department); ownership is enough.
      if (actor && task.ownerId === actor.id) return { actor, plan: null };
      throw err;
    });
    const mayEdit =
      task.ownerId === a.id || isOffice(a) || (plan !== null && oversees(a, plan, 'unit_manager'));
    if (!mayEdit)
      throw forbidden('Only the owner, the unit manager or the performance office updates the task');
    if (task.status === 'closed' && !isOffice(a))
      throw conflict('The task is closed; only the performance office reopens it', [
        { path: 'status', message: 'closed' },
      ]);
    const resolution = input.resolution?.trim() || task.resolution;
    if (input.status === 'closed' && !resolution)
      throw badRequest('Closing a task needs a resolution', [
        { path: 'resolution', message: 'required when closing' },
      ]);
    const [updated] = await tx
      .update(correctionTasks)
      .set({
        status: input.status,
        resolution: resolution ?? null,
        updatedAt: new Date(),
        closedAt: input.status === 'closed' ? new Date() : null,
      })
      .where(eq(correctionTasks.id, id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: input.status === 'closed' ? 'task.close' : 'task.update',
        entityType: 'correction_task',
        entityId: id,
        data: { from: task.status, to: input.status, resolution: updated.resolution },
        entity: updated,
      },
    ]);
    return present(updated);
  });
}

const present = (t: TaskRow) => ({
  ...t,
  overdue: t.status !== 'closed' && t.deadline < todayUtc(),
});

/** Tasks of a cycle the actor follows or owns, open first, by deadline. */
export async function listTasks(db: Db, actor: Actor | null, opts: { cycleId: string; status?: TaskStatus }) {
  const a = requireActor(actor);
  const plansList = await monitoredPlans(db, { cycleId: opts.cycleId });
  const byId = new Map(plansList.map((p) => [p.id, p]));
  const followed = plansList.filter((p) => canFollowPlan(a, p)).map((p) => p.id);
  if (!plansList.length) return [];
  const scope = followed.length
    ? or(inArray(correctionTasks.planId, followed), eq(correctionTasks.ownerId, a.id))
    : eq(correctionTasks.ownerId, a.id);
  const rows = await db
    .select({ task: correctionTasks, ownerName: users.displayName, ownerNameEn: users.displayNameEn })
    .from(correctionTasks)
    .innerJoin(users, eq(users.id, correctionTasks.ownerId))
    .where(
      and(
        inArray(correctionTasks.planId, [...byId.keys()]),
        scope,
        opts.status ? eq(correctionTasks.status, opts.status) : undefined,
      ),
    )
    .orderBy(desc(correctionTasks.createdAt));
  const order = { open: 0, in_progress: 1, closed: 2 } as Record<string, number>;
  return rows
    .map((r) => ({
      ...present(r.task),
      ownerName: r.ownerName,
      ownerNameEn: r.ownerNameEn,
      appraiseeName: byId.get(r.task.planId)!.appraiseeName,
      appraiseeNameEn: byId.get(r.task.planId)!.appraiseeNameEn,
    }))
    .sort((x, y) => order[x.status] - order[y.status] || x.deadline.localeCompare(y.deadline));
}
