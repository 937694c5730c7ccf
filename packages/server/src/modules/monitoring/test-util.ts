export { multipart } from '../../../test/helper';
import { and, inArray, like } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { actualValues, correctionTasks, earlyWarnings, reportingReminders } from '../../db/schema';
import { appendAudit } from '../audit/service';
import type { Client } from '../../../test/helper';

/** A multipart/form-data body with one `file` field. */

/** Ids of a cycle (by code) and of the unit plan of an org unit (by code) in it. */
export async function planOf(c: Client, cycleCode: string, unitCode: string): Promise<string> {
  const cycleId = await cycleOf(c, cycleCode);
  const orgs = (await c.get('/api/orgs')).json().items as { id: string; code: string }[];
  const unitId = orgs.find((o) => o.code === unitCode)!.id;
  const plans = (await c.get(`/api/plans?cycleId=${cycleId}&appraiseeType=unit`)).json().items;
  return plans.find((p: { orgUnitId: string }) => p.orgUnitId === unitId).id;
}

export async function cycleOf(c: Client, code: string): Promise<string> {
  const cycles = (await c.get('/api/cycles')).json().items as { id: string; code: string }[];
  return cycles.find((x) => x.code === code)!.id;
}

/**
 * Removes the demo city's quarterly monitoring data of some plans (values, warnings, tasks,
 * reminders), so a test starts from plans that have reported only their annual values. Deleted
 * values, warnings and tasks get `.delete` audit entries, as the platform would write.
 */
export async function resetMonitoring(db: Db, planIds: string[]) {
  await db.transaction(async (tx) => {
    const gone = await tx
      .delete(actualValues)
      .where(and(inArray(actualValues.planId, planIds), like(actualValues.period, '%-Q%')))
      .returning({ id: actualValues.id });
    await appendAudit(
      tx,
      gone.map((v) => ({
        actorId: null,
        action: 'value.delete',
        entityType: 'actual_value',
        entityId: v.id,
      })),
    );
    const tasks = await tx
      .delete(correctionTasks)
      .where(inArray(correctionTasks.planId, planIds))
      .returning({ id: correctionTasks.id });
    const warnings = await tx
      .delete(earlyWarnings)
      .where(inArray(earlyWarnings.planId, planIds))
      .returning({ id: earlyWarnings.id });
    await appendAudit(tx, [
      ...tasks.map((r) => ({
        actorId: null,
        action: 'task.delete' as const,
        entityType: 'correction_task',
        entityId: r.id,
      })),
      ...warnings.map((r) => ({
        actorId: null,
        action: 'warning.delete' as const,
        entityType: 'early_warning',
        entityId: r.id,
      })),
    ]);
    await tx.delete(reportingReminders).where(inArray(reportingReminders.planId, planIds));
  });
}
