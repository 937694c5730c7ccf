import { and, asc, eq, inArray } from 'drizzle-orm';
import type { LinkageFeedItem } from '@perfcommons/contracts';
import { linkageRates, METRIC_SOURCE, type LinkageMetric } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import { actualValues, cycles, indicatorNodes, plans } from '../../db/schema';
import { linkageFeeds, linkageMappings } from '../../db/schema-linkage';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { reportValues } from '../values/service';
import { granularityOf, loadRecords, periodWindow, toDomain } from './rates';
import { readCutoffs } from './settings';

type MappingRow = typeof linkageMappings.$inferSelect;
const presentMapping = (m: MappingRow) => ({
  id: m.id,
  cycleId: m.cycleId,
  indicatorCode: m.indicatorCode,
  metric: m.metric,
  createdAt: m.createdAt,
});

async function cycleOf(db: DbOrTx, id: string) {
  const [c] = await db.select().from(cycles).where(eq(cycles.id, id)).limit(1);
  if (!c) throw notFound('Cycle');
  return c;
}

/** The cycle's indicator codes measured by computed rates (the office). */
export async function listMappings(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Linking indicators to service data');
  await cycleOf(db, cycleId);
  const rows = await db
    .select()
    .from(linkageMappings)
    .where(eq(linkageMappings.cycleId, cycleId))
    .orderBy(asc(linkageMappings.indicatorCode));
  return rows.map(presentMapping);
}

/** Maps an indicator code of the cycle to a metric (replacing its metric when already mapped). */
export async function setMapping(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  input: { indicatorCode: string; metric: LinkageMetric },
) {
  const a = requireOffice(actor, 'Linking indicators to service data');
  try {
    return await db.transaction(async (tx) => {
      await cycleOf(tx, cycleId);
      await assertCycleNotPublished(tx, cycleId);
      const [row] = await tx
        .insert(linkageMappings)
        .values({ cycleId, indicatorCode: input.indicatorCode, metric: input.metric, createdBy: a.id })
        .onConflictDoUpdate({
          target: [linkageMappings.cycleId, linkageMappings.indicatorCode],
          set: { metric: input.metric, createdBy: a.id, createdAt: new Date() },
        })
        .returning();
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'linkage.mapping.set',
          entityType: 'linkage_mapping',
          entityId: row.id,
          data: { cycleId, indicatorCode: row.indicatorCode, metric: row.metric },
        },
      ]);
      return presentMapping(row);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('The indicator was mapped meanwhile', [{ path: 'indicatorCode', message: 'mapped' }]);
    throw err;
  }
}

/** Removes a mapping (values fed before stay, with their feed as provenance). */
export async function deleteMapping(db: Db, actor: Actor | null, cycleId: string, mappingId: string) {
  const a = requireOffice(actor, 'Linking indicators to service data');
  return db.transaction(async (tx) => {
    await assertCycleNotPublished(tx, cycleId);
    const [row] = await tx
      .delete(linkageMappings)
      .where(and(eq(linkageMappings.id, mappingId), eq(linkageMappings.cycleId, cycleId)))
      .returning();
    if (!row) throw notFound('Mapping');
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'linkage.mapping.delete',
        entityType: 'linkage_mapping',
        entityId: row.id,
        data: { cycleId, indicatorCode: row.indicatorCode, metric: row.metric },
      },
    ]);
    return { ok: true as const };
  });
}

type FeedItem = LinkageFeedItem;

/**
 * Feeds the computed rates of a period into the cycle: for every approved unit plan whose leaf
 * indicator's code is mapped, the rate of the plan's unit is reported as the leaf's value of that
 * period (reportValues: status 'reported', verified afterwards like any value). The value's note and
 * the feed row name the metric, the ratio and the import batches of the records counted. A leaf
 * whose rate is missing (no records, zero denominator) gets no value; a leaf whose stored value
 * already equals the rate is left alone (its verification stands). One transaction, audited.
 */
export async function feedCycle(db: Db, actor: Actor | null, cycleId: string, input: { period?: string }) {
  const a = requireOffice(actor, 'Feeding service data into a cycle');
  const cycle = await cycleOf(db, cycleId);
  const period = input.period ?? cycle.periodEnd.slice(0, 4);
  const granularity = granularityOf(period);
  if (!granularity)
    throw badRequest('Rates are computed per month, quarter or year', [
      { path: 'period', message: `'${period}' is not 2025, 2025-Q3 or 2025-09` },
    ]);
  return db.transaction(async (tx) => {
    await assertCycleNotPublished(tx, cycleId);
    const mappings = await tx.select().from(linkageMappings).where(eq(linkageMappings.cycleId, cycleId));
    if (!mappings.length)
      throw badRequest('Map at least one indicator to a rate first', [
        { path: 'mappings', message: 'none for this cycle' },
      ]);
    const metricOf = new Map(mappings.map((m) => [m.indicatorCode, m.metric]));
    const unitPlans = await tx
      .select()
      .from(plans)
      .where(and(eq(plans.cycleId, cycleId), eq(plans.appraiseeType, 'unit')));
    const planIds = unitPlans.map((p) => p.id);
    const nodes = planIds.length
      ? await tx
          .select({
            planId: indicatorNodes.planId,
            code: indicatorNodes.code,
            parentCode: indicatorNodes.parentCode,
            kind: indicatorNodes.kind,
          })
          .from(indicatorNodes)
          .where(inArray(indicatorNodes.planId, planIds))
      : [];
    const parents = new Set(nodes.map((n) => `${n.planId}|${n.parentCode}`));
    const leaves = nodes.filter(
      (n) => n.kind === 'normal' && metricOf.has(n.code) && !parents.has(`${n.planId}|${n.code}`),
    );
    const unitIds = [...new Set(unitPlans.map((p) => p.orgUnitId))];
    // Orders due in the period may have come in up to a year before it.
    const { from, to } = periodWindow(period);
    const records = unitIds.length
      ? await loadRecords(tx, { unitIds, from: new Date(from.getTime() - 366 * 86_400_000), to })
      : [];
    const cutoffs = await readCutoffs(tx);
    const rates = new Map(
      linkageRates(records.map(toDomain), { ...cutoffs, granularity })
        .filter((r) => r.period === period)
        .map((r) => [`${r.unitId}|${r.metric}`, r]),
    );
    const batchesOf = (unitId: string, metric: LinkageMetric) => [
      ...new Set(
        records
          .filter((r) => r.orgUnitId === unitId && r.source === METRIC_SOURCE[metric])
          .map((r) => r.batchId),
      ),
    ];
    const existing = planIds.length
      ? await tx
          .select()
          .from(actualValues)
          .where(and(inArray(actualValues.planId, planIds), eq(actualValues.period, period)))
      : [];
    const current = new Map(existing.map((v) => [`${v.planId}|${v.indicatorCode}`, v]));
    const planById = new Map(unitPlans.map((p) => [p.id, p]));
    const items: FeedItem[] = [];
    const toReport = new Map<string, { item: FeedItem; note: string }[]>();
    for (const leaf of leaves) {
      const plan = planById.get(leaf.planId)!;
      const metric = metricOf.get(leaf.code)!;
      const r = rates.get(`${plan.orgUnitId}|${metric}`);
      const item: FeedItem = {
        planId: plan.id,
        orgUnitId: plan.orgUnitId,
        indicatorCode: leaf.code,
        metric,
        numerator: r?.numerator ?? 0,
        denominator: r?.denominator ?? 0,
        rate: r?.rate ?? null,
        valueId: null,
        batchIds: r ? batchesOf(plan.orgUnitId, metric) : [],
        skipped: null,
      };
      items.push(item);
      if (plan.status !== 'approved') item.skipped = 'not_approved';
      else if (!r) item.skipped = 'no_records';
      else if (r.rate === null) item.skipped = 'no_denominator';
      else {
        const before = current.get(`${plan.id}|${leaf.code}`);
        if (before && before.value === r.rate && before.status !== 'rejected') {
          item.skipped = 'unchanged';
          item.valueId = before.id;
        } else {
          const list = toReport.get(plan.id) ?? [];
          list.push({
            item,
            note: `linkage ${metric} ${period}: ${r.numerator}/${r.denominator}; batches ${item.batchIds.join(', ')}`,
          });
          toReport.set(plan.id, list);
        }
      }
    }
    if (toReport.size === 0) return { feed: { id: null, cycleId, period, items } };
    const [feed] = await tx
      .insert(linkageFeeds)
      .values({ cycleId, period, items: [], skipped: [], createdBy: a.id })
      .returning();
    for (const [planId, list] of toReport) {
      // The same use case as any reported value (checks, upsert, audit), inside this transaction.
      const stored = await reportValues(
        tx,
        a,
        planId,
        list.map(({ item, note }) => ({
          indicatorCode: item.indicatorCode,
          period,
          value: item.rate!,
          note: `${note}; feed ${feed.id}`.slice(0, 2000),
        })),
      );
      for (const v of stored) {
        const it = list.find((x) => x.item.indicatorCode === v.indicatorCode)!;
        it.item.valueId = v.id;
      }
    }
    const [saved] = await tx
      .update(linkageFeeds)
      .set({ items: items.filter((i) => !i.skipped), skipped: items.filter((i) => i.skipped) })
      .where(eq(linkageFeeds.id, feed.id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'linkage.feed',
        entityType: 'linkage_feed',
        entityId: saved.id,
        data: {
          cycleId,
          period,
          cutoffs,
          values: items
            .filter((i) => !i.skipped)
            .map((i) => ({ planId: i.planId, code: i.indicatorCode, rate: i.rate, valueId: i.valueId })),
          skipped: items.filter((i) => i.skipped).length,
        },
      },
    ]);
    return { feed: { id: saved.id, cycleId, period, items } };
  });
}
