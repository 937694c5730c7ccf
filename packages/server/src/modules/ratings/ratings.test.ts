import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { cadreTree } from '../plans/templates';

let t: TestApp;
let office: Client;
/** Term plans of two cadres in evaluation, each with a superior task of the leader; the first appraises the head. */
let planId: string;
let otherPlanId: string;
let unitId: string;
let cycleId: string;
let leaderUser: FactoryUser;
let headUser: FactoryUser;
let citizenUser: FactoryUser;
let managerUser: FactoryUser;
let f: Factory;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t, 'rat');
  office = await (await f.user([{ role: 'office' }])).login();
  const unit = await f.org();
  headUser = await f.user([{ role: 'appraisee', orgUnitId: unit.id }]);
  managerUser = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  leaderUser = await f.user([{ role: 'evaluator' }]);
  citizenUser = await f.user([{ role: 'public' }]);
  unitId = unit.id;
  const other = await f.org();
  const head = await f.person({ orgUnitId: unit.id, userId: headUser.id });
  const otherHead = await f.person({ orgUnitId: other.id });
  const cycle = await f.cycle({ type: 'term', stage: 'planning' });
  cycleId = cycle.id;
  planId = (await f.plan({ cycleId, orgUnitId: unit.id, personId: head.id, tree: cadreTree() })).id;
  otherPlanId = (await f.plan({ cycleId, orgUnitId: other.id, personId: otherHead.id, tree: cadreTree() }))
    .id;
  await f.stage(cycleId, 'evaluation');
  const assigned = await f.tasks({
    cycleId,
    planIds: [planId, otherPlanId],
    subjectType: 'superior',
    raterIds: [leaderUser.id],
  });
  expect(assigned).toEqual({ created: 2, skipped: [] });
});
afterAll(async () => t.close());

describe('ratings', () => {
  it('lets a rater score own tasks once; the database keeps one rating under concurrent submissions', async () => {
    const leader = await leaderUser.login();
    const tasks = (await leader.get('/api/ratings/tasks')).json().items;
    const task = tasks.find(
      (x: { subjectType: string; rated: unknown[]; cycleId: string }) =>
        x.subjectType === 'superior' && x.rated.length === 0,
    );
    expect(task).toBeDefined();
    const body = { indicatorCode: 'DE', subjectType: 'superior', score: 91 };
    const all = await Promise.all(
      Array.from({ length: 8 }, () => leader.post(`/api/plans/${task.planId}/ratings`, body)),
    );
    expect(all.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(all.find((r) => r.statusCode === 409)!.json().error).toBe('already_rated');
    const stored = (await office.get(`/api/plans/${task.planId}/ratings`)).json().items;
    expect(
      stored.filter(
        (r: { indicatorCode: string; subjectType: string }) =>
          r.indicatorCode === 'DE' && r.subjectType === 'superior',
      ),
    ).toHaveLength(1);
  });

  it('refuses ratings without a task, self-ratings, subjects the indicator does not use, and bad scores', async () => {
    const leader = await leaderUser.login();
    // An open task of the term cycle, which is in evaluation.
    const task = (await leader.get('/api/ratings/tasks'))
      .json()
      .items.find(
        (x: { subjectType: string; rated: unknown[] }) =>
          x.subjectType === 'superior' && x.rated.length === 0,
      );
    const citizen = await citizenUser.login();
    expect(
      (
        await citizen.post(`/api/plans/${task.planId}/ratings`, {
          indicatorCode: 'DE',
          subjectType: 'superior',
          score: 80,
        })
      ).statusCode,
    ).toBe(403);
    const notUsed = await leader.post(`/api/plans/${task.planId}/ratings`, {
      indicatorCode: 'DE',
      subjectType: 'expert',
      score: 80,
    });
    expect(notUsed.statusCode).toBe(403);
    const badScore = await leader.post(`/api/plans/${task.planId}/ratings`, {
      indicatorCode: 'NENG',
      subjectType: 'superior',
      score: 130,
    });
    expect(badScore.statusCode).toBe(400);
    expect(badScore.json().details[0].path).toBe('score');
    // The head rating the term plan that appraises the head: a conflict of interest.
    expect(task.cycleId).toBe(cycleId);
    const own = (await office.get(`/api/plans?cycleId=${task.cycleId}&orgUnitId=${unitId}`)).json().items[0];
    expect(own.id).toBe(planId);
    const head = await headUser.login();
    const self = await head.post(`/api/plans/${own.id}/ratings`, {
      indicatorCode: 'DE',
      subjectType: 'peer',
      score: 100,
    });
    expect(self.statusCode).toBe(403);
    expect(self.json().message).toMatch(/Self-rating/);
  });

  it('offers rating (`can.rate`) exactly while the server accepts ratings: in evaluation, not published', async () => {
    const leader = await leaderUser.login();
    const other = async () =>
      (await leader.get('/api/ratings/tasks'))
        .json()
        .items.find((x: { planId: string }) => x.planId === otherPlanId) as { can: { rate: boolean } };
    const rate = (score: number) =>
      leader.post(`/api/plans/${otherPlanId}/ratings`, {
        indicatorCode: 'NENG',
        subjectType: 'superior',
        score,
      });
    // Past evaluation: not offered, and refused.
    await f.stage(cycleId, 'feedback');
    expect((await other()).can).toEqual({ rate: false });
    const late = await rate(80);
    expect(late.statusCode).toBe(409);
    expect(late.json().details).toEqual([{ path: 'cycle', message: 'not in evaluation' }]);
    // Back in evaluation: offered, and accepted.
    await f.stage(cycleId, 'evaluation');
    expect((await other()).can).toEqual({ rate: true });
    expect((await rate(80)).statusCode).toBe(201);
  });

  it('keeps individual ratings from the appraisee and from units (office only)', async () => {
    const plans = (await office.get('/api/plans?appraiseeType=cadre')).json().items;
    expect(plans.map((p: { id: string }) => p.id).sort()).toEqual([planId, otherPlanId].sort());
    const manager = await managerUser.login();
    expect((await manager.get(`/api/plans/${plans[0].id}/ratings`)).statusCode).toBe(403);
  });
});
