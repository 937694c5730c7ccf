import { and, eq, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { evaluationTasks, orgUnits, people, plans } from '../../db/schema';
import { coversOrg, isOffice, requireActor, type Actor } from '../../lib/actor';
import { forbidden, notFound } from '../../lib/errors';

export type PlanRow = typeof plans.$inferSelect;

/** A plan with what permission checks need: its org path and the user account of its cadre. */
export interface PlanScope {
  plan: PlanRow;
  orgPath: string;
  personUserId: string | null;
  appraiseeName: string;
  appraiseeNameEn: string | null;
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
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(where);
}

/** A row of {@link selectPlanScopes} as a scope with the appraisee's names. */
export const toScope = (row: Awaited<ReturnType<typeof selectPlanScopes>>[number]): PlanScope => ({
  plan: row.plan,
  orgPath: row.orgPath,
  personUserId: row.personUserId,
  appraiseeName: row.personName ?? row.orgName,
  appraiseeNameEn: row.personNameEn ?? row.orgNameEn,
});

export async function loadPlanScope(db: DbOrTx, id: string): Promise<PlanScope> {
  const [row] = await selectPlanScopes(db, eq(plans.id, id)).limit(1);
  if (!row) throw notFound('Plan');
  return toScope(row);
}

/** Office; managers, verifiers and cadres of the plan's org subtree; the cadre appraised. */
export function canReadPlanSync(
  actor: Actor | null,
  s: Pick<PlanScope, 'orgPath' | 'personUserId'>,
): boolean {
  if (!actor) return false;
  return (
    isOffice(actor) ||
    coversOrg(actor, s.orgPath, 'unit_manager', 'verifier', 'appraisee') ||
    s.personUserId === actor.id
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

/** Editing the indicator tree: the office or a manager of the plan's unit. */
export function assertCanEditPlan(actor: Actor | null, s: PlanScope): Actor {
  const a = requireActor(actor);
  if (isOffice(a) || coversOrg(a, s.orgPath, 'unit_manager')) return a;
  throw forbidden('Only the unit manager or the performance office edits this plan');
}

/** Reporting actual values: editors, and the cadre appraised by the plan. */
export function assertCanReport(actor: Actor | null, s: PlanScope): Actor {
  const a = requireActor(actor);
  if (isOffice(a) || coversOrg(a, s.orgPath, 'unit_manager') || s.personUserId === a.id) return a;
  throw forbidden('Only the unit, its cadre or the performance office reports values for this plan');
}
