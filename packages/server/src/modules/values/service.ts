import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { actualValues, indicatorNodes } from '../../db/schema';
import { requireActor, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, notFound, type ErrorDetail } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import {
  assertCanReadPlan,
  assertCanReport,
  canVerifySync,
  loadPlanScope,
  type PlanScope,
} from '../plans/access';

export interface ValueRowInput {
  indicatorCode: string;
  period: string;
  value: number;
  note?: string;
}

type ValueRow = typeof actualValues.$inferSelect;
export const presentValue = (v: ValueRow) => ({
  id: v.id,
  planId: v.planId,
  indicatorCode: v.indicatorCode,
  period: v.period,
  value: v.value,
  note: v.note,
  status: v.status,
  reason: v.reason,
  reportedAt: v.reportedAt,
  verifiedAt: v.verifiedAt,
  version: v.version,
});

/** Codes of a plan's leaf indicators, the ones values are reported against. */
export async function planLeafCodes(db: DbOrTx, planId: string): Promise<Set<string>> {
  const nodes = await db
    .select({ code: indicatorNodes.code, parentCode: indicatorNodes.parentCode })
    .from(indicatorNodes)
    .where(eq(indicatorNodes.planId, planId));
  const parents = new Set(nodes.map((n) => n.parentCode));
  return new Set(nodes.filter((n) => !parents.has(n.code)).map((n) => n.code));
}

export async function listValues(db: Db, actor: Actor | null, planId: string) {
  const scope = await loadPlanScope(db, planId);
  await assertCanReadPlan(db, actor, scope);
  const rows = await db
    .select()
    .from(actualValues)
    .where(eq(actualValues.planId, planId))
    .orderBy(asc(actualValues.indicatorCode), asc(actualValues.period));
  return rows.map(presentValue);
}

/**
 * Reports actual values for an approved plan: all rows or none. Every row is checked first
 * (the indicator is a leaf of this plan), and problems come back per row (`rows.3.indicatorCode`).
 * A value reported again for the same period replaces the old one and needs verification again.
 * `onProgress` hears of each chunk written inside the (not yet committed) transaction. Inside a
 * caller's transaction it is a savepoint: its rows commit with the caller's or not at all.
 */
export async function reportValues(
  db: DbOrTx,
  actor: Actor | null,
  planId: string,
  rows: ValueRowInput[],
  pathPrefix = 'rows',
  onProgress?: (written: number, total: number) => void,
) {
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, planId);
    const a = assertCanReport(actor, scope);
    await assertCycleNotPublished(tx, scope.plan.cycleId);
    if (scope.plan.status !== 'approved')
      throw conflict('Values are reported against an approved plan', [
        { path: 'planId', message: 'plan not approved' },
      ]);
    const leafCodes = await planLeafCodes(tx, planId);
    const details: ErrorDetail[] = [];
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      if (!leafCodes.has(r.indicatorCode))
        details.push({
          path: `${pathPrefix}.${i}.indicatorCode`,
          message: `no leaf indicator ${r.indicatorCode} in this plan`,
        });
      const key = `${r.indicatorCode}|${r.period}`;
      if (seen.has(key))
        details.push({
          path: `${pathPrefix}.${i}.period`,
          message: `${r.indicatorCode} ${r.period} appears twice`,
        });
      seen.add(key);
    });
    if (details.length) throw badRequest(`${details.length} row(s) refused; nothing was stored`, details);
    const stored: ValueRow[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500).map((r) => ({
        planId,
        indicatorCode: r.indicatorCode,
        period: r.period,
        value: r.value,
        note: r.note ?? null,
        status: 'reported',
        reportedBy: a.id,
      }));
      stored.push(
        ...(await tx
          .insert(actualValues)
          .values(chunk)
          .onConflictDoUpdate({
            target: [actualValues.planId, actualValues.indicatorCode, actualValues.period],
            set: {
              value: sql`excluded.value`,
              note: sql`excluded.note`,
              status: 'reported',
              reason: null,
              reportedBy: a.id,
              reportedAt: new Date(),
              verifiedBy: null,
              verifiedAt: null,
              version: sql`${actualValues.version} + 1`,
            },
          })
          .returning()),
      );
      onProgress?.(stored.length, rows.length);
    }
    await appendAudit(
      tx,
      stored.map((v) => ({
        actorId: a.id,
        action: 'value.report',
        entityType: 'actual_value',
        entityId: v.id,
        data: { planId, indicatorCode: v.indicatorCode, period: v.period, value: v.value },
        entity: v,
      })),
    );
    return stored.map(presentValue);
  });
}

/** A value still open to a decision: not verified yet (reported, or rejected and awaiting a new look). */
export const awaitsVerification = (v: Pick<ValueRow, 'status'>) => v.status !== 'verified';

/**
 * What the actor may do with a value: verify or reject it — the checks of {@link verifyValue} (a verifier of
 * the plan's unit or the office, not the person who reported it, the cycle not published, the value not
 * verified already).
 */
export const valuePermissions = (
  actor: Actor | null,
  scope: Pick<PlanScope, 'orgPath'>,
  v: Pick<ValueRow, 'reportedBy' | 'status'>,
  published: boolean,
) => ({
  verify: canVerifySync(actor, scope) && v.reportedBy !== actor?.id && !published && awaitsVerification(v),
});

/**
 * A verifier (e.g. the statistics bureau) verifies or rejects a reported value; only verified values
 * score. The decision names the value version the verifier saw: a value re-reported meanwhile (new
 * version) is refused with 409 `version_conflict`, so no one verifies a figure they have not seen.
 */
export async function verifyValue(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { decision: 'verified' | 'rejected'; reason?: string; version: number },
) {
  const a = requireActor(actor);
  if (input.decision === 'rejected' && !input.reason?.trim())
    throw badRequest('A rejection needs a reason', [{ path: 'reason', message: 'required when rejecting' }]);
  return db.transaction(async (tx) => {
    // Row lock: two verifiers deciding one value run one after the other, the second sees the first.
    const [v] = await tx.select().from(actualValues).where(eq(actualValues.id, id)).limit(1).for('update');
    if (!v) throw notFound('Value');
    const scope = await loadPlanScope(tx, v.planId);
    if (!canVerifySync(a, scope))
      throw forbidden('Only a verifier or the performance office verifies values');
    if (v.reportedBy === a.id) throw forbidden('A value cannot be verified by the person who reported it');
    await assertCycleNotPublished(tx, scope.plan.cycleId);
    if (!awaitsVerification(v))
      throw conflict(
        'The value is verified already; it is decided again once reported anew',
        [{ path: 'status', message: `current: ${v.status}` }],
        'already_verified',
      );
    const stale = () =>
      conflict(
        `The value was reported again meanwhile (now version ${v.version}: ${v.value}); review it again`,
        [{ path: 'version', message: `stale: current version is ${v.version}` }],
        'version_conflict',
      );
    if (v.version !== input.version) throw stale();
    const [updated] = await tx
      .update(actualValues)
      .set({ status: input.decision, reason: input.reason ?? null, verifiedBy: a.id, verifiedAt: new Date() })
      .where(and(eq(actualValues.id, id), eq(actualValues.version, input.version)))
      .returning();
    if (!updated) {
      const [now] = await tx.select().from(actualValues).where(eq(actualValues.id, id));
      v.version = now.version;
      v.value = now.value;
      throw stale();
    }
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: `value.${input.decision === 'verified' ? 'verify' : 'reject'}`,
        entityType: 'actual_value',
        entityId: id,
        data: { from: v.status, to: input.decision, reason: input.reason ?? null },
        entity: updated,
      },
    ]);
    return presentValue(updated);
  });
}
