import { eq, inArray } from 'drizzle-orm';
import { PANEL_PLAN_STATUSES, PANEL_SUBJECTS } from '@perfcommons/contracts';
import type { Db, DbOrTx } from '../../../db/client';
import { evaluationTasks, orgUnits, people, plans, roleAssignments, users } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { badRequest } from '../../../lib/errors';
import { isOneOf } from '../../../lib/one-of';
import { appendAudit } from '../../audit/service';
import { assertCycleNotPublished } from '../../cycles/freeze';
import { getCycle } from '../../cycles/service';
import { EXTERNAL_SUBJECTS } from './shared';

/** Org paths a user belongs to: units of role assignments and of the cadre record. */
async function unitPathsOf(tx: DbOrTx, userIds: string[]) {
  const out = new Map<string, string[]>();
  if (userIds.length === 0) return out;
  const fromRoles = await tx
    .select({ userId: roleAssignments.userId, path: orgUnits.path })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(inArray(roleAssignments.userId, userIds));
  const fromPeople = await tx
    .select({ userId: people.userId, path: orgUnits.path })
    .from(people)
    .innerJoin(orgUnits, eq(orgUnits.id, people.orgUnitId))
    .where(inArray(people.userId, userIds));
  for (const r of [...fromRoles, ...fromPeople]) out.set(r.userId!, [...(out.get(r.userId!) ?? []), r.path]);
  return out;
}

/**
 * Assigns a rater panel of one subject type to plans. Conflicts of interest are excluded and
 * reported: rating oneself, and rating one's own unit (or a unit above or below it) as an external subject.
 */
export async function assignTasks(
  db: Db,
  actor: Actor | null,
  input: { cycleId: string; planIds: string[]; subjectType: string; raterIds: string[] },
) {
  const a = requireOffice(actor, 'Assigning rater panels');
  const { subjectType } = input;
  if (!isOneOf(PANEL_SUBJECTS, subjectType))
    throw badRequest('A rater panel is assigned as an evaluation subject other than data or self', [
      { path: 'subjectType', message: `one of ${PANEL_SUBJECTS.join(', ')}` },
    ]);
  return db.transaction(async (tx) => {
    await getCycle(tx, input.cycleId);
    await assertCycleNotPublished(tx, input.cycleId);
    const planRows = await tx
      .select({
        id: plans.id,
        cycleId: plans.cycleId,
        status: plans.status,
        orgPath: orgUnits.path,
        personUserId: people.userId,
      })
      .from(plans)
      .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
      .leftJoin(people, eq(people.id, plans.personId))
      .where(inArray(plans.id, input.planIds));
    const details = input.planIds
      .map((id, i) => ({ id, i }))
      .filter(({ id }) => !planRows.some((p) => p.id === id && p.cycleId === input.cycleId))
      .map(({ i }) => ({ path: `planIds.${i}`, message: 'no such plan in this cycle' }));
    // The same rule as the plan's `can.assignPanel`: panels rate an approved plan (or a closed one, late).
    input.planIds.forEach((id, i) => {
      const p = planRows.find((r) => r.id === id && r.cycleId === input.cycleId);
      if (p && !PANEL_PLAN_STATUSES.includes(p.status))
        details.push({
          path: `planIds.${i}`,
          message: 'plan not approved: panels go to approved or closed plans',
        });
    });
    const known = await tx.select({ id: users.id }).from(users).where(inArray(users.id, input.raterIds));
    input.raterIds.forEach((id, i) => {
      if (!known.some((u) => u.id === id)) details.push({ path: `raterIds.${i}`, message: 'no such user' });
    });
    if (details.length)
      throw badRequest('Unknown or unapproved plans, or unknown raters; nothing was assigned', details);
    const unitPaths = await unitPathsOf(tx, input.raterIds);
    const external = EXTERNAL_SUBJECTS.includes(input.subjectType);
    const rows: (typeof evaluationTasks.$inferInsert)[] = [];
    const skipped: { planId: string; raterId: string; reason: string }[] = [];
    for (const p of planRows) {
      for (const raterId of input.raterIds) {
        if (p.personUserId === raterId) {
          skipped.push({ planId: p.id, raterId, reason: 'self-rating' });
          continue;
        }
        const own = (unitPaths.get(raterId) ?? []).some(
          (up) => p.orgPath.startsWith(up) || up.startsWith(p.orgPath),
        );
        if (external && own && p.orgPath !== '/city/') {
          skipped.push({
            planId: p.id,
            raterId,
            reason: 'rater belongs to the appraisee’s unit (external subject)',
          });
          continue;
        }
        rows.push({ cycleId: input.cycleId, planId: p.id, raterId, subjectType });
      }
    }
    const created = rows.length
      ? await tx
          .insert(evaluationTasks)
          .values(rows)
          .onConflictDoNothing()
          .returning({ id: evaluationTasks.id })
      : [];
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'evaluation.tasks.assign',
        entityType: 'cycle',
        entityId: input.cycleId,
        data: { ...input, created: created.length, skipped },
      },
    ]);
    return { created: created.length, skipped };
  });
}
