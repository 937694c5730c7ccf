import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '@perfcommons/contracts';
import { factory, type Factory, type FactoryCycle, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let f: Factory;
let office: Client;
let manager: FactoryUser;
let inEvaluation: FactoryCycle;
let inPlanning: FactoryCycle;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own cycles, unit and accounts (test/factories.ts), not the demo city's.
  f = factory(t, 'cycles');
  office = await (await f.user([{ role: 'office' }])).login();
  manager = await f.user([{ role: 'unit_manager', orgUnitId: (await f.org()).id }]);
  inEvaluation = await f.cycle({ year: 2030, stage: 'evaluation' });
  inPlanning = await f.cycle({ year: 2031, stage: 'planning' });
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
  it('lists the cycles with their links and what the user may do with them', async () => {
    const res = await office.get('/api/cycles');
    const byCode = Object.fromEntries(
      res.json().items.map((c: { code: string; stage: string }) => [c.code, c.stage]),
    );
    expect(byCode).toMatchObject({ [inEvaluation.code]: 'evaluation', [inPlanning.code]: 'planning' });
    const can = { transition: true, computeResults: true, publish: true, editRules: true };
    for (const c of res.json().items as { can: object }[]) expect(c.can).toMatchObject(can);
    const byId = (id: string) => res.json().items.find((c: { id: string }) => c.id === id).can;
    expect(byId(inPlanning.id)).toMatchObject({ setUpPlans: true, publishResults: false });
    expect(byId(inEvaluation.id)).toMatchObject({ setUpPlans: false, publishResults: false });
    const theirs = (await (await manager.login()).get(`/api/cycles/${inPlanning.id}`)).json().cycle;
    expect(theirs.can).toEqual({
      transition: false,
      computeResults: false,
      publish: false,
      editRules: false,
      setUpPlans: false,
      publishResults: false,
    });
    // The link a forward move goes to comes from the server too (the console computes no stage order).
    expect(theirs.nextStage).toBe('execution');
    expect(res.json().items.find((c: { id: string }) => c.id === inEvaluation.id).nextStage).toBe('feedback');
    // And the link a move back goes to.
    expect(theirs.previousStage).toBe('mission_analysis');
    expect(res.json().items.find((c: { id: string }) => c.id === inEvaluation.id).previousStage).toBe(
      'execution',
    );
  });

  it('offers plan set-up (`can.setUpPlans`) exactly in the links where the server accepts it', async () => {
    const them = await manager.login();
    const bulk = (c: Client, cycleId: string) =>
      c.post('/api/plans/bulk', {
        cycleId,
        target: { appraiseeType: 'unit' },
        source: { kind: 'template', template: 'department-annual' },
      });
    for (const [i, stage] of STAGES.entries()) {
      const c = await f.cycle({ year: 2040 + i, stage });
      const can = (await office.get(`/api/cycles/${c.id}`)).json().cycle.can.setUpPlans;
      expect(can, stage).toBe(stage === 'mission_analysis' || stage === 'planning');
      const res = await bulk(office, c.id);
      expect(res.statusCode, `${stage}: ${res.body}`).toBe(can ? 200 : 409);
      if (!can) expect(res.json().error).toBe('wrong_stage');
      // The unit manager is offered it nowhere and refused everywhere.
      expect((await them.get(`/api/cycles/${c.id}`)).json().cycle.can.setUpPlans).toBe(false);
      expect((await bulk(them, c.id)).statusCode).toBe(403);
    }
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
    const res = await office.post('/api/cycles', { ...newCycle, code: inEvaluation.code });
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
    const unit = await manager.login();
    expect((await unit.post('/api/cycles', { ...newCycle, code: 'm' })).statusCode).toBe(403);
    expect((await unit.post(`/api/cycles/${inPlanning.id}/transition`, { to: 'execution' })).statusCode).toBe(
      403,
    );
    expect((await t.anon.get('/api/cycles')).statusCode).toBe(401);
  });
});
