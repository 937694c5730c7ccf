import { and, eq, inArray } from 'drizzle-orm';
import { combineTotals } from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import { cycles, plans, results } from '../../db/schema';
import { frozenRulesOrNull } from '../evaluation/service';
import { combinedParts, type MissingEntry } from './derive';
import { confirmedKeys, inputsKeys, inputVersions, resultHolds, surveyFeeds } from './inputs';

/** Where a cycle's results stand against its approved plans and their current inputs. */
export interface CycleResultStatus {
  /** Plans that are scored: status approved or closed. */
  approvedPlans: number;
  /** Ids of approved plans without a stored result. */
  withoutResult: string[];
  /** Stored results marked incomplete, with what they lack. */
  incomplete: { planId: string; missing: MissingEntry[] }[];
  /**
   * Ids of plans whose stored result no longer matches the current inputs: its inputs key differs
   * from the one a recompute would use (tree, values, ratings, frozen rules, surveys), or its total
   * or missing parts differ from the combined parts taken now (the unit's result for a cadre, the
   * annual results of a term), or it is a cadre whose unit's result is stale while the unit's result
   * enters the cadre's total. Without frozen rules: every stored result.
   */
  stale: string[];
}

/**
 * The status of a cycle's results (stage preconditions and the publication gate read it): which
 * approved plans have no result, which results are incomplete, and which are stale. Reads only;
 * call inside the caller's transaction to see its writes.
 */
export async function cycleResultStatus(db: DbOrTx, cycleId: string): Promise<CycleResultStatus> {
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, cycleId));
  const planRows = cycle
    ? await db
        .select()
        .from(plans)
        .where(and(eq(plans.cycleId, cycleId), inArray(plans.status, ['approved', 'closed'])))
    : [];
  const stored = new Map(
    (
      await db
        .select({
          planId: results.planId,
          total: results.total,
          own: results.own,
          inputsKey: results.inputsKey,
          complete: results.complete,
          missing: results.missing,
        })
        .from(results)
        .where(eq(results.cycleId, cycleId))
    ).map((r) => [r.planId, r]),
  );
  const withoutResult = planRows.filter((p) => !stored.has(p.id)).map((p) => p.id);
  const incomplete = planRows
    .filter((p) => stored.get(p.id)?.complete === false)
    .map((p) => ({ planId: p.id, missing: stored.get(p.id)!.missing }));

  const withResult = planRows.filter((p) => stored.has(p.id));
  const frozen = cycle ? await frozenRulesOrNull(db, cycleId) : null;
  if (!frozen)
    return { approvedPlans: planRows.length, withoutResult, incomplete, stale: withResult.map((p) => p.id) };
  const keyOf = inputsKeys(
    frozen,
    await surveyFeeds(db, cycleId),
    await inputVersions(
      db,
      withResult.map((p) => p.id),
    ),
  );
  const confirmed = await confirmedKeys(db, { cycleId });
  const stale = new Set(
    withResult.filter((p) => !resultHolds(stored.get(p.id), confirmed, keyOf(p))).map((p) => p.id),
  );
  // Combined parts (the unit's result, the term's annual results) as a recompute would take them now,
  // against the stored own scores: a total or a missing part that differs is stale too.
  const own = new Map(withResult.map((p) => [p.id, stored.get(p.id)!.own]));
  const { parts, missingParts } = await combinedParts(db, cycle, frozen.rules, withResult, own);
  const unitPlan = new Map(
    planRows.filter((p) => p.appraiseeType === 'unit').map((p) => [p.orgUnitId, p.id]),
  );
  for (const p of withResult) {
    const r = stored.get(p.id)!;
    const total = combineTotals(own.get(p.id)!, parts.get(p.id) ?? []).total;
    const lacking = (missingParts.get(p.id) ?? []).map((m) => m.code).join(',');
    const had = r.missing
      .filter((m) => m.reason === 'combined_part_missing')
      .map((m) => m.code)
      .join(',');
    if (Math.abs(total - r.total) > 1e-9 * (1 + Math.abs(r.total)) || lacking !== had) stale.add(p.id);
    // The unit's own score will change with its inputs: so will its cadres' totals.
    const unit = unitPlan.get(p.orgUnitId);
    if (frozen.rules.unitShareForCadres > 0 && p.appraiseeType === 'cadre' && unit && stale.has(unit))
      stale.add(p.id);
  }
  return {
    approvedPlans: planRows.length,
    withoutResult,
    incomplete,
    stale: withResult.filter((p) => stale.has(p.id)).map((p) => p.id),
  };
}
