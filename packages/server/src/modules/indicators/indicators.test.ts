import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { rowsOf } from '../../db/client';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';

let t: TestApp;
let f: Factory;
let office: Client;
/** A unit manager of a unit of its own (no office rights), and a resident. */
let finManager: FactoryUser;
let citizen: FactoryUser;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own library entries, units, cycles and plans (test/factories.ts), not the demo city's.
  f = factory(t);
  office = await (await f.user([{ role: 'office' }])).login();
  finManager = await f.user([{ role: 'unit_manager', orgUnitId: (await f.org()).id }]);
  citizen = await f.user([{ role: 'public' }]);
});
afterAll(() => t.close());

const entry = (code: string, over: Record<string, unknown> = {}) => ({
  code,
  name: '测试指标按期办结率',
  nameEn: 'Test on-time rate',
  category: 'governance',
  measure: 'quantitative',
  definition: '按期办结件数占应办结件数的比例。',
  unit: '%',
  formula: '按期办结件数 ÷ 应办结件数 × 100%',
  dataSource: '测试数据源',
  polarity: 'higher',
  frequency: 'monthly',
  weightMin: 10,
  weightMax: 30,
  ruleTemplate: { type: 'linear', baseline: 80, target: 98, direction: 'higher', cap: 1.2 },
  mission: '群众诉求及时办理',
  ...over,
});

/** SMALL_TREE-like tree whose first leaf is picked from the library. */
const treeWith = (library?: { code: string; version: number }): IndicatorNodeInput[] => [
  {
    code: 'A',
    name: '政府自身建设',
    weight: 100,
    children: [
      {
        code: 'A1',
        name: '测试指标按期办结率',
        weight: 100,
        unit: '%',
        definition: '按期办结件数占应办结件数的比例。',
        dataSource: '测试数据源',
        baseline: 80,
        target: 98,
        rule: { type: 'linear', baseline: 80, target: 98, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
        ...(library ? { library } : {}),
      },
    ],
  },
];

describe('indicator library', () => {
  it('lists the library to staff, with usage counts; not to the public', async () => {
    // An ecology entry, and an economy entry owned by a unit that three plans picked: two units'
    // approved plans in one cycle and a draft in another.
    const bureau = await f.org({ name: '测试统计局' });
    for (const body of [
      entry('TST-LIST-ECL', { category: 'ecology' }),
      entry('TST-LIST-GDP', { category: 'economy', ownerOrgUnitId: bureau.id }),
    ])
      expect((await office.post('/api/indicators', body)).statusCode).toBe(201);
    const picked = treeWith({ code: 'TST-LIST-GDP', version: 1 });
    const [c1, c2] = [await f.cycle({ year: 2043 }), await f.cycle({ year: 2044 })];
    for (const [cycle, status] of [
      [c1, 'approved'],
      [c1, 'approved'],
      [c2, 'draft'],
    ] as const)
      await f.plan({ cycleId: cycle.id, orgUnitId: (await f.org()).id, tree: picked, status });
    const res = await office.get('/api/indicators');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // Economy before ecology (the categories' order).
    expect(body.items.map((i: { code: string }) => i.code)).toEqual(['TST-LIST-GDP', 'TST-LIST-ECL']);
    expect(body.canEdit).toBe(true);
    expect(body.items.find((i: { code: string }) => i.code === 'TST-LIST-GDP')).toMatchObject({
      name: '测试指标按期办结率',
      polarity: 'higher',
      ownerName: '测试统计局',
      version: 1,
      planCount: 3,
    });
    expect(body.items.find((i: { code: string }) => i.code === 'TST-LIST-ECL').planCount).toBe(0);
    const manager = await finManager.login();
    const asManager = (await manager.get('/api/indicators?category=ecology')).json();
    expect(asManager.canEdit).toBe(false);
    expect(asManager.items.map((i: { code: string }) => i.code)).toEqual(['TST-LIST-ECL']);
    expect((await (await citizen.login()).get('/api/indicators')).statusCode).toBe(403);
    expect((await t.anon.get('/api/indicators')).statusCode).toBe(401);
  });

  it('round trip: create, revise into version 2, a plan keeps the version it picked, usage lists it', async () => {
    const created = await office.post('/api/indicators', entry('TST-ROUND'));
    expect(created.statusCode).toBe(201);
    expect(created.json().entry).toMatchObject({ code: 'TST-ROUND', version: 1, status: 'active' });
    expect((await office.post('/api/indicators', entry('TST-ROUND'))).statusCode).toBe(409);
    expect((await (await finManager.login()).post('/api/indicators', entry('TST-OTHER'))).statusCode).toBe(
      403,
    );

    const unit = await f.org();
    const cycle = await f.cycle({ year: 2041 });
    const plan = await f.plan({
      cycleId: cycle.id,
      orgUnitId: unit.id,
      tree: treeWith({ code: 'TST-ROUND', version: 1 }),
      status: 'draft',
    });

    const revised = await office.put('/api/indicators/TST-ROUND', {
      ...entry('TST-ROUND', { definition: '按期办结件数占本期应办结件数的比例（咨询件除外）。' }),
      code: undefined,
      version: 1,
      changeNote: '明确咨询件不计入',
    });
    expect(revised.statusCode).toBe(200);
    expect(revised.json().entry).toMatchObject({
      version: 2,
      status: 'active',
      changeNote: '明确咨询件不计入',
    });
    // A second edit from the old version is stale.
    const stale = await office.put('/api/indicators/TST-ROUND', {
      ...entry('TST-ROUND'),
      code: undefined,
      version: 1,
      changeNote: 'x',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details[0].path).toBe('version');

    // The plan still holds version 1; saving it again keeps the (now superseded) version it had.
    const detail = (await office.get(`/api/plans/${plan.id}`)).json();
    expect(detail.tree[0].children[0].library).toEqual({ code: 'TST-ROUND', version: 1 });
    const resaved = await office.put(`/api/plans/${plan.id}/tree`, {
      tree: detail.tree,
      version: detail.plan.version,
    });
    expect(resaved.statusCode).toBe(200);
    expect(resaved.json().tree[0].children[0].library).toEqual({ code: 'TST-ROUND', version: 1 });

    // Another plan cannot newly pick the superseded version, but picks version 2.
    const other = await f.org();
    const p2 = await f.plan({ cycleId: cycle.id, orgUnitId: other.id, tree: treeWith(), status: 'draft' });
    const p2v = (await office.get(`/api/plans/${p2.id}`)).json().plan.version;
    const refused = await office.put(`/api/plans/${p2.id}/tree`, {
      tree: treeWith({ code: 'TST-ROUND', version: 1 }),
      version: p2v,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details).toEqual([
      { path: 'tree.0.children.0.library', message: 'library indicator TST-ROUND version 1 is superseded' },
    ]);
    const picked = await office.put(`/api/plans/${p2.id}/tree`, {
      tree: treeWith({ code: 'TST-ROUND', version: 2 }),
      version: p2v,
    });
    expect(picked.statusCode).toBe(200);

    const shown = (await office.get('/api/indicators/TST-ROUND')).json();
    expect(shown.entry.version).toBe(2);
    expect(shown.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    expect(shown.versions[1].definition).toBe('按期办结件数占应办结件数的比例。');
    expect(
      shown.usage.items.map((u: { planId: string; version: number; nodeCode: string }) => [
        u.planId,
        u.version,
        u.nodeCode,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [plan.id, 1, 'A1'],
        [p2.id, 2, 'A1'],
      ]),
    );
    expect(shown.usage.counts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cycleId: cycle.id, version: 1, plans: 1 }),
        expect.objectContaining({ cycleId: cycle.id, version: 2, plans: 1 }),
      ]),
    );
    // A manager of another unit reads the library but not those plans.
    const otherManager = await finManager.login();
    const limited = (await otherManager.get('/api/indicators/TST-ROUND')).json();
    expect(limited.usage.items).toEqual([]);
    expect(limited.usage.counts.length).toBe(2);

    // Retire: gone from the list, kept with includeRetired; no longer picked anew.
    expect(
      (await office.post('/api/indicators/TST-ROUND/retire', { version: 1, reason: 'x' })).statusCode,
    ).toBe(409);
    const retired = await office.post('/api/indicators/TST-ROUND/retire', {
      version: 2,
      reason: '并入热线四率',
    });
    expect(retired.json().entry).toMatchObject({ status: 'retired', retiredReason: '并入热线四率' });
    const codes = (q: string) =>
      office.get(`/api/indicators${q}`).then((r) => r.json().items.map((i: { code: string }) => i.code));
    expect(await codes('')).not.toContain('TST-ROUND');
    expect(await codes('?includeRetired=true&q=TST-ROUND')).toEqual(['TST-ROUND']);

    const audit = await rowsOf<{ action: string; n: number }>(
      t.db,
      sql`select action, count(*)::int as n from audit_log where entity_type = 'indicator_definition'
          and entity_id in (select id::text from indicator_library where code = 'TST-ROUND') group by action order by action`,
    );
    expect(audit).toEqual([
      { action: 'indicator.create', n: 1 },
      { action: 'indicator.retire', n: 1 },
      { action: 'indicator.revise', n: 1 },
      { action: 'indicator.supersede', n: 1 },
    ]);
  });

  it('refuses an unknown library reference and a bad rubric, naming the field', async () => {
    const unit = await f.org();
    const cycle = await f.cycle({ year: 2042 });
    const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id, tree: treeWith(), status: 'draft' });
    const v = (await office.get(`/api/plans/${plan.id}`)).json().plan.version;
    const res = await office.put(`/api/plans/${plan.id}/tree`, {
      tree: treeWith({ code: 'NO-SUCH', version: 1 }),
      version: v,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0]).toEqual({
      path: 'tree.0.children.0.library',
      message: 'no library indicator NO-SUCH version 1',
    });
    const bad = await office.post(
      '/api/indicators',
      entry('TST-RUBRIC', {
        measure: 'qualitative',
        rubric: [
          { min: 0, max: 70, label: '差', description: 'a' },
          { min: 60, max: 100, label: '好', description: 'b' },
        ],
      }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([expect.objectContaining({ path: 'rubric.1.min' })]);
  });
});

describe('performance database', () => {
  let a: { id: string };
  let b: { id: string };
  let c: { id: string };
  let managerA: Client;
  let cycles: { id: string }[];
  let nextPlan: string;
  let district: { id: string };

  beforeAll(async () => {
    await office.post('/api/indicators', entry('TST-HIST'));
    const group = 'hist_peers';
    [a, b, c] = [
      await f.org({ peerGroup: group }),
      await f.org({ peerGroup: group }),
      await f.org({ peerGroup: group }),
    ];
    const mA = await f.user([{ role: 'unit_manager', orgUnitId: a.id }]);
    managerA = await mA.login();
    const off = await f.office();
    const reporter = (await f.user([{ role: 'unit_manager', orgUnitId: null }])).actor;
    cycles = [await f.cycle({ year: 2031 }), await f.cycle({ year: 2032 }), await f.cycle({ year: 2033 })];
    const values: Record<string, (number | null)[]> = { a: [4, 5, 6], b: [null, 5.5, 7], c: [null, null, 3] };
    for (const [k, unit] of [
      ['a', a],
      ['b', b],
      ['c', c],
    ] as const)
      for (const [i, cy] of cycles.entries()) {
        const plan = await f.plan({
          cycleId: cy.id,
          orgUnitId: unit.id,
          tree: treeWith({ code: 'TST-HIST', version: 1 }),
        });
        const v = values[k][i];
        if (v !== null)
          await f.values(plan.id, [{ indicatorCode: 'A1', period: String(2031 + i), value: v }], {
            by: reporter,
            verifyAs: off,
          });
      }
    // 2031 and 2032 are published; 2033 is not.
    await t.db.execute(
      sql`update cycles set results_published_at = now() where id in (${cycles[0].id}, ${cycles[1].id})`,
    );
    // The year before, a district with the entry: values verified, results computed and published
    // through the services (the portal's first year, where unit a has no value).
    district = await f.org();
    const c2030 = await f.cycle({ year: 2030, stage: 'planning' });
    const districtPlan = await f.plan({
      cycleId: c2030.id,
      orgUnitId: district.id,
      tree: treeWith({ code: 'TST-HIST', version: 1 }),
    });
    await f.values(districtPlan.id, [{ indicatorCode: 'A1', period: '2030', value: 4.5 }], {
      by: reporter,
      verifyAs: off,
    });
    await f.results(c2030.id, { publish: true });
    const c2034 = await f.cycle({ year: 2034 });
    nextPlan = (
      await f.plan({
        cycleId: c2034.id,
        orgUnitId: a.id,
        tree: treeWith({ code: 'TST-HIST', version: 1 }),
        status: 'draft',
      })
    ).id;
  });

  it("gives an appraisee's multi-year history with its least-squares trend", async () => {
    const h = (await office.get(`/api/performance/history?libraryCode=TST-HIST&orgUnitId=${a.id}`)).json();
    expect(h.annual.map((x: { year: number; value: number }) => [x.year, x.value])).toEqual([
      [2031, 4],
      [2032, 5],
      [2033, 6],
    ]);
    expect(h.trend.slope).toBeCloseTo(1, 9);
    expect(h.trend.projectionYear).toBe(2034);
    expect(h.trend.projection).toBeCloseTo(7, 9);
    // Its own unit's manager sees the unpublished 2033 value too.
    const own = (
      await managerA.get(`/api/performance/history?libraryCode=TST-HIST&orgUnitId=${a.id}`)
    ).json();
    expect(own.annual.length).toBe(3);
  });

  it("never shows another unit's data of an unpublished cycle to a department", async () => {
    const other = await managerA.get(`/api/performance/history?libraryCode=TST-HIST&orgUnitId=${b.id}`);
    expect(other.statusCode).toBe(200);
    expect(other.json().points.map((p: { period: string; value: number }) => [p.period, p.value])).toEqual([
      ['2032', 5.5],
    ]);
    const peers = (
      await managerA.get(
        `/api/performance/peers?libraryCode=TST-HIST&cycleId=${cycles[2].id}&peerGroup=hist_peers`,
      )
    ).json();
    expect(peers).toMatchObject({ withheld: 'unpublished', values: [], quartiles: null, best: null });
    expect(
      (await (await citizen.login()).get(`/api/performance/history?libraryCode=TST-HIST&orgUnitId=${a.id}`))
        .statusCode,
    ).toBe(403);
  });

  it('computes peer quartiles (type 7) and the best performer', async () => {
    const peers = (
      await office.get(
        `/api/performance/peers?libraryCode=TST-HIST&cycleId=${cycles[2].id}&peerGroup=hist_peers`,
      )
    ).json();
    // Values 3, 6, 7: q1 = 3 + 0.5 × 3 = 4.5, median 6, q3 = 6 + 0.5 × 1 = 6.5.
    expect(peers.quartiles).toEqual({ n: 3, min: 3, q1: 4.5, median: 6, q3: 6.5, max: 7 });
    expect(peers.best.planId).toBeDefined();
    expect(peers.best.value).toBe(7);
    expect(peers.withheld).toBeNull();
  });

  it('offers a target aid for a leaf: baseline, projection, peers of the latest published cycle', async () => {
    const aid = (await managerA.get(`/api/plans/${nextPlan}/target-aid?code=A1`)).json();
    expect(aid.leaf).toMatchObject({
      code: 'A1',
      library: { code: 'TST-HIST', version: 1 },
      polarity: 'higher',
    });
    expect(aid.suggestion.baseline).toBe(6);
    expect(aid.suggestion.projection).toBeCloseTo(7, 9);
    // Latest earlier published cycle: 2032 (2033 is not published): values 5 and 5.5.
    expect(aid.peers.cycleId).toBe(cycles[1].id);
    expect(aid.peers.quartiles).toMatchObject({ n: 2, median: 5.25 });
    expect(aid.suggestion.peerUpperQuartile).toBeCloseTo(5.375, 9);
    expect(aid.suggestion.best).toBe(5.5);
    expect(
      (await (await finManager.login()).get(`/api/plans/${nextPlan}/target-aid?code=A1`)).statusCode,
    ).toBe(403);
  });

  it('shows the portal year over year from published cycles only', async () => {
    const res = await t.anon.get(`/api/public/orgs/${a.id}/indicator-history`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const years = body.cycles.map((x: { year: number }) => x.year);
    expect(years).toEqual([2030, 2031, 2032]);
    const row = body.indicators.find((i: { key: string }) => i.key === 'TST-HIST');
    expect(row.values).toEqual([null, 4, 5]);
    expect(row.yoy).toEqual({ change: 1, relative: 0.25, improved: true });
  });

  it('shows a district its values next to the library (a cycle published through the services)', async () => {
    const body = (await t.anon.get(`/api/public/orgs/${district.id}/indicator-history`)).json();
    const row = body.indicators.find((i: { key: string }) => i.key === 'TST-HIST');
    expect(row.values[0]).toBe(4.5);
    expect(body.totals[0].total).toEqual(expect.any(Number));
  });
});
