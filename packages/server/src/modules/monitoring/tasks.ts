import { TASK_STATUSES, type TaskPermissions, type TaskStatus } from '@perfcommons/contracts';
import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { correctionTasks, earlyWarnings, indicatorNodes, users } from '../../db/schema';
import { isOffice, requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import {
  canFollowPlan,
  followedPlan,
  loadCycle,
  mayAssignTask,
  monitoredPlans,
  oversees,
  unitManagerIds,
  type MonitoredPlan,
} from './common';
import { notify, type NotificationInput } from './notifications';
import { addDays, todayUtc } from './periods';
import { computeTrajectories, listPeriods } from './trajectory';

type TaskRow = typeof correctionTasks.$inferSelect;
export { TASK_STATUSES, type TaskStatus };

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
    if (!mayAssignTask(a, plan))
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
    const title = input.title?.trim() || defaultTitle(w, leaf?.name);
    let task: TaskRow;
    try {
      [task] = await tx
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
    } catch (err) {
      // One task per warning: a second request (another manager, a double click, the sweep) is refused.
      if (isUniqueViolation(err))
        throw conflict('This warning already has a correction task', [
          { path: 'warningId', message: 'task exists' },
        ]);
      throw err;
    }
    await notify(tx, [taskNotice(task, w, plan, leaf?.nameEn)]);
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

type TaskState = Pick<TaskRow, 'ownerId' | 'status'>;
const mayEditTask = (actor: Actor, task: TaskState, plan: MonitoredPlan | null) =>
  task.ownerId === actor.id || isOffice(actor) || (plan !== null && oversees(actor, plan, 'unit_manager'));

/**
 * What the actor may do with a task (sent with it as `can`; {@link updateTask} enforces it): its owner, a
 * manager over the plan's unit (`plan`: null when the actor does not follow the plan) and the office move
 * it along; only the office reopens a closed one.
 */
export function taskPermissions(actor: Actor, task: TaskState, plan: MonitoredPlan | null): TaskPermissions {
  const edit = mayEditTask(actor, task, plan);
  return {
    start: edit && task.status === 'open',
    close: edit && task.status !== 'closed',
    reopen: edit && task.status === 'closed' && isOffice(actor),
  };
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
    if (!mayEditTask(a, task, plan))
      throw forbidden('Only the owner, the unit manager or the performance office updates the task');
    if (task.status === 'closed' && !taskPermissions(a, task, plan).reopen)
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

type WarningRow = typeof earlyWarnings.$inferSelect;

const defaultTitle = (w: WarningRow, leafName: string | undefined) =>
  `整改：${w.indicatorCode} ${leafName ?? ''}（${w.period}）`.replace(/\s+（/, '（');

/** The message telling the owner of a new task what it is about and when it is due. */
const taskNotice = (
  task: TaskRow,
  w: WarningRow,
  plan: Pick<MonitoredPlan, 'appraiseeName' | 'appraiseeNameEn'>,
  leafNameEn: string | null | undefined,
): NotificationInput => ({
  userId: task.ownerId,
  kind: 'correction_task',
  title: `整改任务：${task.title}`,
  titleEn: `Correction task: ${w.indicatorCode} ${leafNameEn ?? ''} (${w.period}), ${plan.appraiseeNameEn ?? plan.appraiseeName}`,
  body: `期限 ${task.deadline}`,
  bodyEn: `Due ${task.deadline}`,
  entityType: 'correction_task',
  entityId: task.id,
  planId: w.planId,
});

/** Days the owner of a correction task opened by the monitoring sweep has to close it. */
export const SWEEP_TASK_DAYS = 30;

/**
 * Opens correction tasks for a cycle (office; run by the monitoring sweep after the warnings): every
 * leaf red at its latest reported period whose warning has no task yet gets one, owned by the unit's
 * manager (else the cadre of a cadre plan) and due `deadlineDays` after `today`, unless the indicator
 * still has an unclosed task from an earlier period. Yellow leaves are left to people. Safe to run
 * again and from several processes at once: a warning has at most one task (unique in the database).
 */
export async function runCorrectionTasks(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  opts: { today?: string; deadlineDays?: number } = {},
) {
  const a = requireOffice(actor, 'Opening correction tasks');
  const deadline = addDays(opts.today ?? todayUtc(), opts.deadlineDays ?? SWEEP_TASK_DAYS);
  return db.transaction(async (tx) => {
    await loadCycle(tx, cycleId);
    const plansList = await monitoredPlans(tx, { cycleId, approvedOnly: true });
    const trajectories = await computeTrajectories(tx, plansList, await listPeriods(tx, cycleId));
    const red = trajectories.flatMap((t) =>
      t.leaves
        .filter((l) => l.status === 'red')
        .map((l) => ({ planId: t.planId, code: l.code, period: l.latest!.period, nameEn: l.nameEn })),
    );
    if (!red.length) return { opened: 0, withoutOwner: 0 };
    const planIds = [...new Set(red.map((r) => r.planId))];
    const warnings = await tx
      .select()
      .from(earlyWarnings)
      .where(and(inArray(earlyWarnings.planId, planIds), eq(earlyWarnings.status, 'red')));
    const warningOf = new Map(warnings.map((w) => [`${w.planId}|${w.indicatorCode}|${w.period}`, w]));
    const tasks = await tx
      .select({
        warningId: correctionTasks.warningId,
        planId: correctionTasks.planId,
        code: correctionTasks.indicatorCode,
        status: correctionTasks.status,
      })
      .from(correctionTasks)
      .where(inArray(correctionTasks.planId, planIds));
    const handled = new Set(tasks.map((t) => t.warningId));
    const busy = new Set(tasks.filter((t) => t.status !== 'closed').map((t) => `${t.planId}|${t.code}`));
    const planById = new Map(plansList.map((p) => [p.id, p]));
    const owners = new Map<string, string | undefined>();
    const wanted: { w: WarningRow; ownerId: string; nameEn: string | null }[] = [];
    let withoutOwner = 0;
    for (const r of red) {
      const w = warningOf.get(`${r.planId}|${r.code}|${r.period}`);
      if (!w || handled.has(w.id) || busy.has(`${r.planId}|${r.code}`)) continue;
      const plan = planById.get(r.planId)!;
      if (!owners.has(plan.id))
        owners.set(
          plan.id,
          (await unitManagerIds(tx, plan.orgUnitId)).sort()[0] ?? plan.personUserId ?? undefined,
        );
      const ownerId = owners.get(plan.id);
      if (ownerId) wanted.push({ w, ownerId, nameEn: r.nameEn });
      else withoutOwner++;
    }
    if (!wanted.length) return { opened: 0, withoutOwner };
    const names = new Map(
      trajectories.flatMap((t) => t.leaves.map((l) => [`${t.planId}|${l.code}`, l.name] as const)),
    );
    // The sweep, not a person, opens these tasks: createdBy stays empty; the audit names the actor.
    const opened = await tx
      .insert(correctionTasks)
      .values(
        wanted.map(({ w, ownerId }) => ({
          warningId: w.id,
          planId: w.planId,
          indicatorCode: w.indicatorCode,
          title: defaultTitle(w, names.get(`${w.planId}|${w.indicatorCode}`)),
          ownerId,
          deadline,
        })),
      )
      .onConflictDoNothing({ target: correctionTasks.warningId })
      .returning();
    const byWarning = new Map(wanted.map((x) => [x.w.id, x]));
    await notify(
      tx,
      opened.map((task) => {
        const { w, nameEn } = byWarning.get(task.warningId!)!;
        return taskNotice(task, w, planById.get(task.planId)!, nameEn);
      }),
    );
    await appendAudit(
      tx,
      opened.map((task) => ({
        actorId: a.id,
        action: 'task.create',
        entityType: 'correction_task',
        entityId: task.id,
        data: { warningId: task.warningId, ownerId: task.ownerId, deadline, automatic: true },
        entity: task,
      })),
    );
    return { opened: opened.length, withoutOwner };
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
  const order: Record<string, number> = { open: 0, in_progress: 1, closed: 2 };
  return rows
    .map((r) => {
      const plan = byId.get(r.task.planId)!;
      return {
        ...present(r.task),
        can: taskPermissions(a, r.task, canFollowPlan(a, plan) ? plan : null),
        ownerName: r.ownerName,
        ownerNameEn: r.ownerNameEn,
        appraiseeName: plan.appraiseeName,
        appraiseeNameEn: plan.appraiseeNameEn,
      };
    })
    .sort((x, y) => order[x.status] - order[y.status] || x.deadline.localeCompare(y.deadline));
}
