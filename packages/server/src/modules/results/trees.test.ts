import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { factory, SMALL_TREE, type Factory } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { rowsOf } from '../../db/client';
import { actualValues, auditLog, indicatorNodes, plans, resultInputs, results } from '../../db/schema';
import { recomputeDuration } from '../../lib/metrics';
import { systemActor } from '../../lib/system';
import { buildTree } from '../plans/tree';
import { cycleResultStatus } from './freshness';
import { computeCycleResults, getResult, listResults } from './service';
import { loadPlanTrees } from './trees';

let t: TestApp;
let f: Factory;
let planIds: string[];
let annualId: string;

/** Each plan's tree built from its own rows, as the recompute did before trees were shared. */
async function ownTrees() {
  const rows = await t.db.select().from(indicatorNodes);
  return new Map(planIds.map((id) => [id, buildTree(rows.filter((r) => r.planId === id))]));
}

/** SMALL_TREE with its two leaves weighted `a1` and 100 − `a1`: a tree of its own per unit. */
const treeWith = (a1: number): IndicatorNodeInput[] =>
  SMALL_TREE.map((d) => ({
    ...d,
    children: d.children!.map((c) => ({ ...c, weight: c.code === 'A1' ? a1 : 100 - a1 })),
  }));

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t, 'trees');
  const office = await f.office();
  const verifier = (await f.user([{ role: 'verifier' }])).actor;
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  annualId = cycle.id;
  // Four units, each with a tree of its own, and two cadres in each from one template (SMALL_TREE):
  // twelve plans, five distinct trees; every plan with verified values.
  planIds = [];
  for (const [i, a1] of [50, 55, 65, 70].entries()) {
    const unit = await f.org();
    planIds.push((await f.plan({ cycleId: annualId, orgUnitId: unit.id, tree: treeWith(a1) })).id);
    for (let k = 0; k < 2; k++) {
      const person = await f.person({ orgUnitId: unit.id });
      planIds.push((await f.plan({ cycleId: annualId, orgUnitId: unit.id, personId: person.id })).id);
    }
    for (const [j, planId] of planIds.slice(-3).entries())
      await f.values(
        planId,
        [
          { indicatorCode: 'A1', period: '2031', value: 3 + i + j * 0.5 },
          { indicatorCode: 'A2', period: '2031', value: 80 + 4 * i + j },
        ],
        { by: office, verifyAs: verifier },
      );
  }
  await f.stage(annualId, 'evaluation');
});
afterAll(async () => t.close());

describe('shared indicator trees of a recompute', () => {
  it('gives every plan the tree its own rows build, sharing one object among identical trees', async () => {
    const shared = await loadPlanTrees(t.db, planIds);
    const own = await ownTrees();
    for (const id of planIds) expect(shared.get(id)).toEqual(own.get(id));
    // Cadre plans come from one template: far fewer distinct trees than plans.
    expect(new Set(shared.values()).size).toBeLessThan(planIds.length / 2);
    // Here: the four units' own trees and the cadres' one.
    expect(new Set(shared.values()).size).toBe(5);
  });

  it('tells apart a plan whose tree differs in one weight, and gives a plan without nodes none', async () => {
    const before = await loadPlanTrees(t.db, planIds);
    const twin = planIds.find((id) => planIds.some((o) => o !== id && before.get(o) === before.get(id)))!;
    const [leaf] = await t.db
      .select()
      .from(indicatorNodes)
      .where(and(eq(indicatorNodes.planId, twin), sql`${indicatorNodes.parentCode} is not null`))
      .limit(1);
    await t.db
      .update(indicatorNodes)
      .set({ weight: leaf.weight + 0.5 })
      .where(eq(indicatorNodes.id, leaf.id));
    const after = await loadPlanTrees(t.db, [...planIds, '00000000-0000-0000-0000-000000000001']);
    const own = await ownTrees();
    expect(after.get(twin)).not.toBe(before.get(twin));
    for (const id of planIds) expect(after.get(id)).toEqual(own.get(id));
    expect(after.get('00000000-0000-0000-0000-000000000001')).toEqual([]);
    await t.db.update(indicatorNodes).set({ weight: leaf.weight }).where(eq(indicatorNodes.id, leaf.id));
  });

  it('explains every stored result exactly and rescores only the plans whose inputs changed', async () => {
    const first = await computeCycleResults(t.db, systemActor(), annualId);
    const again = await computeCycleResults(t.db, systemActor(), annualId);
    expect(again).toEqual({ count: first.count, rescored: 0, rewritten: 0, unchanged: 0, removed: 0 });
    const list = await listResults(t.db, systemActor(), annualId);
    expect(list).toHaveLength(first.count);
    for (const r of list) {
      const { result, breakdown } = await getResult(t.db, systemActor(), r.id);
      expect(result.stale).toBe(false);
      if (result.total > 0)
        expect(breakdown.reduce((s, n) => s + n.contribution, 0)).toBeCloseTo(result.total, 9);
    }
    // A verified value changed (here by SQL): that plan's explanation says so, and the next
    // recompute rescores that plan alone.
    const [value] = await t.db
      .select()
      .from(actualValues)
      .where(and(inArray(actualValues.planId, planIds), eq(actualValues.status, 'verified')))
      .limit(1);
    const target = list.find((r) => r.planId === value.planId)!;
    await t.db
      .update(actualValues)
      .set({ value: value.value + 7 })
      .where(eq(actualValues.id, value.id));
    expect((await getResult(t.db, systemActor(), target.id)).result.stale).toBe(true);
    const third = await computeCycleResults(t.db, systemActor(), annualId);
    expect(third.rescored).toBe(1);
    const fresh = await getResult(t.db, systemActor(), target.id);
    expect(fresh.result.stale).toBe(false);
    // Put it back, so that the audit of the value holds again.
    await t.db.update(actualValues).set({ value: value.value }).where(eq(actualValues.id, value.id));
    expect((await computeCycleResults(t.db, systemActor(), annualId)).rescored).toBe(1);
    const office = await (await f.user([{ role: 'office' }])).login();
    expect((await office.get('/api/audit/verify')).json()).toMatchObject({ ok: true, problems: [] });
  });

  it('scores a large set the same plan by plan from packed reads, reporting progress and metrics', async () => {
    const before = new Map((await listResults(t.db, systemActor(), annualId)).map((r) => [r.planId, r]));
    // Every inputs counter moves: all plans are rescored, read in bulk from the first plan on.
    await t.db.execute(
      sql`insert into plan_input_versions (plan_id, version) select id, 1 from plans where cycle_id = ${annualId}
          on conflict (plan_id) do update set version = plan_input_versions.version + 1`,
    );
    const steps: [number, string][] = [];
    const computes = (await recomputeDuration.get()).values.find((v) => v.metricName?.endsWith('_count'));
    // Twelve plans: progress after every five of them (the platform's step is 1000 plans).
    const bulk = await computeCycleResults(t.db, systemActor(), annualId, {
      bulkFrom: 1,
      progressEvery: 5,
      onProgress: (percent, step) => steps.push([percent, step]),
    });
    expect(bulk.rescored).toBe(before.size);
    // Same data: every result comes out the same to the byte, so none is rewritten or audited again.
    expect(bulk).toMatchObject({ rewritten: 0, unchanged: before.size });
    // Progress while scoring, plan by plan: after every 5 plans, between 10% and 60%, rising.
    const scoring = steps.filter(([, step]) => step === 'scoring').map(([p]) => p);
    expect(before.size).toBe(12);
    expect(scoring).toHaveLength(1 + Math.floor(before.size / 5));
    expect(scoring).toEqual([...scoring].sort((a, b) => a - b));
    expect(scoring[0]).toBe(10);
    expect(scoring.at(-1)).toBeLessThan(60);
    expect(steps.map(([, step]) => step)).toContain('writing');
    // The compute went to /metrics: one more recompute observed.
    const after = (await recomputeDuration.get()).values.find((v) => v.metricName?.endsWith('_count'));
    expect(after!.value).toBe((computes?.value ?? 0) + 1);
    for (const r of await listResults(t.db, systemActor(), annualId)) {
      const b = before.get(r.planId)!;
      expect([r.total, r.grade, r.rank, r.firstLevel, r.sensitivity]).toEqual([
        b.total,
        b.grade,
        b.rank,
        b.firstLevel,
        b.sensitivity,
      ]);
    }
    expect((await computeCycleResults(t.db, systemActor(), annualId)).rescored).toBe(0);
    // Both forms of the bulk reads (the index walk, the hashed scan taken when many pages changed
    // since the last vacuum) give every plan the same figures to the byte.
    for (const packedRead of ['walk', 'hashed'] as const) {
      await t.db.execute(
        sql`update plan_input_versions set version = version + 1
            where plan_id in (select id from plans where cycle_id = ${annualId})`,
      );
      expect(
        await computeCycleResults(t.db, systemActor(), annualId, { bulkFrom: 1, packedRead }),
      ).toMatchObject({ rescored: before.size, rewritten: 0, unchanged: before.size });
    }
  });

  it('fails whole while scoring from the packed reads, holding no connection after', async () => {
    const stored = await t.db.select().from(results).where(eq(results.cycleId, annualId));
    const usesPool = (t.db as unknown as { $client?: unknown }).$client instanceof pg.Pool;
    // The last plan (in id order, as the reads go) gets a rule that cannot score: both reads are
    // under way when the compute fails on it.
    const last = [...planIds].sort().at(-1)!;
    // Written outside the platform, the plan's version moved so that its tree is compiled again,
    // then both set back as they were (so verify-audit finds them unchanged).
    const setRule = (rule: object, versionBy = 1) =>
      t.db.execute(
        sql`with n as (update indicator_nodes set rule = ${JSON.stringify(rule)}::jsonb
                       where plan_id = ${last} and code = 'A1' returning plan_id)
            update plans set version = version + ${versionBy} where id in (select plan_id from n)`,
      );
    const [node] = await t.db
      .select({ rule: indicatorNodes.rule })
      .from(indicatorNodes)
      .where(and(eq(indicatorNodes.planId, last), eq(indicatorNodes.code, 'A1')));
    await setRule({ type: 'linear', baseline: 5, target: 5, direction: 'higher' });
    for (const packedRead of ['walk', 'hashed'] as const)
      await expect(
        computeCycleResults(t.db, systemActor(), annualId, { bulkFrom: 1, packedRead }),
      ).rejects.toThrow('needs the target above the baseline');
    // Nothing written. On PostgreSQL no read goes on or holds a transaction open: a COPY cut short
    // cannot be rolled back from the client, so its connection was closed (its backend ends).
    expect(await t.db.select().from(results).where(eq(results.cycleId, annualId))).toEqual(stored);
    if (usesPool)
      await vi.waitFor(
        async () => {
          const [held] = await rowsOf<{ n: number }>(
            t.db,
            sql`select count(*)::int as n from pg_stat_activity where datname = current_database()
                and (query like 'copy (%' and state <> 'idle' or state like 'idle in transaction%')`,
          );
          expect(held.n).toBe(0);
        },
        { timeout: 10_000, interval: 50 },
      );
    await setRule(node.rule!, -1);
    expect(
      await computeCycleResults(t.db, systemActor(), annualId, { bulkFrom: 1, packedRead: 'walk' }),
    ).toMatchObject({ rescored: 0, rewritten: 0 });
  });

  it('keeps a reproduced result as it was, records its new key, and audits the compute truthfully', async () => {
    const stored = await t.db.select().from(results).where(eq(results.cycleId, annualId));
    const entries = async () =>
      (await t.db.select({ seq: auditLog.seq }).from(auditLog).where(eq(auditLog.entityType, 'result')))
        .length;
    const entriesBefore = await entries();
    await t.db.execute(
      sql`insert into plan_input_versions (plan_id, version) select id, 1 from plans where cycle_id = ${annualId}
          on conflict (plan_id) do update set version = plan_input_versions.version + 1`,
    );
    const [sample] = stored;
    expect((await getResult(t.db, systemActor(), sample.id)).result.stale).toBe(true);
    const summary = await computeCycleResults(t.db, systemActor(), annualId);
    expect(summary).toMatchObject({ rescored: stored.length, rewritten: 0, unchanged: stored.length });
    // The rows are untouched (figures, key and time); the new keys are recorded beside them.
    expect(await t.db.select().from(results).where(eq(results.cycleId, annualId))).toEqual(
      expect.arrayContaining(stored),
    );
    const keys = await t.db.select().from(resultInputs);
    expect(keys).toHaveLength(stored.length);
    for (const k of keys) expect(k.inputsKey).not.toBe(stored.find((r) => r.planId === k.planId)!.inputsKey);
    // No entry per result; the compute's own entry says how many were rescored and how many kept.
    expect(await entries()).toBe(entriesBefore);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'results.compute'), eq(auditLog.entityId, annualId)))
      .orderBy(desc(auditLog.seq))
      .limit(1);
    expect(entry.data).toMatchObject({ rescored: stored.length, rewritten: 0, unchanged: stored.length });
    // Fresh for the explanation and the cycle's status; the next compute rescores nothing.
    expect((await getResult(t.db, systemActor(), sample.id)).result.stale).toBe(false);
    expect((await cycleResultStatus(t.db, annualId)).stale).toEqual([]);
    expect((await computeCycleResults(t.db, systemActor(), annualId)).rescored).toBe(0);
    // A real change rewrites the result with its new key, and the recorded key goes.
    const [value] = await t.db
      .select()
      .from(actualValues)
      .where(and(eq(actualValues.planId, sample.planId), eq(actualValues.status, 'verified')))
      .limit(1);
    await t.db
      .update(actualValues)
      .set({ value: value.value + 7 })
      .where(eq(actualValues.id, value.id));
    const changed = await computeCycleResults(t.db, systemActor(), annualId);
    expect(changed).toMatchObject({ rescored: 1, unchanged: 0 });
    expect(changed.rewritten).toBeGreaterThan(0);
    expect(await t.db.select().from(resultInputs).where(eq(resultInputs.planId, sample.planId))).toEqual([]);
    await t.db.update(actualValues).set({ value: value.value }).where(eq(actualValues.id, value.id));
    expect((await computeCycleResults(t.db, systemActor(), annualId)).rescored).toBe(1);
    const office = await (await f.user([{ role: 'office' }])).login();
    expect((await office.get('/api/audit/verify')).json()).toMatchObject({ ok: true, problems: [] });
  });

  it('drops a key recorded early when the result is rewritten because others moved', async () => {
    // Every counter moves and one plan's value drops: the other plans' own scores come out as stored
    // (their keys are recorded while the cycle is ranked), yet ranks move, and those are rewritten.
    // No key recorded before (earlier tests leave some): only those recorded by this compute.
    await t.db.delete(resultInputs);
    const before = await t.db.select().from(results).where(eq(results.cycleId, annualId));
    const top = before.filter((r) => r.rank === 1).sort((a, b) => b.total - a.total)[0];
    await t.db.execute(
      sql`update plan_input_versions set version = version + 1
          where plan_id in (select id from plans where cycle_id = ${annualId})`,
    );
    const values = await t.db
      .select()
      .from(actualValues)
      .where(and(eq(actualValues.planId, top.planId), eq(actualValues.status, 'verified')));
    for (const v of values)
      await t.db.update(actualValues).set({ value: 0 }).where(eq(actualValues.id, v.id));
    const summary = await computeCycleResults(t.db, systemActor(), annualId);
    expect(summary.rescored).toBe(before.length);
    const after = await t.db.select().from(results).where(eq(results.cycleId, annualId));
    const rewritten = after.filter(
      (r) => r.computedAt.getTime() !== before.find((b) => b.id === r.id)!.computedAt.getTime(),
    );
    // The plan whose value dropped and at least one whose rank moved because of it.
    expect(rewritten.length).toBe(summary.rewritten);
    expect(rewritten.length).toBeGreaterThan(1);
    const keyed = new Set((await t.db.select().from(resultInputs)).map((k) => k.planId));
    for (const r of rewritten) expect(keyed.has(r.planId)).toBe(false);
    for (const r of after) if (!rewritten.includes(r)) expect(keyed.has(r.planId)).toBe(true);
    expect((await cycleResultStatus(t.db, annualId)).stale).toEqual([]);
    expect((await computeCycleResults(t.db, systemActor(), annualId)).rescored).toBe(0);
    for (const v of values)
      await t.db.update(actualValues).set({ value: v.value }).where(eq(actualValues.id, v.id));
    expect((await computeCycleResults(t.db, systemActor(), annualId)).rescored).toBe(1);
  });

  it('removes the result of a plan no longer approved, and audits it', async () => {
    const [gone] = await t.db.select().from(results).where(eq(results.cycleId, annualId)).limit(1);
    await t.db.update(plans).set({ status: 'draft' }).where(eq(plans.id, gone.planId));
    const again = await computeCycleResults(t.db, systemActor(), annualId);
    expect(again.removed).toBe(1);
    expect(await t.db.select().from(results).where(eq(results.id, gone.id))).toEqual([]);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'result.delete'), eq(auditLog.entityId, gone.id)));
    expect(entry).toBeDefined();
    expect((await computeCycleResults(t.db, systemActor(), annualId)).removed).toBe(0);
  });
});
