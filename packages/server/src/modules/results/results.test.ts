import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { sealAudit } from '../audit/service';
import { factory, type Factory, VETO_TREE } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let f: Factory;
let office: Client;
let annualId: string;
/** The appraisees built below: six units in one peer group (one vetoed) and two cadres. */
let appraisees: number;
let vetoedName: string;

interface Result {
  id: string;
  planId: string;
  appraiseeType: string;
  appraiseeName: string;
  peerGroup: string;
  total: number;
  grade: string;
  rank: number;
  peerGroupSize: number;
  veto: { triggered: boolean; codes: string[] };
  breakdown: { contribution: number; kind: string; children?: { contribution: number; kind: string }[] }[];
}

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t, 'results');
  const officeActor = await f.office();
  const verifier = (await f.user([{ role: 'verifier' }])).actor;
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  annualId = cycle.id;
  const report = (planId: string, a1: number, a2: number) =>
    f.values(
      planId,
      [
        { indicatorCode: 'A1', period: '2031', value: a1 },
        { indicatorCode: 'A2', period: '2031', value: a2 },
      ],
      { by: officeActor, verifyAs: verifier },
    );
  // Five units all excellent by score (≥ 90: A1 at 100 … 92 with no accident), so the 20% quota of
  // their peer group of six must cap them; the sixth has a major accident: 79.2 by score, vetoed.
  const units = [];
  for (const a1 of [100, 98, 96, 94, 92]) {
    const unit = await f.org();
    units.push(unit);
    await report((await f.plan({ cycleId: cycle.id, orgUnitId: unit.id, tree: VETO_TREE })).id, a1, 0);
  }
  vetoedName = '测试区人民政府 results';
  const vetoed = await f.org({ name: vetoedName });
  await report((await f.plan({ cycleId: cycle.id, orgUnitId: vetoed.id, tree: VETO_TREE })).id, 99, 1);
  // Two cadres: another appraisee type, graded in its own group.
  for (const [i, a1] of [85, 70].entries()) {
    const person = await f.person({ orgUnitId: units[i].id });
    const plan = await f.plan({
      cycleId: cycle.id,
      orgUnitId: units[i].id,
      personId: person.id,
      tree: VETO_TREE,
    });
    await report(plan.id, a1, 0);
  }
  appraisees = 8;
  await f.stage(cycle.id, 'evaluation');
  office = await (await f.user([{ role: 'office' }])).login();
  // The set-up's entries sealed, as the platform's sealer does (the demo city seals after its seed): a
  // deleted entry then breaks its seal's numbers.
  expect(await sealAudit(t.db)).toBeGreaterThan(50);
});
afterAll(async () => t.close());

describe('computing results', () => {
  it('returns a score, grade, rank and breakdown for every appraisee of the annual cycle', async () => {
    const res = await office.post(`/api/cycles/${annualId}/compute?wait=true`);
    expect(res.statusCode).toBe(200);
    const items: Result[] = res.json().items;
    expect(items).toHaveLength(appraisees);
    for (const r of items) {
      expect(r.total).toBeGreaterThanOrEqual(0);
      expect(['excellent', 'good', 'qualified', 'basically_qualified', 'unqualified']).toContain(r.grade);
      expect(r.rank).toBeGreaterThanOrEqual(1);
      expect(r.rank).toBeLessThanOrEqual(r.peerGroupSize);
      // The breakdown explains the total: first-level contributions (bonus +, deduction −) sum back to it.
      const detail = (await office.get(`/api/results/${r.id}`)).json();
      expect(detail.result.stale).toBe(false);
      const sum = (detail.breakdown as Result['breakdown']).reduce((s, n) => s + n.contribution, 0);
      expect(sum).toBeCloseTo(r.total, 6);
    }
  });

  it('caps excellent at 20% of each peer group and applies the veto of a major accident', async () => {
    const items: Result[] = (await office.get(`/api/cycles/${annualId}/results`)).json().items;
    const groups = new Map<string, Result[]>();
    for (const r of items)
      groups.set(`${r.appraiseeType}:${r.peerGroup}`, [
        ...(groups.get(`${r.appraiseeType}:${r.peerGroup}`) ?? []),
        r,
      ]);
    for (const list of groups.values()) {
      expect(list.filter((r) => r.grade === 'excellent').length).toBeLessThanOrEqual(
        Math.floor(list.length * 0.2),
      );
    }
    // The cap bites: five units of six are excellent by score, one (20% of six, rounded down) keeps it.
    const unitsGroup = items.filter((r) => r.appraiseeType === 'unit');
    expect(unitsGroup).toHaveLength(6);
    expect(unitsGroup.filter((r) => r.total >= 90)).toHaveLength(5);
    expect(unitsGroup.filter((r) => r.grade === 'excellent')).toHaveLength(1);
    const vetoed = items.find((r) => r.appraiseeName === vetoedName)!;
    expect(vetoed.veto).toMatchObject({ triggered: true, codes: ['A2'] });
    expect(vetoed.grade).toBe('unqualified');
    const detail = (await office.get(`/api/results/${vetoed.id}`)).json();
    const a2 = detail.breakdown
      .find((n: { code: string }) => n.code === 'A')
      .children.find((n: { code: string }) => n.code === 'A2');
    expect(a2).toMatchObject({ value: 1, attainment: 0 });
  });

  it('keeps unpublished results of another unit hidden and shows published ones on the portal', async () => {
    await t.db.execute(sql`update cycles set results_published_at = now() where id = ${annualId}`);
    const items: Result[] = (await t.anon.get(`/api/public/results?cycleId=${annualId}`)).json().items;
    expect(items).toHaveLength(appraisees);
    const created = await office.post('/api/cycles', {
      code: 'hidden',
      name: '测试',
      type: 'annual',
      periodStart: '2024-01-01',
      periodEnd: '2024-12-31',
    });
    const hidden = created.json().cycle.id;
    expect((await t.anon.get(`/api/public/results?cycleId=${hidden}`)).json().items).toEqual([]);
    const one = (await t.anon.get(`/api/public/results/${items[0].id}`)).json();
    expect(one.breakdown.length).toBeGreaterThan(0);
    expect((await office.post(`/api/cycles/${hidden}/compute?wait=true`)).statusCode).toBe(409);
  });
});

const auditEntries = async () =>
  (await rowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log`))[0].n;

describe('audit', () => {
  it('verifies the chain, then detects a score edited behind the platform’s back', async () => {
    const entries = await auditEntries();
    // The set-up above wrote well over the entries the next test forges (seq 5 and 10).
    expect(entries).toBeGreaterThan(50);
    const ok = (await office.get('/api/audit/verify')).json();
    expect(ok).toMatchObject({ ok: true, problems: [] });
    expect(ok.checked).toBeGreaterThanOrEqual(entries);
    await t.db.execute(
      sql`update results set total = total + 5 where id = (select id from results order by total limit 1)`,
    );
    const bad = (await office.get('/api/audit/verify')).json();
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([
      expect.objectContaining({ kind: 'entity_changed', message: expect.stringMatching(/^result:/) }),
    ]);
  });

  it('detects a changed and a deleted audit entry', async () => {
    await t.db.execute(sql`update audit_log set data = '{"forged": true}' where seq = 5`);
    await t.db.execute(sql`delete from audit_log where seq = 10`);
    const bad = (await office.get('/api/audit/verify')).json();
    const kinds = bad.problems.map((p: { kind: string }) => p.kind);
    expect(kinds).toContain('hash');
    expect(kinds).toContain('sequence');
    expect(kinds).toContain('chain');
  });

  it('lists the log to the office only', async () => {
    const entries = await auditEntries();
    const page = (await office.get('/api/audit?limit=5')).json();
    expect(page.items).toHaveLength(5);
    expect(page.total).toBeGreaterThanOrEqual(entries);
    const unit = await f.org();
    const manager = await (await f.user([{ role: 'unit_manager', orgUnitId: unit.id }])).login();
    expect((await manager.get('/api/audit')).statusCode).toBe(403);
    expect((await manager.get('/api/audit/verify')).statusCode).toBe(403);
  });
});
