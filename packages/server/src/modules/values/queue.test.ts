import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';
import { actualValues } from '../../db/schema';

let t: TestApp;
let f: Factory;
let cycle: { id: string };
let other: { id: string };
let units: { id: string }[];
let plans: { id: string }[];
let manager: FactoryUser;
let verifier: FactoryUser;
let v: Client;

interface Queued {
  id: string;
  period: string;
  planId: string;
  indicatorCode: string;
  version: number;
  status: string;
  can: { verify: boolean };
}
const queue = async (c: Client, qs = '') => {
  const res = await c.get(`/api/values/queue?cycleId=${cycle.id}${qs}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Queued[]; total: number; page: number; pageSize: number };
};

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  const parent = await f.org();
  units = [await f.org({ parentId: parent.id }), await f.org({ parentId: parent.id })];
  const outside = await f.org();
  manager = await f.user([
    { role: 'unit_manager', orgUnitId: parent.id },
    { role: 'unit_manager', orgUnitId: outside.id },
  ]);
  // The verifier covers the parent unit's subtree, not the outside unit.
  verifier = await f.user([{ role: 'verifier', orgUnitId: parent.id }]);
  cycle = await f.cycle({ stage: 'planning', year: 2033 });
  other = await f.cycle({ stage: 'planning', year: 2034 });
  plans = [
    await f.plan({ cycleId: cycle.id, orgUnitId: units[0].id }),
    await f.plan({ cycleId: cycle.id, orgUnitId: units[1].id }),
    await f.plan({ cycleId: cycle.id, orgUnitId: outside.id }),
    await f.plan({ cycleId: other.id, orgUnitId: units[0].id }),
  ];
  for (const p of plans)
    await f.values(
      p.id,
      [
        { indicatorCode: 'A1', period: '2033', value: 4 },
        { indicatorCode: 'A2', period: '2033', value: 97 },
        { indicatorCode: 'A1', period: '2033-Q1', value: 1 },
      ],
      { by: manager.actor },
    );
  v = await verifier.login();
});
afterAll(async () => t.close());

describe('verification queue across plans', () => {
  it('lists the values the verifier may verify, oldest first, with plan, indicator and can.verify', async () => {
    const q = await queue(v);
    // Two plans of the verifier's subtree in this cycle, three values each; not the outside unit's plan.
    expect(q.total).toBe(6);
    expect(new Set(q.items.map((i) => i.planId))).toEqual(new Set([plans[0].id, plans[1].id]));
    expect(q.items.every((i) => i.status === 'reported' && i.can.verify)).toBe(true);
    const a2 = (q.items as unknown as Record<string, unknown>[]).find((i) => i.indicatorCode === 'A2')!;
    expect(a2).toMatchObject({ indicatorName: '一般公共预算收入完成率', unit: '%', evidenceCount: 0 });
    // Across cycles when no cycle is given: the other cycle's plan of the subtree too.
    const all = (await v.get('/api/values/queue?pageSize=100')).json();
    expect(all.items.filter((i: Queued) => i.planId === plans[3].id)).toHaveLength(3);
  });

  it('filters by unit, indicator, period of submission and status, and pages on the server', async () => {
    expect((await queue(v, `&orgUnitId=${units[1].id}`)).items.map((i) => i.planId)).toEqual([
      plans[1].id,
      plans[1].id,
      plans[1].id,
    ]);
    const byName = await queue(v, `&indicator=${encodeURIComponent('预算收入')}`);
    expect(byName.items.map((i) => i.indicatorCode)).toEqual(['A2', 'A2']);
    expect((await queue(v, '&indicator=a1')).total).toBe(4);
    // Submitted dates (UTC days), read from the values themselves so a run across midnight cannot lose:
    // the days they were reported hold all six; a window that ends the day before holds none.
    const reported = (
      await t.db
        .select({ at: actualValues.reportedAt })
        .from(actualValues)
        .where(inArray(actualValues.planId, [plans[0].id, plans[1].id]))
    ).map((r) => r.at!.getTime());
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const [first, last] = [day(Math.min(...reported)), day(Math.max(...reported))];
    const before = day(Math.min(...reported) - 86_400_000);
    expect((await queue(v, `&submittedFrom=${first}&submittedTo=${last}`)).total).toBe(6);
    expect((await queue(v, `&submittedTo=${before}`)).total).toBe(0);
    const p1 = await queue(v, '&pageSize=4&page=1');
    const p2 = await queue(v, '&pageSize=4&page=2');
    expect([p1.items.length, p2.items.length, p1.total, p2.page]).toEqual([4, 2, 6, 2]);
    expect(new Set([...p1.items, ...p2.items].map((i) => i.id)).size).toBe(6);
    expect((await queue(v, '&status=verified')).total).toBe(0);
    expect((await v.get('/api/values/queue?pageSize=1000')).statusCode).toBe(400);
  });

  it('bulk-verifies through the verify use case: stale versions and foreign values fail one by one', async () => {
    const q = await queue(v, `&orgUnitId=${units[0].id}`);
    const [first, second, third] = q.items;
    // The manager reports `second` again meanwhile: the verifier's version is stale.
    await f.values(plans[0].id, [{ indicatorCode: second.indicatorCode, period: second.period, value: 5 }], {
      by: manager.actor,
    });
    const outsideValue = (await (await manager.login()).get(`/api/plans/${plans[2].id}/values`)).json()
      .items[0];
    const res = await v.post('/api/values/bulk-verify', {
      decision: 'verified',
      items: [first, second, third, outsideValue].map((i) => ({ id: i.id, version: i.version })),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.done.map((d: Queued) => d.id).sort()).toEqual([first.id, third.id].sort());
    expect(body.done.every((d: Queued) => d.status === 'verified')).toBe(true);
    expect(body.failed).toEqual([
      expect.objectContaining({ id: second.id, error: 'version_conflict' }),
      expect.objectContaining({ id: outsideValue.id, error: 'forbidden' }),
    ]);
    // Each decision is audited by the use case, as a single verification is.
    const [{ n }] = (
      await t.db.execute(
        sql`select count(*)::int as n from audit_log where action = 'value.verify' and entity_id in (${first.id}, ${third.id})`,
      )
    ).rows as { n: number }[];
    expect(n).toBe(2);
    expect((await queue(v, '&status=verified')).total).toBe(2);
  });

  it('offers a decision (`can.verify`) exactly on the values the server decides: not the verified ones', async () => {
    const verified = (await queue(v, '&status=verified')).items;
    expect(verified).toHaveLength(2);
    expect(verified.every((i) => !i.can.verify)).toBe(true);
    for (const i of verified) {
      const again = await v.post(`/api/values/${i.id}/verify`, {
        decision: 'rejected',
        reason: '再议',
        version: i.version,
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toBe('already_verified');
    }
    // A rejected value is open to a decision again (the first unit's: the second's are left to the tests below).
    const [open] = (await queue(v, `&orgUnitId=${units[0].id}`)).items;
    expect(open.can.verify).toBe(true);
    const rejected = await v.post(`/api/values/${open.id}/verify`, {
      decision: 'rejected',
      reason: '缺少佐证',
      version: open.version,
    });
    expect(rejected.statusCode).toBe(200);
    const after = (await queue(v, '&status=rejected&pageSize=100')).items.find((i) => i.id === open.id)!;
    expect(after.can.verify).toBe(true);
    const ok = await v.post(`/api/values/${open.id}/verify`, {
      decision: 'verified',
      version: after.version,
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('bulk rejection needs a reason; nothing is decided without one', async () => {
    const q = await queue(v);
    const items = q.items.slice(0, 2).map((i) => ({ id: i.id, version: i.version }));
    const bad = await v.post('/api/values/bulk-verify', { decision: 'rejected', items });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ path: 'reason', message: 'required when rejecting' }]);
    expect((await queue(v)).total).toBe(q.total);
    const ok = await v.post('/api/values/bulk-verify', { decision: 'rejected', reason: '缺少佐证', items });
    expect(ok.json().done.map((d: { reason: string }) => d.reason)).toEqual(['缺少佐证', '缺少佐证']);
    expect((await queue(v)).total).toBe(q.total - 2);
  });

  it('nobody verifies their own reports; the queue is for verifiers and the office', async () => {
    const officeQueue = (
      await (await (await f.user([{ role: 'office' }])).login()).get(`/api/values/queue?cycleId=${cycle.id}`)
    ).json();
    // The office sees the outside unit's values too.
    expect(officeQueue.items.some((i: Queued) => i.planId === plans[2].id)).toBe(true);
    // The factory's office account reported nothing; a verifier who reported a value does not see it.
    const self = await f.user([
      { role: 'verifier', orgUnitId: units[1].id },
      { role: 'unit_manager', orgUnitId: units[1].id },
    ]);
    const [mine] = await f.values(plans[1].id, [{ indicatorCode: 'A2', period: '2033-Q1', value: 50 }], {
      by: self.actor,
    });
    const own = await queue(await self.login(), '&pageSize=100');
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.map((i) => i.id)).not.toContain(mine.id);
    expect((await queue(v, '&pageSize=100')).items.map((i) => i.id)).toContain(mine.id);
    expect((await (await manager.login()).get('/api/values/queue')).statusCode).toBe(403);
  });
});
