import { and, desc, eq, inArray, isNotNull, lt, ne } from 'drizzle-orm';
import { entropyWeights, isLeaf, isNormal, subjectsOf } from '@perfcommons/domain';
import type { EntropyHistoryReply, IndicatorNodeInput } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import { actualValues, cycles, plans } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { assertCanEditPlan, loadPlanScope, selectPlanScopes, toScope } from './access';
import { loadTree } from './service';

/** Fewest complete peer rows for entropy weights to mean anything. */
export const MIN_ENTROPY_PEERS = 3;
/** A leaf needs values from at least this many peers to be a column. */
const MIN_LEAF_PEERS = MIN_ENTROPY_PEERS;

const appraiseeKey = (p: { orgUnitId: string; personId: string | null }) =>
  `${p.orgUnitId}:${p.personId ?? ''}`;

/** An annual period label (`2025`) wins over quarters and months; otherwise the latest period. */
const periodRank = (period: string) => (/^\d{4}$/.test(period) ? `${period}~` : period);

/**
 * Entropy weight aid 熵权法 for a plan's editor: the plan's normal data-scored leaves, the verified values of
 * the same indicator codes for the plan's peer appraisees (same appraisee type and peer group) in the latest
 * earlier cycle of the same type whose results are published, and the entropy weights (%) of those columns.
 * Only peers with a value for every included leaf are rows; leaves with values from fewer than 3 peers are
 * excluded. Fewer than 3 complete rows or 2 leaves: no weights, with the reason. For the plan's editors.
 */
export async function entropyHistory(
  db: Db,
  actor: Actor | null,
  planId: string,
): Promise<EntropyHistoryReply> {
  const scope = await loadPlanScope(db, planId);
  assertCanEditPlan(actor, scope);
  const plan = scope.plan;
  const tree = await loadTree(db, planId);

  const dataLeaves: IndicatorNodeInput[] = [];
  const excluded: EntropyHistoryReply['excluded'] = [];
  const walk = (nodes: IndicatorNodeInput[]) =>
    nodes.forEach((n) => {
      if (!isNormal(n)) return;
      if (!isLeaf(n)) return walk(n.children!);
      if (subjectsOf(n).some((s) => s.type === 'data' && s.weight > 0)) dataLeaves.push(n);
      else excluded.push({ code: n.code, reason: 'not_data' });
    });
  walk(tree);

  const empty = (
    insufficient: NonNullable<EntropyHistoryReply['insufficient']>,
    cycle?: typeof cycles.$inferSelect,
  ) => ({
    cycleId: cycle?.id ?? null,
    cycleName: cycle?.name ?? null,
    cycleNameEn: cycle?.nameEn ?? null,
    leaves: [],
    excluded,
    rows: [],
    weights: null,
    insufficient,
  });

  const [current] = await db.select().from(cycles).where(eq(cycles.id, plan.cycleId));
  const [earlier] = await db
    .select()
    .from(cycles)
    .where(
      and(
        eq(cycles.type, current.type),
        ne(cycles.id, current.id),
        lt(cycles.periodEnd, current.periodStart),
        isNotNull(cycles.resultsPublishedAt),
      ),
    )
    .orderBy(desc(cycles.periodEnd))
    .limit(1);
  if (!earlier) return empty('no_earlier_cycle');

  // The peer group now, and their plans in the earlier cycle.
  const peersNow = await db
    .select({ orgUnitId: plans.orgUnitId, personId: plans.personId })
    .from(plans)
    .where(
      and(
        eq(plans.cycleId, current.id),
        eq(plans.appraiseeType, plan.appraiseeType),
        eq(plans.peerGroup, plan.peerGroup),
      ),
    );
  const peerKeys = new Set(peersNow.map(appraiseeKey));
  const earlierPlans = (
    await selectPlanScopes(
      db,
      and(eq(plans.cycleId, earlier.id), eq(plans.appraiseeType, plan.appraiseeType)),
    )
  )
    .map(toScope)
    .filter((s) => peerKeys.has(appraiseeKey(s.plan)));
  const codes = dataLeaves.map((l) => l.code);
  const values =
    earlierPlans.length && codes.length
      ? await db
          .select({
            planId: actualValues.planId,
            code: actualValues.indicatorCode,
            period: actualValues.period,
            value: actualValues.value,
          })
          .from(actualValues)
          .where(
            and(
              inArray(
                actualValues.planId,
                earlierPlans.map((s) => s.plan.id),
              ),
              inArray(actualValues.indicatorCode, codes),
              eq(actualValues.status, 'verified'),
            ),
          )
      : [];
  // planId → code → the value of its annual (else latest) period.
  const byPlan = new Map<string, Map<string, { period: string; value: number }>>();
  for (const v of values) {
    const m = byPlan.get(v.planId) ?? new Map<string, { period: string; value: number }>();
    const seen = m.get(v.code);
    if (!seen || periodRank(v.period) > periodRank(seen.period)) m.set(v.code, v);
    byPlan.set(v.planId, m);
  }
  const counts = new Map(codes.map((c) => [c, 0]));
  for (const m of byPlan.values()) for (const c of m.keys()) counts.set(c, (counts.get(c) ?? 0) + 1);
  const included = dataLeaves.filter((l) => {
    if ((counts.get(l.code) ?? 0) >= MIN_LEAF_PEERS) return true;
    excluded.push({ code: l.code, reason: 'too_few_values' });
    return false;
  });
  const rows = earlierPlans
    .filter((s) => included.every((l) => byPlan.get(s.plan.id)?.has(l.code)))
    .map((s) => ({
      appraiseeName: s.appraiseeName,
      appraiseeNameEn: s.appraiseeNameEn,
      values: included.map((l) => byPlan.get(s.plan.id)!.get(l.code)!.value),
    }));
  const directions = included.map(
    (l) => l.direction ?? (l.rule && 'direction' in l.rule ? l.rule.direction : 'higher'),
  );
  const base = {
    ...empty('too_few_leaves', earlier),
    leaves: included.map((l, j) => ({
      code: l.code,
      name: l.name,
      nameEn: l.nameEn ?? null,
      direction: directions[j],
      peersWithValue: counts.get(l.code) ?? 0,
    })),
    rows,
  };
  if (included.length < 2) return base;
  if (rows.length < MIN_ENTROPY_PEERS) return { ...base, insufficient: 'too_few_peers' };
  const w = entropyWeights(
    rows.map((r) => r.values),
    directions,
  );
  return { ...base, weights: w.map((x) => x * 100), insufficient: null };
}
