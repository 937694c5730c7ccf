/**
 * What the results use cases share: the row types, the check that a cycle's results may be computed
 * now, and result rows decorated for reading (names, consequences, the reader's scope).
 */
import { eq, inArray } from 'drizzle-orm';
import type { AppliedConsequence } from '@perfcommons/contracts';
import { type DbOrTx } from '../../../db/client';
import { consequences, orgUnits, people, plans, results } from '../../../db/schema';
import { conflict } from '../../../lib/errors';
import { getCycle } from '../../cycles/service';
import { assertCycleNotPublished } from '../../cycles/freeze';
import { frozenRules } from '../../evaluation/service';

/** Links of the cycle in which results may be (re)computed. */
const COMPUTE_STAGES = ['evaluation', 'feedback', 'results'];

export type ResultRow = typeof results.$inferSelect;
export type PlanRow = typeof plans.$inferSelect;
/** The columns of a plan that a compute reads (22,000 plans in a province: only these). */
export const SCORED_PLAN_PROPS = [
  'id',
  'version',
  'appraiseeType',
  'orgUnitId',
  'personId',
  'peerGroup',
] as const satisfies (keyof PlanRow)[];
export type ScoredPlan = Pick<PlanRow, (typeof SCORED_PLAN_PROPS)[number]>;

/**
 * The cycle and its frozen rules when its results may be computed now: refused (409) when published
 * (but for a revision), outside the links that compute, or without frozen rules.
 */
export async function computable(tx: DbOrTx, cycleId: string, options: { revision?: boolean }) {
  const cycle = await getCycle(tx, cycleId);
  if (!options.revision) await assertCycleNotPublished(tx, cycleId);
  if (!COMPUTE_STAGES.includes(cycle.stage))
    throw conflict(`Results are computed from evaluation on; the cycle is in ${cycle.stage}`, [
      { path: 'stage', message: `must be one of ${COMPUTE_STAGES.join(', ')}` },
    ]);
  // The frozen rules version (the published regulations), never the live cycles.rules column.
  const frozen = await frozenRules(tx, cycleId);
  return { cycle, frozen };
}

/**
 * Adds appraisee names and applied consequences to result rows (without their inputs bookkeeping);
 * `wholeCycle`: the rows are all results of that cycle, looked up by cycle instead of by id.
 */
export async function decorate(db: DbOrTx, rows: ResultRow[], wholeCycle?: string) {
  if (rows.length === 0) return [];
  const info = await db
    .select({
      id: plans.id,
      appraiseeType: plans.appraiseeType,
      orgUnitId: plans.orgUnitId,
      personId: plans.personId,
      orgPath: orgUnits.path,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personName: people.name,
      personNameEn: people.nameEn,
      personUserId: people.userId,
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(
      wholeCycle
        ? eq(plans.cycleId, wholeCycle)
        : inArray(
            plans.id,
            rows.map((r) => r.planId),
          ),
    );
  const byPlan = new Map(info.map((i) => [i.id, i]));
  const applied = await db
    .select({
      resultId: consequences.resultId,
      kind: consequences.kind,
      value: consequences.value,
      reason: consequences.reason,
    })
    .from(consequences)
    .where(
      wholeCycle
        ? eq(consequences.cycleId, wholeCycle)
        : inArray(
            consequences.resultId,
            rows.map((r) => r.id),
          ),
    );
  const consequencesOf = new Map<string, AppliedConsequence[]>();
  for (const { resultId, ...c } of applied)
    consequencesOf.set(resultId, [...(consequencesOf.get(resultId) ?? []), c]);
  return rows
    .map((r) => {
      const i = byPlan.get(r.planId)!;
      const { own, inputsKey: _key, ...rest } = r;
      return {
        ...rest,
        firstLevel: own.firstLevel ?? [],
        appraiseeType: i.appraiseeType,
        orgUnitId: i.orgUnitId,
        personId: i.personId,
        appraiseeName: i.personName ?? i.orgName,
        appraiseeNameEn: i.personNameEn ?? i.orgNameEn,
        consequences: consequencesOf.get(r.id) ?? [],
        _scope: { orgPath: i.orgPath, personUserId: i.personUserId },
      };
    })
    .sort(
      (x, y) =>
        x.appraiseeType.localeCompare(y.appraiseeType) ||
        x.peerGroup.localeCompare(y.peerGroup) ||
        // Incomplete results (no rank) after the ranked ones.
        (x.rank ?? Infinity) - (y.rank ?? Infinity) ||
        x.appraiseeName.localeCompare(y.appraiseeName),
    );
}

export const strip = <T extends { _scope: unknown }>({ _scope: _, ...rest }: T) => rest;
