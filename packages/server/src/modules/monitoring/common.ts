import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { cycles, indicatorNodes, orgUnits, people, plans, roleAssignments, users } from '../../db/schema';
import { coversOrg, hasRole, isOffice, requireActor, type Actor, type Role } from '../../lib/actor';
import { forbidden, notFound } from '../../lib/errors';

export type NodeRow = typeof indicatorNodes.$inferSelect;
export type CycleRow = typeof cycles.$inferSelect;

export async function loadCycle(db: DbOrTx, id: string): Promise<CycleRow> {
  const [c] = await db.select().from(cycles).where(eq(cycles.id, id)).limit(1);
  if (!c) throw notFound('Cycle');
  return c;
}

/** A plan with what monitoring shows and checks: appraisee names, org path, the cadre's account. */
export interface MonitoredPlan {
  id: string;
  cycleId: string;
  appraiseeType: string;
  orgUnitId: string;
  personId: string | null;
  status: string;
  version: number;
  title: string;
  titleEn: string | null;
  orgPath: string;
  personUserId: string | null;
  appraiseeName: string;
  appraiseeNameEn: string | null;
}

/** Plans of a cycle (or one plan), in org order. */
export async function monitoredPlans(
  db: DbOrTx,
  opts: { cycleId?: string; planId?: string; approvedOnly?: boolean },
): Promise<MonitoredPlan[]> {
  const conds = [];
  if (opts.cycleId) conds.push(eq(plans.cycleId, opts.cycleId));
  if (opts.planId) conds.push(eq(plans.id, opts.planId));
  if (opts.approvedOnly) conds.push(eq(plans.status, 'approved'));
  const rows = await db
    .select({
      id: plans.id,
      cycleId: plans.cycleId,
      appraiseeType: plans.appraiseeType,
      orgUnitId: plans.orgUnitId,
      personId: plans.personId,
      status: plans.status,
      version: plans.version,
      title: plans.title,
      titleEn: plans.titleEn,
      orgPath: orgUnits.path,
      personUserId: people.userId,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personName: people.name,
      personNameEn: people.nameEn,
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(and(...conds))
    .orderBy(plans.appraiseeType, orgUnits.path, people.code);
  return rows.map(({ orgName, orgNameEn, personName, personNameEn, ...r }) => ({
    ...r,
    appraiseeName: personName ?? orgName,
    appraiseeNameEn: personNameEn ?? orgNameEn,
  }));
}

/** Office, or one of `roles` over the plan's org subtree. */
export const oversees = (actor: Actor, p: { orgPath: string }, ...roles: Role[]) =>
  isOffice(actor) || coversOrg(actor, p.orgPath, ...roles);

/** Who turns an early warning into a correction task 整改任务: the office or a manager over the plan's unit. */
export const mayAssignTask = (actor: Actor, p: { orgPath: string }) => oversees(actor, p, 'unit_manager');

/**
 * What the actor may do with an early warning (sent with it as `can`): the rule `createTask` enforces,
 * and only while the warning has no task yet (one task per warning).
 */
export const warningPermissions = (actor: Actor, p: { orgPath: string }, tasks: number) => ({
  assignTask: tasks === 0 && mayAssignTask(actor, p),
});

/** Roles that follow the monitoring of the plans of their subtree (beside the office and a plan's cadre). */
const FOLLOWER_ROLES: Role[] = ['unit_manager', 'verifier', 'appraisee'];

/** Managers and verifiers of the plan's unit, its cadre, and the office see a plan's monitoring. */
export const canFollowPlan = (actor: Actor, p: MonitoredPlan) =>
  oversees(actor, p, ...FOLLOWER_ROLES) || p.personUserId === actor.id;

/** Whether the actor follows some unit's plans (the monitoring page): the office or a follower role. */
export const followsPlans = (actor: Actor | null) => isOffice(actor) || hasRole(actor, ...FOLLOWER_ROLES);

/** The plan when the actor may follow it; 404 / 403 otherwise. */
export async function followedPlan(db: DbOrTx, actor: Actor | null, planId: string) {
  const a = requireActor(actor);
  const [p] = await monitoredPlans(db, { planId });
  if (!p) throw notFound('Plan');
  if (!canFollowPlan(a, p)) throw forbidden('This plan belongs to another unit');
  return { actor: a, plan: p };
}

/** Leaves of each plan (nodes without children), by plan id. */
export async function leavesByPlan(db: DbOrTx, planIds: string[]): Promise<Map<string, NodeRow[]>> {
  const out = new Map<string, NodeRow[]>();
  if (planIds.length === 0) return out;
  const nodes = await db.select().from(indicatorNodes).where(inArray(indicatorNodes.planId, planIds));
  const parents = new Set(nodes.map((n) => `${n.planId}|${n.parentCode}`));
  for (const n of nodes) {
    if (parents.has(`${n.planId}|${n.code}`)) continue;
    out.set(n.planId, [...(out.get(n.planId) ?? []), n]);
  }
  for (const list of out.values()) list.sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
  return out;
}

/**
 * A leaf whose value is reported each period: a normal indicator scored from data (no rating
 * subjects). Bonus and deduction items are reported when they occur, not per period.
 */
export const isReportedLeaf = (n: NodeRow) =>
  n.kind === 'normal' &&
  !(Array.isArray(n.subjects) && n.subjects.some((s: { type?: string }) => s.type !== 'data')) &&
  n.rule?.type !== 'rating';

/** User ids of the unit managers of an org unit (exactly that unit), and of the cadre when given. */
export async function unitManagerIds(db: DbOrTx, orgUnitId: string): Promise<string[]> {
  const rows = await db
    .select({ id: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        eq(roleAssignments.role, 'unit_manager'),
        eq(roleAssignments.orgUnitId, orgUnitId),
        eq(users.disabled, false),
      ),
    );
  return [...new Set(rows.map((r) => r.id))];
}

/** User ids of the performance office (role office; admins are operators, not recipients). */
export async function officeUserIds(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ id: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(eq(roleAssignments.role, 'office'), eq(users.disabled, false)));
  return [...new Set(rows.map((r) => r.id))];
}
