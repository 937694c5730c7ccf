import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { factory, SMALL_TREE, type Factory, type FactoryUser } from '../../../test/factories';
import { assignTasks } from '../evaluation/service';

/** The small tree plus a leaf rated by superiors (no reported value). */
const RATED_TREE: IndicatorNodeInput[] = [
  { ...SMALL_TREE[0], weight: 70 },
  {
    code: 'B',
    name: '领导评价',
    nameEn: 'Leaders’ evaluation',
    weight: 30,
    children: [
      {
        code: 'B1',
        name: '工作作风',
        nameEn: 'Work style',
        weight: 100,
        rule: { type: 'rating' },
        subjects: [{ type: 'superior', weight: 100 }],
      },
    ],
  },
];

let t: TestApp;
let f: Factory;
let unit: { id: string };
let cycle: { id: string };
let plan: { id: string };
let manager: FactoryUser;
let verifier: FactoryUser;
let rater: FactoryUser;

const todo = async (u: FactoryUser | 'office') => {
  const c = u === 'office' ? await t.as((await officeUser()).username) : await u.login();
  const res = await c.get('/api/todo');
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
let office: FactoryUser | undefined;
const officeUser = async () => (office ??= await f.user([{ role: 'office' }]));

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  unit = await f.org();
  manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  verifier = await f.user([{ role: 'verifier', orgUnitId: unit.id }]);
  rater = await f.user([{ role: 'evaluator' }]);
  cycle = await f.cycle({ stage: 'planning', year: 2032 });
  plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id, tree: RATED_TREE });
  await f.stage(cycle.id, 'execution');
});
afterAll(async () => t.close());

describe('GET /todo', () => {
  it('a unit manager sees the values due by plan, period and deadline; no verify or stage sections', async () => {
    const mine = await todo(manager);
    expect(mine.verify).toBeUndefined();
    expect(mine.stages).toBeUndefined();
    const due = mine.valuesDue.items.filter((i: { planId: string }) => i.planId === plan.id);
    // No reporting calendar: one period, the cycle's year, due on its last day; B1 is rated, not reported.
    expect(due).toEqual([
      expect.objectContaining({
        period: '2032',
        deadline: '2032-12-31',
        missing: ['A1', 'A2'],
        rejected: [],
      }),
    ]);
    expect(due[0].daysLeft).toBeGreaterThan(0);
    expect(mine.comments).toEqual({ total: 0, items: [] });
  });

  it('a reported value leaves the manager’s list and enters the verifier’s queue; a rejection comes back', async () => {
    const [a1] = await f.values(plan.id, [{ indicatorCode: 'A1', period: '2032', value: 5 }], {
      by: manager.actor,
    });
    expect(
      (await todo(manager)).valuesDue.items.find((i: { planId: string }) => i.planId === plan.id).missing,
    ).toEqual(['A2']);
    const queue = (await todo(verifier)).verify;
    expect(queue.items).toEqual([expect.objectContaining({ planId: plan.id, count: 1 })]);
    expect(queue.total).toBe(1);
    expect((await todo(verifier)).valuesDue).toBeUndefined();

    const v = await verifier.login();
    const rejected = await v.post(`/api/values/${a1.id}/verify`, {
      decision: 'rejected',
      reason: '口径不符',
      version: a1.version,
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    const item = (await todo(manager)).valuesDue.items.find((i: { planId: string }) => i.planId === plan.id);
    expect(item).toMatchObject({ missing: ['A2'], rejected: ['A1'] });
    expect((await todo(verifier)).verify).toEqual({ total: 0, items: [] });
  });

  it('a rater sees the tasks left to rate, open once the cycle is in evaluation', async () => {
    expect((await todo(rater)).ratings).toEqual({ total: 0, items: [] });
    await assignTasks(t.db, await f.office(), {
      cycleId: cycle.id,
      planIds: [plan.id],
      subjectType: 'superior',
      raterIds: [rater.id],
    });
    const before = (await todo(rater)).ratings;
    expect(before.items).toEqual([
      expect.objectContaining({
        planId: plan.id,
        subjectType: 'superior',
        indicators: 1,
        rated: 0,
        open: false,
      }),
    ]);
    await f.stage(cycle.id, 'evaluation');
    const c = await rater.login();
    const rated = await c.post(`/api/plans/${plan.id}/ratings`, {
      indicatorCode: 'B1',
      subjectType: 'superior',
      score: 88,
    });
    expect(rated.statusCode, rated.body).toBeLessThan(300);
    expect((await todo(rater)).ratings).toEqual({ total: 0, items: [] });
  });

  it('the office sees each running cycle’s next move with the transition’s checklist, and appeals', async () => {
    // An appeal pending on a published result of another cycle, for the office to decide.
    const annual = await f.cycle({ stage: 'planning', year: 2033 });
    const published = await f.plan({ cycleId: annual.id, orgUnitId: unit.id });
    await f.stage(annual.id, 'execution');
    await f.values(
      published.id,
      [
        { indicatorCode: 'A1', period: '2033', value: 5 },
        { indicatorCode: 'A2', period: '2033', value: 80 },
      ],
      { by: manager.actor, verifyAs: await f.office() },
    );
    await f.results(annual.id, { publish: true });
    const officeClient = await (await officeUser()).login();
    const result = (await officeClient.get(`/api/cycles/${annual.id}/results`))
      .json()
      .items.find((r: { planId: string }) => r.planId === published.id);
    const appellant = await manager.login();
    const filed = await appellant.post(`/api/results/${result.id}/appeals`, {
      indicatorCode: 'A2',
      reason: '数据未计入',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const mine = await todo('office');
    expect(mine.valuesDue).toBeUndefined();
    const stage = mine.stages.items.find((s: { cycleId: string }) => s.cycleId === cycle.id);
    expect(stage).toMatchObject({ stage: 'evaluation', to: 'feedback' });
    // The same checklist as the transition check of the cycles module.
    const office = await t.as((await officeUser()).username);
    const check = (await office.get(`/api/cycles/${cycle.id}/transition-check`)).json();
    expect(stage.checklist).toEqual(check.checklist);
    expect(stage.failing).toBe(check.checklist.filter((c: { ok: boolean }) => !c.ok).length);
    expect(mine.appeals.items.map((a: { id: string }) => a.id)).toContain(filed.json().appeal.id);
    expect(mine.appeals.items.every((a: { decide: boolean }) => a.decide)).toBe(true);
    expect(mine.ratings).toBeUndefined();
  });

  it('anonymous callers get 401', async () => {
    expect((await t.anon.get('/api/todo')).statusCode).toBe(401);
  });
});
