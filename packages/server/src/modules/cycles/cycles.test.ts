import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
beforeAll(async () => {
  t = await buildTestApp();
  office = await t.as('office');
});
afterAll(async () => t.close());

const newCycle = {
  code: '2027-annual',
  name: '2027年度综合考核',
  nameEn: '2027 Annual',
  type: 'annual',
  periodStart: '2027-01-01',
  periodEnd: '2027-12-31',
};

describe('cycles', () => {
  it('lists the demo cycles with their links', async () => {
    const res = await office.get('/api/cycles');
    const byCode = Object.fromEntries(
      res.json().items.map((c: { code: string; stage: string }) => [c.code, c.stage]),
    );
    expect(byCode).toMatchObject({
      '2025-annual': 'results',
      '2021-2025-term': 'evaluation',
      '2026-annual': 'planning',
    });
  });

  it('creates a cycle in mission analysis and moves it forward one link at a time', async () => {
    const created = await office.post('/api/cycles', newCycle);
    expect(created.statusCode).toBe(201);
    const id = created.json().cycle.id;
    expect(created.json().cycle.stage).toBe('mission_analysis');

    const skip = await office.post(`/api/cycles/${id}/transition`, { to: 'execution' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().details[0]).toMatchObject({ path: 'to', message: 'next stage is planning' });

    expect((await office.post(`/api/cycles/${id}/transition`, { to: 'planning' })).json().cycle.stage).toBe(
      'planning',
    );

    const backWithoutReason = await office.post(`/api/cycles/${id}/transition`, { to: 'mission_analysis' });
    expect(backWithoutReason.statusCode).toBe(400);
    expect(backWithoutReason.json().details).toEqual([{ path: 'reason', message: 'required' }]);

    const back = await office.post(`/api/cycles/${id}/transition`, {
      to: 'mission_analysis',
      reason: '需补充需求调研',
    });
    expect(back.statusCode).toBe(200);
    const detail = await office.get(`/api/cycles/${id}`);
    expect(detail.json().transitions.map((x: { toStage: string }) => x.toStage)).toEqual([
      'planning',
      'mission_analysis',
    ]);
  });

  it('refuses a duplicate code with 409 naming the field', async () => {
    const res = await office.post('/api/cycles', { ...newCycle, code: '2025-annual' });
    expect(res.statusCode).toBe(409);
    expect(res.json().details).toEqual([{ path: 'code', message: 'taken' }]);
  });

  it('names every bad field and writes nothing', async () => {
    const before = (await office.get('/api/cycles')).json().items.length;
    const res = await office.post('/api/cycles', {
      code: '',
      name: 'x',
      type: 'weekly',
      periodStart: '2027-13-01',
      periodEnd: 'soon',
    });
    expect(res.statusCode).toBe(400);
    const paths = res
      .json()
      .details.map((d: { path: string }) => d.path)
      .sort();
    expect(paths).toEqual(['code', 'periodEnd', 'periodStart', 'type']);
    const reversed = await office.post('/api/cycles', {
      ...newCycle,
      code: 'rev',
      periodStart: '2027-12-31',
      periodEnd: '2027-01-01',
    });
    expect(reversed.json().details).toEqual([
      { path: 'periodEnd', message: 'must not be before periodStart' },
    ]);
    expect((await office.get('/api/cycles')).json().items.length).toBe(before);
  });

  it('lets only the performance office create or move cycles', async () => {
    const manager = await t.as('edu.manager');
    expect((await manager.post('/api/cycles', { ...newCycle, code: 'm' })).statusCode).toBe(403);
    const cycles = (await manager.get('/api/cycles')).json().items;
    expect((await manager.post(`/api/cycles/${cycles[0].id}/transition`, { to: 'closed' })).statusCode).toBe(
      403,
    );
    expect((await t.anon.get('/api/cycles')).statusCode).toBe(401);
  });
});
