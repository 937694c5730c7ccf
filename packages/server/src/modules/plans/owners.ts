/** Owners of plans: the default owner of a unit's plans, and the office setting one. */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { plans, roleAssignments, users } from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict } from '../../lib/errors';
import { appendAudit, type AuditEntryInput } from '../audit/service';
import { loadPlanScope } from './access';
import { lockCycle, planSummary } from './setup-common';

/** Default owners: per unit, its unit manager when it has exactly one active one (assigned on the unit itself). */
export async function defaultOwners(tx: DbOrTx, unitIds: string[]) {
  const owners = new Map<
    string,
    { id: string; username: string; displayName: string; displayNameEn: string | null }
  >();
  if (!unitIds.length) return owners;
  const rows = await tx
    .select({
      orgUnitId: roleAssignments.orgUnitId,
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      displayNameEn: users.displayNameEn,
    })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        eq(roleAssignments.role, 'unit_manager'),
        inArray(roleAssignments.orgUnitId, unitIds),
        eq(users.disabled, false),
      ),
    );
  const byUnit = new Map<string, typeof rows>();
  for (const r of rows) byUnit.set(r.orgUnitId!, [...(byUnit.get(r.orgUnitId!) ?? []), r]);
  for (const [unit, list] of byUnit) if (list.length === 1) owners.set(unit, list[0]);
  return owners;
}

/** An active account to own a plan (400 naming `path` when unknown or disabled). */
export async function activeUser(tx: DbOrTx, id: string, path = 'ownerId') {
  const [u] = await tx
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      displayNameEn: users.displayNameEn,
      disabled: users.disabled,
    })
    .from(users)
    .where(eq(users.id, id));
  if (!u || u.disabled)
    throw badRequest(u ? 'The account is disabled' : 'No such user', [
      { path, message: u ? 'disabled account' : 'unknown user' },
    ]);
  const { disabled: _, ...owner } = u;
  return owner;
}

/** Sets or clears the owner of one plan (office only; any stage until the plan is closed). */
export async function setPlanOwner(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { ownerId: string | null },
) {
  const a = requireOffice(actor, 'Assigning plan owners');
  await db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, id);
    if (scope.plan.status === 'closed')
      throw conflict('The plan is closed', [{ path: 'status', message: 'closed' }]);
    if (input.ownerId) await activeUser(tx, input.ownerId);
    if (scope.plan.ownerId === input.ownerId) return;
    const [updated] = await tx
      .update(plans)
      .set({ ownerId: input.ownerId, updatedAt: new Date() })
      .where(eq(plans.id, id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'plan.owner.set',
        entityType: 'plan',
        entityId: id,
        data: { from: scope.plan.ownerId, to: input.ownerId },
        entity: updated,
      },
    ]);
  });
  return planSummary(db, a, id);
}

/**
 * Assigns the default owner (the unit's only unit manager) to every plan of a cycle that has none.
 * Plans whose unit has no or several unit managers stay without owner and are counted.
 */
export async function assignDefaultOwners(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireOffice(actor, 'Assigning plan owners');
  return db.transaction(async (tx) => {
    const cycle = await lockCycle(tx, cycleId);
    const rows = await tx
      .select()
      .from(plans)
      .where(
        and(
          eq(plans.cycleId, cycle.id),
          isNull(plans.ownerId),
          inArray(plans.status, ['draft', 'published_for_comment', 'approved']),
        ),
      );
    const owners = await defaultOwners(tx, [...new Set(rows.map((p) => p.orgUnitId))]);
    const audit: AuditEntryInput[] = [];
    for (const p of rows) {
      const owner = owners.get(p.orgUnitId);
      if (!owner) continue;
      const [updated] = await tx
        .update(plans)
        .set({ ownerId: owner.id, updatedAt: new Date() })
        .where(eq(plans.id, p.id))
        .returning();
      audit.push({
        actorId: a.id,
        action: 'plan.owner.set',
        entityType: 'plan',
        entityId: p.id,
        data: { from: null, to: owner.id, default: true },
        entity: updated,
      });
    }
    await appendAudit(tx, audit);
    return { assigned: audit.length, withoutOwner: rows.length - audit.length };
  });
}
