import { and, eq, gte, inArray, lte, ne } from 'drizzle-orm';
import {
  rankSensitivity,
  type CombinedPart,
  type CombinedPartCode,
  type MissingEntry,
  type VetoOutcome,
  type RankStability,
} from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import { insertFromJson } from '../../db/bulk';
import { consequences, cycles, plans, results } from '../../db/schema';
import { canonicalJson } from '../../lib/hash';
import type { CycleRow } from '../cycles/service';
import type { ConsequenceRule, CycleRules } from '../evaluation/rules';

/** What the derivations read of a plan (a compute reads only these columns: ScoredPlan). */
type PlanRow = Pick<
  typeof plans.$inferSelect,
  'id' | 'appraiseeType' | 'orgUnitId' | 'personId' | 'peerGroup'
>;

/** One appraisee across cycles: a cadre by person, a unit by org unit. */
const appraiseeKey = (type: string, personId: string | null, orgUnitId: string) =>
  personId ? `${type}:p:${personId}` : `${type}:o:${orgUnitId}`;

export type { MissingEntry } from '@perfcommons/domain';

const UNIT_PART = {
  code: 'UNIT' satisfies CombinedPartCode,
  name: '所在单位绩效',
  nameEn: 'Result of the unit',
} as const;
const ANNUAL_PART = {
  code: 'ANNUAL' satisfies CombinedPartCode,
  name: '任期内年度考核',
  nameEn: 'Annual results within the term',
} as const;

/**
 * Parts that enter a total besides the appraisee's own plan: a cadre's share of the unit's result
 * (combined appraisal 人事结合) and, in a term cycle, the mean of the annual results within the term.
 *
 * A part the rules ask for (share > 0) is missing when its source is incomplete (the unit's own
 * result, or any annual result of the term) or absent (no unit plan in the cycle, no annual result
 * of the appraisee in the term): the result is then incomplete under any missing-data rule
 * (`missingParts`, reason 'combined_part_missing'). An incomplete source still enters the figures
 * with its total; an absent one does not (the own score keeps its full share).
 */
export async function combinedParts(
  tx: DbOrTx,
  cycle: CycleRow,
  rules: CycleRules,
  planRows: PlanRow[],
  own: Map<string, { total: number; complete?: boolean }>,
): Promise<{ parts: Map<string, CombinedPart[]>; missingParts: Map<string, MissingEntry[]> }> {
  const parts = new Map<string, CombinedPart[]>();
  const missingParts = new Map<string, MissingEntry[]>();
  const add = (planId: string, part: CombinedPart) => parts.set(planId, [...(parts.get(planId) ?? []), part]);
  const lack = (planId: string, part: typeof UNIT_PART | typeof ANNUAL_PART) =>
    missingParts.set(planId, [
      ...(missingParts.get(planId) ?? []),
      { ...part, reason: 'combined_part_missing' as const },
    ]);
  if (rules.unitShareForCadres > 0) {
    const unitPlan = new Map(
      planRows.filter((p) => p.appraiseeType === 'unit').map((p) => [p.orgUnitId, p.id]),
    );
    for (const p of planRows) {
      if (p.appraiseeType !== 'cadre') continue;
      const unitPlanId = unitPlan.get(p.orgUnitId);
      const unit = unitPlanId === undefined ? undefined : own.get(unitPlanId);
      if (!unit || unit.complete === false) lack(p.id, UNIT_PART);
      if (!unit) continue;
      add(p.id, {
        code: UNIT_PART.code,
        name: UNIT_PART.name,
        total: unit.total,
        share: rules.unitShareForCadres,
        note: `unit result × ${rules.unitShareForCadres} (combined appraisal of people and achievements)${
          unit.complete === false ? '; the unit result is incomplete' : ''
        }`,
      });
    }
  }
  if (cycle.type === 'term' && rules.annualShareForTerm > 0) {
    const annual = await tx
      .select({
        total: results.total,
        complete: results.complete,
        personId: plans.personId,
        orgUnitId: plans.orgUnitId,
        type: plans.appraiseeType,
        code: cycles.code,
      })
      .from(results)
      .innerJoin(plans, eq(plans.id, results.planId))
      .innerJoin(cycles, eq(cycles.id, results.cycleId))
      .where(
        and(
          eq(cycles.type, 'annual'),
          ne(cycles.id, cycle.id),
          gte(cycles.periodStart, cycle.periodStart),
          lte(cycles.periodEnd, cycle.periodEnd),
        ),
      );
    const annualOf = new Map<string, typeof annual>();
    for (const r of annual) {
      const k = appraiseeKey(r.type, r.personId, r.orgUnitId);
      annualOf.set(k, [...(annualOf.get(k) ?? []), r]);
    }
    for (const p of planRows) {
      const mine = annualOf.get(appraiseeKey(p.appraiseeType, p.personId, p.orgUnitId)) ?? [];
      const incomplete = mine.filter((r) => !r.complete);
      if (mine.length === 0 || incomplete.length > 0) lack(p.id, ANNUAL_PART);
      if (mine.length === 0) continue;
      const mean = mine.reduce((s, r) => s + r.total, 0) / mine.length;
      add(p.id, {
        code: ANNUAL_PART.code,
        name: ANNUAL_PART.name,
        total: mean,
        share: rules.annualShareForTerm,
        note: `mean of ${mine.length} annual result(s) (${mine.map((r) => r.code).join(', ')}) × ${rules.annualShareForTerm}${
          incomplete.length ? `; incomplete: ${incomplete.map((r) => r.code).join(', ')}` : ''
        }`,
      });
    }
  }
  return { parts, missingParts };
}

/**
 * Rank stability under ±10% perturbation of the first-level weights, per peer group whose plans
 * share the same first-level indicators and weights (otherwise the group gets none). Points outside
 * the weighted sum (bonus, deduction, combined parts) stay fixed.
 */
export function sensitivityByGroup(
  scored: {
    plan: PlanRow;
    own: { firstLevel: { code: string; weight: number; attainment: number }[] };
    total: number;
    group: string;
  }[],
  seed: string,
  /** The stored outcome of a group whose inputs are unchanged (same members, same figures), if any. */
  unchanged: (group: (typeof scored)[number][]) => Map<string, RankStability | null> | undefined = () =>
    undefined,
): Map<string, RankStability | null> {
  const out = new Map<string, RankStability | null>();
  const groups = new Map<string, typeof scored>();
  for (const s of scored) {
    const list = groups.get(s.group);
    if (list) list.push(s);
    else groups.set(s.group, [s]);
  }
  const signature = (s: (typeof scored)[number]) =>
    s.own.firstLevel.map((n) => `${n.code}:${n.weight}`).join('|');
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    // Monte Carlo with a fixed seed is a pure function of the group's figures: reuse it unchanged.
    const kept = unchanged(list);
    if (kept) {
      for (const [id, r] of kept) out.set(id, r);
      continue;
    }
    const sig = signature(list[0]);
    if (!sig || list.some((s) => signature(s) !== sig)) continue;
    const weights = list[0].own.firstLevel.map((n) => n.weight);
    const wsum = weights.reduce((a, b) => a + b, 0);
    const stability = rankSensitivity({
      appraisees: list.map((s) => {
        const nodes = s.own.firstLevel;
        const weighted = nodes.reduce((acc, n) => acc + (n.attainment * n.weight) / wsum, 0);
        return {
          id: s.plan.id,
          peerGroup: s.group,
          leafAttainments: nodes.map((n) => n.attainment),
          offset: s.total - weighted,
        };
      }),
      weights,
      perturbation: 0.1,
      runs: 300,
      seed,
    });
    for (const r of stability) out.set(r.id, r);
  }
  return out;
}

interface GradedResult {
  id: string;
  planId: string;
  /** Null for an incomplete result, which gets no consequence. */
  grade: string | null;
  veto: VetoOutcome;
}

/**
 * Applies the cycle's consequence rules 结果运用 to its results, replacing earlier ones (a row that
 * still applies as it is stays), and returns every consequence that applies to them. A rule with
 * `consecutive: n` needs the same grade in the n − 1 previous annual cycles of the same appraisee
 * (an incomplete year, without grade, breaks the streak). Incomplete results get none. `changed`:
 * whether any consequence row was inserted or deleted.
 */
export async function applyConsequences(
  tx: DbOrTx,
  cycle: CycleRow,
  rules: ConsequenceRule[],
  stored: GradedResult[],
  planRows: PlanRow[],
) {
  const planById = new Map(planRows.map((p) => [p.id, p]));
  const ids = stored.map((r) => r.id);
  if (rules.length === 0 || stored.length === 0) {
    let deleted = 0;
    for (let i = 0; i < ids.length; i += 5000)
      deleted += (
        await tx
          .delete(consequences)
          .where(inArray(consequences.resultId, ids.slice(i, i + 5000)))
          .returning({ id: consequences.id })
      ).length;
    return { rows: [], changed: deleted > 0 };
  }
  const needHistory = rules.some((r) => (r.consecutive ?? 1) > 1);
  const history = needHistory
    ? await tx
        .select({
          grade: results.grade,
          personId: plans.personId,
          orgUnitId: plans.orgUnitId,
          type: plans.appraiseeType,
          end: cycles.periodEnd,
        })
        .from(results)
        .innerJoin(plans, eq(plans.id, results.planId))
        .innerJoin(cycles, eq(cycles.id, results.cycleId))
        .where(
          and(eq(cycles.type, 'annual'), ne(cycles.id, cycle.id), lte(cycles.periodEnd, cycle.periodStart)),
        )
    : [];
  const historyOf = new Map<string, typeof history>();
  for (const h of history) {
    const k = appraiseeKey(h.type, h.personId, h.orgUnitId);
    historyOf.set(k, [...(historyOf.get(k) ?? []), h]);
  }
  const streak = (p: PlanRow, grade: string | null) => {
    const mine = [...(historyOf.get(appraiseeKey(p.appraiseeType, p.personId, p.orgUnitId)) ?? [])].sort(
      (a, b) => b.end.localeCompare(a.end),
    );
    let n = 1;
    for (const h of mine) {
      if (h.grade !== grade) break;
      n += 1;
    }
    return n;
  };
  const rows: (typeof consequences.$inferInsert)[] = [];
  for (const r of stored) {
    if (r.grade === null) continue; // incomplete: no grade, no consequence (veto ones included)
    const p = planById.get(r.planId)!;
    const vetoed = r.veto.triggered === true;
    const seen = new Set<string>();
    for (const rule of rules) {
      if (rule.appraiseeType && rule.appraiseeType !== p.appraiseeType) continue;
      if (rule.veto !== undefined && rule.veto !== vetoed) continue;
      if (rule.grade !== undefined && rule.grade !== r.grade) continue;
      if (rule.grade === undefined && rule.veto === undefined) continue;
      if (rule.consecutive && rule.consecutive > 1 && streak(p, r.grade) < rule.consecutive) continue;
      if (seen.has(rule.kind)) continue;
      seen.add(rule.kind);
      const why = [
        rule.grade ? `grade ${rule.grade}` : null,
        rule.consecutive && rule.consecutive > 1 ? `${rule.consecutive} years in a row` : null,
        rule.veto ? 'veto item triggered' : null,
      ]
        .filter(Boolean)
        .join(', ');
      rows.push({
        cycleId: cycle.id,
        resultId: r.id,
        personId: p.personId,
        orgUnitId: p.orgUnitId,
        kind: rule.kind,
        value: rule.value ?? null,
        reason: why,
      });
    }
  }
  // Only what changed is written: a consequence already stored as it applies now keeps its row (a
  // rescore that changes no grade rewrites none of them); the others are deleted or inserted.
  const same = (e: typeof consequences.$inferSelect, r: (typeof rows)[number]) =>
    e.cycleId === r.cycleId &&
    e.personId === (r.personId ?? null) &&
    e.orgUnitId === r.orgUnitId &&
    e.reason === r.reason &&
    canonicalJson(e.value ?? null) === canonicalJson(r.value ?? null);
  const existing = new Map<string, typeof consequences.$inferSelect>();
  for (let i = 0; i < ids.length; i += 5000)
    for (const e of await tx
      .select()
      .from(consequences)
      .where(inArray(consequences.resultId, ids.slice(i, i + 5000))))
      existing.set(`${e.resultId} ${e.kind}`, e);
  const insert: typeof rows = [];
  for (const r of rows) {
    const key = `${r.resultId} ${r.kind}`;
    const e = existing.get(key);
    if (e && same(e, r)) existing.delete(key);
    else insert.push(r);
  }
  const gone = [...existing.values()].map((e) => e.id);
  for (let i = 0; i < gone.length; i += 5000)
    await tx.delete(consequences).where(inArray(consequences.id, gone.slice(i, i + 5000)));
  // One JSON parameter per 5,000 rows (id and created_at take their defaults).
  for (let i = 0; i < insert.length; i += 5000)
    await tx.execute(
      insertFromJson(
        consequences,
        ['cycleId', 'resultId', 'personId', 'orgUnitId', 'kind', 'value', 'reason'],
        insert.slice(i, i + 5000),
      ),
    );
  // Every consequence that applies to these results (kept or written).
  return { rows, changed: gone.length > 0 || insert.length > 0 };
}
