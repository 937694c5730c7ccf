import { and, eq, type SQL } from 'drizzle-orm';
import { PANEL_PLAN_STATUSES, type PlanPermissions } from '@perfcommons/contracts';
import type { DbOrTx } from '../../db/client';
import { evaluationTasks, orgUnits, people, plans, users } from '../../db/schema';
import { coversOrg, isOffice, requireActor, type Actor } from '../../lib/actor';
import { forbidden, notFound } from '../../lib/errors';

export type PlanRow = typeof plans.$inferSelect;

/** The plan owner as the console shows it. */
export interface PlanOwner {
  id: string;
  username: string;
  displayName: string;
  displayNameEn: string | null;
}

/** A plan with what permission checks need: its org path, the user account of its cadre, its owner. */
export interface PlanScope {
  plan: PlanRow;
  orgPath: string;
  personUserId: string | null;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  owner: PlanOwner | null;
}

/** Plans joined with what scope checks need; filter and order it as the caller wants. */
export function selectPlanScopes(db: DbOrTx, where: SQL | undefined) {
  return db
    .select({
      plan: plans,
      orgPath: orgUnits.path,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personUserId: people.userId,
      personName: people.name,
      personNameEn: people.nameEn,
      personCode: people.code,
      ownerUsername: users.username,
      ownerName: users.displayName,
      ownerNameEn: users.displayNameEn,
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .leftJoin(users, eq(users.id, plans.ownerId))
    .where(where);
}

/** A row of {@link selectPlanScopes} as a scope with the appraisee's names. */
export const toScope = (row: Awaited<ReturnType<typeof selectPlanScopes>>[number]): PlanScope => ({
  plan: row.plan,
  orgPath: row.orgPath,
  personUserId: row.personUserId,
  appraiseeName: row.personName ?? row.orgName,
  appraiseeNameEn: row.personNameEn ?? row.orgNameEn,
  owner:
    row.plan.ownerId && row.ownerUsername !== null
      ? {
          id: row.plan.ownerId,
          username: row.ownerUsername,
          displayName: row.ownerName!,
          displayNameEn: row.ownerNameEn,
        }
      : null,
});

/** The plan owner fields of the staff's plan views (not of the public portal's). */
export const ownerView = (s: PlanScope) => ({ ownerId: s.plan.ownerId, owner: s.owner });

export async function loadPlanScope(db: DbOrTx, id: string): Promise<PlanScope> {
  const [row] = await selectPlanScopes(db, eq(plans.id, id)).limit(1);
  if (!row) throw notFound('Plan');
  return toScope(row);
}

/** Whether the actor is the plan's owner (set by the office), who edits and reports like a unit manager. */
const isOwner = (actor: Actor, s: { plan?: Pick<PlanRow, 'ownerId'> }) =>
  !!s.plan?.ownerId && s.plan.ownerId === actor.id;

/**
 * Office; managers, verifiers and cadres of the plan's org subtree; the cadre appraised; the plan owner
 * (when the caller passes the plan: result lists pass only the org path and the cadre's account).
 */
export function canReadPlanSync(
  actor: Actor | null,
  s: Pick<PlanScope, 'orgPath' | 'personUserId'> & { plan?: Pick<PlanRow, 'ownerId'> },
): boolean {
  if (!actor) return false;
  return (
    isOffice(actor) ||
    coversOrg(actor, s.orgPath, 'unit_manager', 'verifier', 'appraisee') ||
    s.personUserId === actor.id ||
    isOwner(actor, s)
  );
}

/** Read access; evaluators may read the plans they were assigned to rate. */
export async function assertCanReadPlan(db: DbOrTx, actor: Actor | null, s: PlanScope): Promise<Actor> {
  const a = requireActor(actor);
  if (canReadPlanSync(a, s)) return a;
  const [task] = await db
    .select({ id: evaluationTasks.id })
    .from(evaluationTasks)
    .where(and(eq(evaluationTasks.planId, s.plan.id), eq(evaluationTasks.raterId, a.id)))
    .limit(1);
  if (task) return a;
  throw forbidden('This plan belongs to another unit');
}

/** Editing the indicator tree: the office, a manager of the plan's unit, or the plan owner. */
export const canEditPlanSync = (actor: Actor | null, s: PlanScope): boolean =>
  !!actor && (isOffice(actor) || coversOrg(actor, s.orgPath, 'unit_manager') || isOwner(actor, s));

export function assertCanEditPlan(actor: Actor | null, s: PlanScope): Actor {
  const a = requireActor(actor);
  if (canEditPlanSync(a, s)) return a;
  throw forbidden('Only the plan owner, the unit manager or the performance office edits this plan');
}

/** Reporting actual values: editors (the plan owner included), and the cadre appraised by the plan. */
export const canReportSync = (actor: Actor | null, s: PlanScope): boolean =>
  canEditPlanSync(actor, s) || (!!actor && s.personUserId === actor.id);

export function assertCanReport(actor: Actor | null, s: PlanScope): Actor {
  const a = requireActor(actor);
  if (canReportSync(a, s)) return a;
  throw forbidden(
    'Only the plan owner, the unit, its cadre or the performance office reports values for this plan',
  );
}

/** Verifying reported values: the office and the verifiers of the plan's unit (or a unit above it). */
export const canVerifySync = (actor: Actor | null, s: Pick<PlanScope, 'orgPath'>): boolean =>
  !!actor && (isOffice(actor) || coversOrg(actor, s.orgPath, 'verifier'));

/**
 * Signing a side of the responsibility agreement 目标责任书: the office signs its side; the appraisee side is
 * signed by a manager of the plan's unit (or a unit above it) or by the cadre a cadre plan appraises.
 */
export const canSignSync = (actor: Actor | null, s: PlanScope, side: 'appraisee' | 'office'): boolean =>
  !!actor &&
  (side === 'office'
    ? isOffice(actor)
    : s.personUserId === actor.id || coversOrg(actor, s.orgPath, 'unit_manager'));

/**
 * What the actor may do with a plan: the rules above and the status checks of the plan and value services
 * (a draft is edited and submitted, a plan out for comment approved, an approved plan reported on). The
 * cycle's publication freeze is checked by the services on each write.
 */
/** A plan the office may approve by its status: published for comment ({@link approvePlan} refuses others). */
export const awaitsApproval = (plan: { status: string }) => plan.status === 'published_for_comment';

export function planPermissions(actor: Actor | null, s: PlanScope): PlanPermissions {
  const status = s.plan.status;
  const editor = canEditPlanSync(actor, s);
  return {
    edit: editor && status === 'draft',
    submit: editor && status === 'draft',
    approve: isOffice(actor) && awaitsApproval(s.plan),
    setOwner: isOffice(actor) && status !== 'closed',
    reportValues: canReportSync(actor, s) && status === 'approved',
    verifyValues: canVerifySync(actor, s),
    signAppraisee: status === 'approved' && canSignSync(actor, s, 'appraisee'),
    signOffice: status === 'approved' && canSignSync(actor, s, 'office'),
    requestRevision: editor && status === 'approved',
    decideRevisions: isOffice(actor),
    assignPanel: isOffice(actor) && PANEL_PLAN_STATUSES.includes(status),
  };
}
