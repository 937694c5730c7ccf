import { and, eq } from 'drizzle-orm';
import {
  ruleFormula,
  combineScores,
  scoreAppraisee,
  type BreakdownNode,
  type IndicatorNode,
  type LeafInput,
} from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import { actualValues, plans, results } from '../../db/schema';
import type { CycleRow } from '../cycles/service';
import { frozenRules } from '../evaluation/service';
import { combinedParts, type MissingEntry } from './derive';
import {
  confirmedKeys,
  inputsKeys,
  inputVersions,
  planList,
  preferPeriod,
  readInputs,
  resultHolds,
  scoreOptions,
  surveyFeeds,
} from './inputs';
import { activeFindingsOf } from '../linkage/findings';
import { loadPlanTrees } from './trees';

/** What a leaf's explanation says of its input: which reported value, of which period, in which state. */
export interface ExplainedInput {
  period: string;
  /** verified (scored); reported or rejected (not scored: the leaf is missing as unverified). */
  status: string;
  value: number;
  verifiedAt: Date | null;
}

/**
 * Adds to each leaf of a breakdown the value it scored (period, verification status and time) or,
 * when none scored, the latest value reported but not verified; and, for a leaf with a rule, the
 * formula the rule applies (zh-CN and en, from the domain's ruleFormula).
 */
async function annotateInputs(
  db: DbOrTx,
  planId: string,
  annual: string,
  chosen: Map<string, string>,
  breakdown: BreakdownNode[],
) {
  const rows = await db
    .select({
      code: actualValues.indicatorCode,
      period: actualValues.period,
      status: actualValues.status,
      value: actualValues.value,
      verifiedAt: actualValues.verifiedAt,
    })
    .from(actualValues)
    .where(eq(actualValues.planId, planId));
  const byCode = new Map<string, typeof rows>();
  for (const r of rows) byCode.set(r.code, [...(byCode.get(r.code) ?? []), r]);
  const visit = (n: BreakdownNode) => {
    n.children?.forEach(visit);
    if (n.children?.length) return;
    // The node becomes the contract's annotated BreakdownNode: `formula` and `input` added in place.
    if (n.rule) Object.assign(n, { formula: ruleFormula(n.rule) });
    const list = byCode.get(n.code) ?? [];
    const scored = list.find((r) => r.status === 'verified' && r.period === chosen.get(n.code));
    let shown = scored;
    if (!shown)
      for (const r of list)
        if (r.status !== 'verified' && preferPeriod(shown?.period, r.period, annual)) shown = r;
    if (shown) {
      const input: ExplainedInput = {
        period: shown.period,
        status: shown.status,
        value: shown.value,
        verifiedAt: shown.verifiedAt,
      };
      Object.assign(n, { input });
    }
  };
  breakdown.forEach(visit);
}

/**
 * Adds to each deduction item the active findings whose points it deducts, with their source
 * documents (kind, title, number, date).
 */
function annotateFindings(
  breakdown: BreakdownNode[],
  findings: Awaited<ReturnType<typeof activeFindingsOf>>,
) {
  if (!findings.length) return;
  const visit = (n: BreakdownNode) => {
    n.children?.forEach(visit);
    const list = findings.filter((f) => f.indicatorCode === n.code);
    if (list.length && n.kind === 'deduction')
      Object.assign(n, { findings: list.map(({ planId: _p, ...f }) => f) });
  };
  breakdown.forEach(visit);
}

/** Codes of a tree's leaves (the nodes that take inputs). */
function inputCodes(nodes: IndicatorNode[]): string[] {
  return nodes.flatMap((n) => (n.children?.length ? inputCodes(n.children) : [n.code]));
}

type PlanRow = typeof plans.$inferSelect;
type ResultRow = typeof results.$inferSelect;

/** A result's explanation, derived again from the stored inputs. */
export interface Explanation {
  breakdown: BreakdownNode[];
  /** What the current inputs lack (leaves and combined parts), as the compute would store it. */
  missing: MissingEntry[];
  /**
   * True when the inputs changed since the result was computed (its inputs key differs, or the
   * explanation's total differs from the stored one): the breakdown then explains the current
   * inputs, and a recompute is due.
   */
  stale: boolean;
}

/**
 * Explains one result: scores its plan with {@link scoreAppraisee} from the same inputs the compute
 * reads (readInputs), adds the combined parts from the stored own totals, and checks the outcome
 * against the stored total. The compute keeps no breakdown, because the breakdown is a pure function
 * of stored inputs: deriving it for the one result someone opens costs milliseconds, where keeping
 * every breakdown of a province (tens of KB each) cost most of a recompute.
 */
export async function explainResult(
  db: DbOrTx,
  cycle: CycleRow,
  plan: PlanRow,
  row: ResultRow,
): Promise<Explanation> {
  const frozen = await frozenRules(db, cycle.id);
  const { rules } = frozen;
  const tree = (await loadPlanTrees(db, [plan.id])).get(plan.id)!;
  const surveys = await surveyFeeds(db, cycle.id);
  const inputs: Record<string, LeafInput> = {};
  const periods = new Map<string, string>();
  let pending = false;
  const annual = cycle.periodEnd.slice(0, 4);
  await readInputs(db, cycle, planList([plan.id]), surveys, {
    value(_planId, code, period, value) {
      if (!preferPeriod(periods.get(code), period, annual)) return;
      periods.set(code, period);
      (inputs[code] ??= {}).value = value;
    },
    rating(_planId, code, rating) {
      ((inputs[code] ??= {}).ratings ??= []).push(rating);
    },
    unverified(_planId, code) {
      (inputs[code] ??= {}).unverified = true;
    },
    estimatePending() {
      pending = true;
    },
    findings(_planId, code, points) {
      (inputs[code] ??= {}).value = (inputs[code].value ?? 0) + points;
    },
  });
  if (pending) for (const code of inputCodes(tree)) (inputs[code] ??= {}).estimatePending = true;
  const own = scoreAppraisee(tree, inputs, scoreOptions(rules));
  // Combined parts come from the stored own totals of the other plans (a cadre's unit), as in the
  // compute; the unit plan's row is read for the cadre's part only.
  const related =
    plan.appraiseeType === 'cadre'
      ? await db
          .select({ plan: plans, own: results.own })
          .from(plans)
          .innerJoin(results, eq(results.planId, plans.id))
          .where(
            and(
              eq(plans.cycleId, cycle.id),
              eq(plans.orgUnitId, plan.orgUnitId),
              eq(plans.appraiseeType, 'unit'),
            ),
          )
      : [];
  const owns = new Map<string, { total: number; complete?: boolean }>([[plan.id, own]]);
  for (const r of related) owns.set(r.plan.id, r.own);
  const { parts, missingParts } = await combinedParts(
    db,
    cycle,
    rules,
    [plan, ...related.map((r) => r.plan)],
    owns,
  );
  const combined = combineScores(own, parts.get(plan.id) ?? []);
  const key = inputsKeys(frozen, surveys, await inputVersions(db, [plan.id]))(plan);
  const holds = resultHolds(row, await confirmedKeys(db, { planId: plan.id }), key);
  const stale = !holds || Math.abs(combined.total - row.total) > 1e-6 * (1 + row.total);
  await annotateInputs(db, plan.id, annual, periods, combined.breakdown);
  annotateFindings(combined.breakdown, await activeFindingsOf(db, [plan.id]));
  return {
    breakdown: combined.breakdown,
    missing: [...own.missing, ...(missingParts.get(plan.id) ?? [])],
    stale,
  };
}
