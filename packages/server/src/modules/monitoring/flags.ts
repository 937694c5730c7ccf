import { and, eq, inArray, lt, ne } from 'drizzle-orm';
import { anomalyFlags, benfordTest, type AnomalyFlag, type BenfordResult } from '@perfcommons/domain';
import type { Db } from '../../db/client';
import { actualValues, cycles, plans } from '../../db/schema';
import { requireActor, type Actor } from '../../lib/actor';
import { forbidden, notFound } from '../../lib/errors';
import {
  leavesByPlan,
  loadCycle,
  monitoredPlans,
  oversees,
  type MonitoredPlan,
  type NodeRow,
} from './common';
import { parsePeriod } from './periods';

/** Below this many values a first-digit test has too little power to flag anything. */
export const BENFORD_MIN_VALUES = 50;

/** Units of bounded quantities left out of the first-digit test. */
const BOUNDED_UNITS = new Set(['%', '‰', '分']);

export interface ValueFlags {
  valueId: string;
  planId: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  indicatorCode: string;
  indicatorName: string;
  indicatorNameEn: string | null;
  period: string;
  value: number;
  status: string;
  flags: AnomalyFlag[];
}

export interface PlanBenford extends BenfordResult {
  planId: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  /** Nonconforming (MAD > 0.015) over at least BENFORD_MIN_VALUES values. */
  flagged: boolean;
}

/** Like is compared with like: values of the same granularity (quarters with quarters). */
const historyKey = (appraisee: string, code: string, period: string) =>
  `${appraisee}|${code}|${parsePeriod(period)?.kind ?? 'other'}`;
const appraiseeKey = (p: { appraiseeType: string; orgUnitId: string; personId: string | null }) =>
  `${p.appraiseeType}|${p.orgUnitId}|${p.personId ?? ''}`;

/**
 * Anomaly flags 异常标记 of the non-rejected values of a cycle, computed on read so they always
 * match the data: each value is compared with the earlier values of the same indicator of the same
 * appraisee (earlier periods of this plan and periods of earlier cycles, same granularity), with
 * the indicator's plausible range, and with the last three reports (repeats). A first-digit test
 * runs per plan over its values of the cycle, leaving out percentages and scores (bounded, so
 * not Benford-distributed). Visible to the office and to verifiers (their
 * org subtree).
 */
export async function listFlags(
  db: Db,
  actor: Actor | null,
  opts: { cycleId?: string; planId?: string },
): Promise<{ items: ValueFlags[]; benford: PlanBenford[] }> {
  const a = requireActor(actor);
  const all = await monitoredPlans(db, opts);
  if (opts.planId && !all.length) throw notFound('Plan');
  const visible = all.filter((p) => oversees(a, p, 'verifier'));
  if (opts.planId && all.length && !visible.length)
    throw forbidden('Anomaly flags are for verifiers and the performance office');
  if (!visible.length) return { items: [], benford: [] };
  const cycle = await loadCycle(db, visible[0].cycleId);
  const planIds = visible.map((p) => p.id);
  const values = await db
    .select()
    .from(actualValues)
    .where(and(inArray(actualValues.planId, planIds), ne(actualValues.status, 'rejected')));

  // Values of earlier cycles of the same appraisees.
  const byPlanId = new Map(visible.map((p) => [p.id, p]));
  const earlier = await db
    .select({
      code: actualValues.indicatorCode,
      period: actualValues.period,
      value: actualValues.value,
      appraiseeType: plans.appraiseeType,
      orgUnitId: plans.orgUnitId,
      personId: plans.personId,
    })
    .from(actualValues)
    .innerJoin(plans, eq(plans.id, actualValues.planId))
    .innerJoin(cycles, eq(cycles.id, plans.cycleId))
    .where(
      and(
        lt(cycles.periodEnd, cycle.periodStart),
        inArray(plans.orgUnitId, [...new Set(visible.map((p) => p.orgUnitId))]),
        ne(actualValues.status, 'rejected'),
      ),
    );
  const history = new Map<string, { end: string; value: number }[]>();
  const push = (key: string, end: string, value: number) =>
    history.set(key, [...(history.get(key) ?? []), { end, value }]);
  for (const v of earlier) {
    const p = parsePeriod(v.period);
    if (p) push(historyKey(appraiseeKey(v), v.code, v.period), p.end, v.value);
  }
  for (const v of values) {
    const p = parsePeriod(v.period);
    if (p) push(historyKey(appraiseeKey(byPlanId.get(v.planId)!), v.indicatorCode, v.period), p.end, v.value);
  }
  for (const list of history.values()) list.sort((x, y) => x.end.localeCompare(y.end));

  const leaves = await leavesByPlan(db, planIds);
  const nodeOf = new Map([...leaves.values()].flat().map((n) => [`${n.planId}|${n.code}`, n] as const));
  const items: ValueFlags[] = [];
  for (const v of values) {
    const plan = byPlanId.get(v.planId)!;
    const node = nodeOf.get(`${v.planId}|${v.indicatorCode}`);
    const end = parsePeriod(v.period)?.end ?? '';
    const past = (history.get(historyKey(appraiseeKey(plan), v.indicatorCode, v.period)) ?? [])
      .filter((h) => h.end < end)
      .map((h) => h.value);
    const flags = anomalyFlags({
      history: past,
      value: v.value,
      plausibleMin: node?.plausibleMin ?? undefined,
      plausibleMax: node?.plausibleMax ?? undefined,
      recent: node && naturalRepeat(node, v.value) ? [] : undefined,
    });
    if (flags.length)
      items.push({
        valueId: v.id,
        planId: v.planId,
        appraiseeName: plan.appraiseeName,
        appraiseeNameEn: plan.appraiseeNameEn,
        indicatorCode: v.indicatorCode,
        indicatorName: node?.name ?? v.indicatorCode,
        indicatorNameEn: node?.nameEn ?? null,
        period: v.period,
        value: v.value,
        status: v.status,
        flags,
      });
  }
  const order = new Map(visible.map((p, i) => [p.id, i]));
  items.sort(
    (x, y) =>
      order.get(x.planId)! - order.get(y.planId)! ||
      x.indicatorCode.localeCompare(y.indicatorCode, 'en', { numeric: true }) ||
      x.period.localeCompare(y.period),
  );
  // Shares and rates are bounded (0–100 %), so their first digits cannot follow Benford's law.
  const benfordValues = values.filter(
    (v) => !BOUNDED_UNITS.has(nodeOf.get(`${v.planId}|${v.indicatorCode}`)?.unit ?? ''),
  );
  return { items, benford: benfordByPlan(visible, benfordValues) };
}

/**
 * Repeats that are not suspicious: zero (no accident again), discrete outcomes (pass/fail, bands),
 * a plausible bound, or the level of an indicator whose target is to hold it (100 % again).
 */
function naturalRepeat(node: NodeRow, value: number): boolean {
  const rule = node.rule;
  if (value === 0 || rule?.type === 'passFail' || rule?.type === 'banded') return true;
  if (value === node.plausibleMin || value === node.plausibleMax) return true;
  const target = node.target ?? (rule && 'target' in rule ? rule.target : undefined);
  const baseline = node.baseline ?? (rule && 'baseline' in rule ? rule.baseline : undefined) ?? target;
  return target !== undefined && target !== null && baseline === target && value === target;
}

function benfordByPlan(visible: MonitoredPlan[], values: { planId: string; value: number }[]): PlanBenford[] {
  const byPlan = new Map<string, number[]>();
  for (const v of values) byPlan.set(v.planId, [...(byPlan.get(v.planId) ?? []), v.value]);
  return visible
    .filter((p) => byPlan.has(p.id))
    .map((p) => {
      const r = benfordTest(byPlan.get(p.id)!);
      return {
        planId: p.id,
        appraiseeName: p.appraiseeName,
        appraiseeNameEn: p.appraiseeNameEn,
        ...r,
        flagged: r.n >= BENFORD_MIN_VALUES && r.conformity === 'nonconformity',
      };
    });
}
