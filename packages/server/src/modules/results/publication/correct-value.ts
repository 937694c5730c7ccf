import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { actualValues, indicatorNodes, plans } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { badRequest, conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { getCycle } from '../../cycles/service';
import { reviseResults } from './revise-results';

/**
 * An office correction 更正 of one value of a published cycle, with a justification: the value is
 * stored as verified, the cycle recomputed, and every result whose published figures change gets a
 * new revision, in one transaction. Before publication values go through reporting and verification.
 */
export async function correctValue(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  input: { planId: string; indicatorCode: string; period?: string; value: number; justification: string },
) {
  const a = requireOffice(actor, 'Correcting a published value');
  return db.transaction(async (tx) => {
    const cycle = await getCycle(tx, cycleId, { forUpdate: true });
    if (!cycle.resultsPublishedAt)
      throw conflict(
        'Corrections apply to published results; before publication, report and verify the value',
        [{ path: `cycles.${cycleId}`, message: 'not published' }],
        'not_published',
      );
    const [plan] = await tx.select().from(plans).where(eq(plans.id, input.planId));
    if (!plan || plan.cycleId !== cycleId)
      throw badRequest('No such plan in this cycle', [{ path: 'planId', message: 'not in this cycle' }]);
    const nodes = await tx
      .select({ code: indicatorNodes.code, parentCode: indicatorNodes.parentCode })
      .from(indicatorNodes)
      .where(eq(indicatorNodes.planId, plan.id));
    const parents = new Set(nodes.map((n) => n.parentCode));
    if (!nodes.some((n) => n.code === input.indicatorCode && !parents.has(n.code)))
      throw badRequest(`No leaf indicator ${input.indicatorCode} in this plan`, [
        { path: 'indicatorCode', message: 'not a leaf of this plan' },
      ]);
    const period = input.period ?? cycle.periodEnd.slice(0, 4);
    const [before] = await tx
      .select()
      .from(actualValues)
      .where(
        and(
          eq(actualValues.planId, plan.id),
          eq(actualValues.indicatorCode, input.indicatorCode),
          eq(actualValues.period, period),
        ),
      );
    if (before && before.status === 'verified' && before.value === input.value)
      throw badRequest('The value is already verified at this figure; nothing to correct', [
        { path: 'value', message: 'unchanged' },
      ]);
    const now = new Date();
    const note = `office correction: ${input.justification}`;
    const [value] = await tx
      .insert(actualValues)
      .values({
        planId: plan.id,
        indicatorCode: input.indicatorCode,
        period,
        value: input.value,
        note,
        status: 'verified',
        reportedBy: a.id,
        verifiedBy: a.id,
        verifiedAt: now,
      })
      .onConflictDoUpdate({
        target: [actualValues.planId, actualValues.indicatorCode, actualValues.period],
        set: {
          value: input.value,
          note,
          status: 'verified',
          reason: null,
          verifiedBy: a.id,
          verifiedAt: now,
          version: (before?.version ?? 0) + 1,
        },
      })
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'value.correct.office',
        entityType: 'actual_value',
        entityId: value.id,
        data: {
          cycleId,
          from: before?.value ?? null,
          to: input.value,
          period,
          justification: input.justification,
        },
        entity: value,
      },
    ]);
    const revisions = await reviseResults(tx, a, cycle, {
      kind: 'correction',
      reason: input.justification,
      planId: plan.id,
      input: { indicatorCode: input.indicatorCode, period, from: before?.value ?? null, to: input.value },
    });
    return { value: { id: value.id, value: value.value, period, status: value.status }, revisions };
  });
}
