import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;

beforeAll(async () => {
  t = await buildTestApp();
  office = await t.as('office');
});
afterAll(async () => t.close());

describe('ratings', () => {
  it('lets a rater score own tasks once; the database keeps one rating under concurrent submissions', async () => {
    const leader = await t.as('leader01');
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
    const leader = await t.as('leader01');
    // An open task of the term cycle, which is in evaluation.
    const task = (await leader.get('/api/ratings/tasks'))
      .json()
      .items.find(
        (x: { subjectType: string; rated: unknown[] }) =>
          x.subjectType === 'superior' && x.rated.length === 0,
      );
    const citizen = await t.as('citizen01');
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
    // edu.head rating the term plan that appraises edu.head: a conflict of interest.
    const orgs = (await office.get('/api/orgs')).json().items;
    const edu = orgs.find((o: { code: string }) => o.code === 'edu');
    const own = (await office.get(`/api/plans?cycleId=${task.cycleId}&orgUnitId=${edu.id}`)).json().items[0];
    const head = await t.as('edu.head');
    const self = await head.post(`/api/plans/${own.id}/ratings`, {
      indicatorCode: 'DE',
      subjectType: 'peer',
      score: 100,
    });
    expect(self.statusCode).toBe(403);
    expect(self.json().message).toMatch(/Self-rating/);
  });

  it('keeps individual ratings from the appraisee and from units (office only)', async () => {
    const plans = (await office.get('/api/plans?appraiseeType=cadre')).json().items;
    const manager = await t.as('edu.manager');
    expect((await manager.get(`/api/plans/${plans[0].id}/ratings`)).statusCode).toBe(403);
  });
});
