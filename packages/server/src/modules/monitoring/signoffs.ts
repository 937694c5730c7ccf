/** Target responsibility agreements 目标责任书: the two sign-offs of an approved plan. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { planSignoffs, users } from '../../db/schema';
import { requireActor, type Actor } from '../../lib/actor';
import { conflict, forbidden, isUniqueViolation } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertCanReadPlan, canSignSync, loadPlanScope, type PlanScope } from '../plans/access';

export type SignoffSide = 'appraisee' | 'office';

/** Only an approved plan is signed or revised (409 otherwise). */
export const requireApproved = (scope: PlanScope) => {
  if (scope.plan.status !== 'approved')
    throw conflict(`The plan is ${scope.plan.status}; only an approved plan can be signed or revised`, [
      { path: 'status', message: 'not approved' },
    ]);
};

/**
 * Signs the target responsibility agreement 目标责任书 of an approved plan: the appraisee side
 * (the unit's manager, or the cadre of a cadre plan) and the office, once each.
 */
export async function signPlan(db: Db, actor: Actor | null, planId: string, side: SignoffSide) {
  const a = requireActor(actor);
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, planId);
    if (!canSignSync(a, scope, side))
      throw forbidden(
        side === 'office'
          ? 'The office side is signed by the performance office'
          : 'The appraisee side is signed by the unit manager or the cadre',
      );
    requireApproved(scope);
    let row;
    try {
      [row] = await tx
        .insert(planSignoffs)
        .values({ planId, side, userId: a.id, planVersion: scope.plan.version })
        .returning();
    } catch (err) {
      if (isUniqueViolation(err))
        throw conflict(`The ${side} side has already signed this plan`, [
          { path: 'side', message: 'already signed' },
        ]);
      throw err;
    }
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'plan.signoff',
        entityType: 'plan_signoff',
        entityId: row.id,
        data: { planId, side, planVersion: row.planVersion },
        entity: row,
      },
    ]);
    return row;
  });
}

export async function listSignoffs(db: Db, actor: Actor | null, planId: string) {
  requireActor(actor);
  await assertCanReadPlan(db, actor, await loadPlanScope(db, planId));
  return db
    .select({
      id: planSignoffs.id,
      side: planSignoffs.side,
      userId: planSignoffs.userId,
      userName: users.displayName,
      userNameEn: users.displayNameEn,
      planVersion: planSignoffs.planVersion,
      signedAt: planSignoffs.signedAt,
    })
    .from(planSignoffs)
    .innerJoin(users, eq(users.id, planSignoffs.userId))
    .where(eq(planSignoffs.planId, planId))
    .orderBy(asc(planSignoffs.signedAt));
}
