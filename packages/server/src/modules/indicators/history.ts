/**
 * The performance database 绩效数据库, read from what the cycles stored: the indicator nodes of every
 * plan (matched across cycles by library code, else by exact name) and their reported values. Staff see
 * their own plans' values in every state, and other appraisees' verified values only once the cycle's
 * results are published (the office sees everything); the portal sees published cycles only.
 */
import { and, desc, eq, inArray, isNotNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import {
  bestPerformer,
  disclosesResult,
  linearTrend,
  projectTrend,
  quartiles,
  yearOverYear,
  type Polarity,
} from '@perfcommons/domain';
import type {
  AppraiseeType,
  HistoryReply,
  PeersReply,
  PublicUnitHistoryReply,
  TargetAidReply,
} from '@perfcommons/contracts';
import type { Db, DbOrTx } from '../../db/client';
import { actualValues, cycles, indicatorNodes, orgUnits, plans, results } from '../../db/schema';
import { isOffice, type Actor } from '../../lib/actor';
import { badRequest, notFound } from '../../lib/errors';
import {
  assertCanReadPlan,
  canReadPlanSync,
  loadPlanScope,
  selectPlanScopes,
  toScope,
  type PlanScope,
} from '../plans/access';
import { getDisclosure } from '../results/disclosure';
import { requireStaff } from './use-cases';

type CycleRow = typeof cycles.$inferSelect;
type NodeRow = typeof indicatorNodes.$inferSelect;
type ValueRow = typeof actualValues.$inferSelect;

export interface IndicatorKey {
  libraryCode?: string;
  name?: string;
}

function nodeMatch(key: IndicatorKey): SQL {
  if (key.libraryCode) return eq(indicatorNodes.libraryCode, key.libraryCode);
  if (key.name) return eq(indicatorNodes.name, key.name);
  throw badRequest('Name the indicator by library code or name', [
    { path: 'libraryCode', message: 'libraryCode or name is required' },
  ]);
}

const yearOf = (c: CycleRow) => Number(c.periodEnd.slice(0, 4));
/** An annual period label (`2025`) wins over quarters and months; otherwise the latest period. */
const periodRank = (period: string) => (/^\d{4}$/.test(period) ? `${period}~` : period);
const polarityOf = (n: NodeRow): Polarity =>
  n.direction ?? (n.rule && 'direction' in n.rule ? n.rule.direction : null) ?? 'higher';

interface Found {
  scope: PlanScope;
  node: NodeRow;
  cycle: CycleRow;
  values: ValueRow[];
}

/** Plans matching `planWhere` with a node matching the key, their node, cycle and values. */
async function collect(db: DbOrTx, planWhere: SQL | undefined, key: IndicatorKey): Promise<Found[]> {
  const match = nodeMatch(key);
  const nodes = await db
    .select()
    .from(indicatorNodes)
    .innerJoin(plans, eq(plans.id, indicatorNodes.planId))
    .where(planWhere ? and(match, planWhere) : match);
  if (!nodes.length) return [];
  const planIds = [...new Set(nodes.map((n) => n.indicator_nodes.planId))];
  const scopes = (await selectPlanScopes(db, inArray(plans.id, planIds))).map(toScope);
  const cycleRows = await db
    .select()
    .from(cycles)
    .where(inArray(cycles.id, [...new Set(scopes.map((s) => s.plan.cycleId))]));
  const values = await db
    .select()
    .from(actualValues)
    .where(
      and(
        inArray(actualValues.planId, planIds),
        inArray(actualValues.indicatorCode, [...new Set(nodes.map((n) => n.indicator_nodes.code))]),
      ),
    );
  // A plan that holds the indicator twice (a duplicate the design checks flag) counts its first node.
  const nodeOf = new Map<string, NodeRow>();
  for (const { indicator_nodes: n } of [...nodes].sort((a, b) =>
    a.indicator_nodes.code.localeCompare(b.indicator_nodes.code, 'en', { numeric: true }),
  ))
    if (!nodeOf.has(n.planId)) nodeOf.set(n.planId, n);
  const cycleOf = new Map(cycleRows.map((c) => [c.id, c]));
  return scopes.map((scope) => {
    const node = nodeOf.get(scope.plan.id)!;
    return {
      scope,
      node,
      cycle: cycleOf.get(scope.plan.cycleId)!,
      values: values.filter((v) => v.planId === scope.plan.id && v.indicatorCode === node.code),
    };
  });
}

/** What of a plan's values the actor sees: all of its own plans, verified ones of published cycles. */
function visibleValues(actor: Actor, f: Found): ValueRow[] {
  if (isOffice(actor) || canReadPlanSync(actor, f.scope)) return f.values;
  if (f.cycle.resultsPublishedAt) return f.values.filter((v) => v.status === 'verified');
  return [];
}

/** The verified value standing for the plan's year: the annual period's, else the latest period's. */
function yearValue(values: ValueRow[]): ValueRow | null {
  let best: ValueRow | null = null;
  for (const v of values)
    if (v.status === 'verified' && (!best || periodRank(v.period) > periodRank(best.period))) best = v;
  return best;
}

function historyOf(actor: Actor, found: Found[], key: IndicatorKey): HistoryReply {
  const sorted = [...found].sort((a, b) => (a.cycle.periodEnd < b.cycle.periodEnd ? -1 : 1));
  const latest = sorted.at(-1)?.node;
  const points = sorted.flatMap((f) =>
    visibleValues(actor, f)
      .sort((a, b) => (periodRank(a.period) < periodRank(b.period) ? -1 : 1))
      .map((v) => ({
        cycleId: f.cycle.id,
        cycleName: f.cycle.name,
        cycleNameEn: f.cycle.nameEn,
        cycleType: f.cycle.type,
        published: f.cycle.resultsPublishedAt !== null,
        planId: f.scope.plan.id,
        nodeCode: f.node.code,
        period: v.period,
        value: v.value,
        status: v.status,
        target: f.node.target,
        baseline: f.node.baseline,
      })),
  );
  // One value per year, from annual (or regular) cycles; a term cycle spans years and is left out.
  const byYear = new Map<number, { year: number; value: number; cycleId: string }>();
  for (const f of sorted) {
    if (f.cycle.type === 'term') continue;
    const v = yearValue(visibleValues(actor, f));
    if (v) byYear.set(yearOf(f.cycle), { year: yearOf(f.cycle), value: v.value, cycleId: f.cycle.id });
  }
  const annual = [...byYear.values()].sort((a, b) => a.year - b.year);
  let trend: HistoryReply['trend'] = null;
  if (annual.length >= 2) {
    const t = linearTrend(annual.map((a) => ({ x: a.year, y: a.value })));
    const next = annual.at(-1)!.year + 1;
    trend = { ...t, projectionYear: next, projection: projectTrend(t, next) };
  }
  return {
    indicator: {
      libraryCode: key.libraryCode ?? latest?.libraryCode ?? null,
      name: latest?.name ?? key.name ?? key.libraryCode ?? '',
      unit: latest?.unit ?? null,
      polarity: latest ? polarityOf(latest) : 'higher',
    },
    points,
    annual,
    trend,
  };
}

/** History of one indicator for one appraisee across cycles. Staff only. */
export async function indicatorHistory(
  db: Db,
  actor: Actor | null,
  q: IndicatorKey & { orgUnitId: string; appraiseeType: AppraiseeType; personId?: string },
): Promise<HistoryReply> {
  const a = requireStaff(actor, 'The performance database');
  const found = await collect(
    db,
    and(
      eq(plans.orgUnitId, q.orgUnitId),
      eq(plans.appraiseeType, q.appraiseeType),
      q.personId ? eq(plans.personId, q.personId) : sql`${plans.personId} is null`,
    ),
    q,
  );
  return historyOf(a, found, q);
}

/** Peer-group values of an indicator in one cycle: quartiles and the best performer. Staff only. */
export async function peerStats(
  db: Db,
  actor: Actor | null,
  q: IndicatorKey & { cycleId: string; peerGroup: string; appraiseeType: AppraiseeType },
): Promise<PeersReply> {
  const a = requireStaff(actor, 'The performance database');
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, q.cycleId));
  if (!cycle) throw notFound('Cycle');
  return peersIn(db, a, cycle, q);
}

async function peersIn(
  db: DbOrTx,
  a: Actor,
  cycle: CycleRow,
  q: IndicatorKey & { peerGroup: string; appraiseeType: AppraiseeType },
): Promise<PeersReply> {
  const withheld = !isOffice(a) && !cycle.resultsPublishedAt;
  const found = withheld
    ? []
    : await collect(
        db,
        and(
          eq(plans.cycleId, cycle.id),
          eq(plans.peerGroup, q.peerGroup),
          eq(plans.appraiseeType, q.appraiseeType),
        ),
        q,
      );
  const values = found
    .flatMap((f) => {
      const v = yearValue(f.values);
      return v
        ? [
            {
              planId: f.scope.plan.id,
              orgUnitId: f.scope.plan.orgUnitId,
              appraiseeName: f.scope.appraiseeName,
              appraiseeNameEn: f.scope.appraiseeNameEn,
              value: v.value,
            },
          ]
        : [];
    })
    .sort((x, y) => x.appraiseeName.localeCompare(y.appraiseeName, 'zh-CN'));
  const polarity = found.length ? polarityOf(found[0].node) : 'higher';
  return {
    cycleId: cycle.id,
    cycleName: cycle.name,
    cycleNameEn: cycle.nameEn,
    peerGroup: q.peerGroup,
    polarity,
    values,
    quartiles: values.length ? quartiles(values.map((v) => v.value)) : null,
    best: bestPerformer(values, polarity),
    withheld: withheld ? 'unpublished' : null,
  };
}

/**
 * The target-setting aid of a plan leaf: the appraisee's history of the indicator with its trend, and
 * the peer group's quartiles and best performer in the latest earlier published cycle of the same type.
 * For those who read the plan.
 */
export async function targetAid(
  db: Db,
  actor: Actor | null,
  planId: string,
  code: string,
): Promise<TargetAidReply> {
  const scope = await loadPlanScope(db, planId);
  const a = await assertCanReadPlan(db, actor, scope);
  requireStaff(a, 'The performance database');
  const [node] = await db
    .select()
    .from(indicatorNodes)
    .where(and(eq(indicatorNodes.planId, planId), eq(indicatorNodes.code, code)));
  if (!node) throw notFound('Indicator');
  const key: IndicatorKey = node.libraryCode ? { libraryCode: node.libraryCode } : { name: node.name };
  const p = scope.plan;
  const found = await collect(
    db,
    and(
      eq(plans.orgUnitId, p.orgUnitId),
      eq(plans.appraiseeType, p.appraiseeType),
      p.personId ? eq(plans.personId, p.personId) : sql`${plans.personId} is null`,
    ),
    key,
  );
  const history = historyOf(a, found, key);
  const [current] = await db.select().from(cycles).where(eq(cycles.id, p.cycleId));
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
  const peers = earlier
    ? await peersIn(db, a, earlier, { ...key, peerGroup: p.peerGroup, appraiseeType: p.appraiseeType })
    : null;
  const lastYear = history.annual.at(-1);
  return {
    leaf: {
      code: node.code,
      name: node.name,
      unit: node.unit,
      polarity: polarityOf(node),
      library: node.libraryCode ? { code: node.libraryCode, version: node.libraryVersion ?? 1 } : null,
      baseline: node.baseline,
      target: node.target,
    },
    history,
    peers,
    suggestion: {
      baseline: lastYear?.value ?? node.baseline,
      projection: history.trend?.projection ?? null,
      peerMedian: peers?.quartiles?.median ?? null,
      peerUpperQuartile: peers?.quartiles
        ? polarityOf(node) === 'higher'
          ? peers.quartiles.q3
          : peers.quartiles.q1
        : null,
      best: peers?.best?.value ?? null,
    },
  };
}

/**
 * Year over year on the portal: a unit's plans in annual cycles whose results are published, the
 * verified annual value of each indicator per year, and the unit's total where the disclosure policy
 * publishes unit results. Nothing of an unpublished cycle.
 */
export async function publicUnitHistory(db: Db, orgUnitId: string): Promise<PublicUnitHistoryReply> {
  const [unit] = await db.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.id, orgUnitId));
  if (!unit) throw notFound('Org unit');
  const cycleRows = (
    await db
      .select()
      .from(cycles)
      .where(and(eq(cycles.type, 'annual'), isNotNull(cycles.resultsPublishedAt)))
      .orderBy(desc(cycles.periodEnd))
      .limit(5)
  ).reverse();
  if (!cycleRows.length) return { cycles: [], indicators: [], totals: [] };
  const planRows = await db
    .select()
    .from(plans)
    .where(
      and(
        eq(plans.orgUnitId, orgUnitId),
        eq(plans.appraiseeType, 'unit'),
        inArray(
          plans.cycleId,
          cycleRows.map((c) => c.id),
        ),
      ),
    );
  const planIds = planRows.map((p) => p.id);
  const nodes = planIds.length
    ? await db.select().from(indicatorNodes).where(inArray(indicatorNodes.planId, planIds))
    : [];
  const values = planIds.length
    ? await db
        .select()
        .from(actualValues)
        .where(and(inArray(actualValues.planId, planIds), eq(actualValues.status, 'verified')))
    : [];
  const cycleIndex = new Map(cycleRows.map((c, i) => [c.id, i]));
  const planCycle = new Map(planRows.map((p) => [p.id, cycleIndex.get(p.cycleId)!]));
  const rows = new Map<string, PublicUnitHistoryReply['indicators'][number]>();
  const codeOf = new Map<string, string>();
  // Oldest cycle first, so that the latest plan's code wins.
  nodes.sort((x, y) => planCycle.get(x.planId)! - planCycle.get(y.planId)!);
  for (const n of nodes) {
    // Leaves in the weighted sum only (bonus and deduction items are not year-on-year measures).
    if (n.kind !== 'normal' || nodes.some((m) => m.planId === n.planId && m.parentCode === n.code)) continue;
    const key = n.libraryCode ?? `name:${n.name}`;
    codeOf.set(key, n.code);
    const row = rows.get(key) ?? {
      key,
      name: n.name,
      nameEn: n.nameEn,
      unit: n.unit,
      polarity: polarityOf(n),
      values: cycleRows.map((): number | null => null),
      yoy: null,
    };
    const v = yearValue(values.filter((x) => x.planId === n.planId && x.indicatorCode === n.code));
    if (v) row.values[planCycle.get(n.planId)!] = v.value;
    rows.set(key, row);
  }
  // In the order of the latest plan's tree codes (A1, A2 … B1.1 …).
  const indicators = [...rows.entries()]
    .sort(([, x], [, y]) =>
      (codeOf.get(x.key) ?? '').localeCompare(codeOf.get(y.key) ?? '', 'en', { numeric: true }),
    )
    .map(([, r]) => r)
    .filter((r) => r.values.some((v) => v !== null))
    .map((r) => {
      const [prev, last] = r.values.slice(-2);
      return {
        ...r,
        yoy:
          r.values.length >= 2 && prev !== null && last !== null
            ? yearOverYear(prev, last, r.polarity)
            : null,
      };
    });
  const resultRows = planIds.length
    ? await db.select().from(results).where(inArray(results.planId, planIds))
    : [];
  const totals = [];
  for (const c of cycleRows) {
    const plan = planRows.find((p) => p.cycleId === c.id);
    const r = plan && resultRows.find((x) => x.planId === plan.id);
    const shown = r && disclosesResult(await getDisclosure(db, c.id), 'unit');
    totals.push({ cycleId: c.id, total: shown ? r.total : null, grade: shown ? r.grade : null });
  }
  return {
    cycles: cycleRows.map((c) => ({ id: c.id, name: c.name, nameEn: c.nameEn, year: yearOf(c) })),
    indicators,
    totals,
  };
}
