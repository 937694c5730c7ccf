import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helper';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

describe('org units and people', () => {
  it('has the demo city: a government, 30 departments, 8 districts in peer groups', async () => {
    const office = await t.as('office');
    const items = (await office.get('/api/orgs')).json().items as {
      kind: string;
      peerGroup: string | null;
    }[];
    expect(items.filter((o) => o.kind === 'government')).toHaveLength(1);
    expect(items.filter((o) => o.kind === 'district')).toHaveLength(8);
    expect(items.filter((o) => o.kind === 'department' && o.peerGroup)).toHaveLength(30);
    expect(new Set(items.map((o) => o.peerGroup).filter(Boolean))).toEqual(
      new Set(['economic', 'social', 'regulatory', 'comprehensive', 'urban_district', 'county']),
    );
  });

  it('lists cadres with positions and terms, per unit', async () => {
    const office = await t.as('office');
    const all = (await office.get('/api/people')).json().items;
    expect(all).toHaveLength(152);
    const edu = (await office.get('/api/orgs')).json().items.find((o: { code: string }) => o.code === 'edu');
    const eduPeople = (await office.get(`/api/people?orgUnitId=${edu.id}`)).json().items;
    expect(eduPeople).toHaveLength(4);
    expect(eduPeople[0]).toMatchObject({
      position: '局长（主任）',
      termStart: '2021-06-01',
      termEnd: '2026-05-31',
    });
  });

  it('refuses a malformed filter with 400', async () => {
    const office = await t.as('office');
    const res = await office.get('/api/people?orgUnitId=not-a-uuid');
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('orgUnitId');
  });
});
