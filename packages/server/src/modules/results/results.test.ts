import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
let annualId: string;

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
  t = await buildTestApp();
  // The demo publishes 2025, which freezes its inputs (results/publication.test.ts): this file
  // works on an unpublished copy of it.
  await t.db.execute(sql`update cycles set results_published_at = null where code = '2025-annual'`);
  office = await t.as('office');
  annualId = (await office.get('/api/cycles'))
    .json()
    .items.find((c: { code: string }) => c.code === '2025-annual').id;
});
afterAll(async () => t.close());

describe('computing results', () => {
  it('returns a score, grade, rank and breakdown for every appraisee of the annual cycle', async () => {
    const res = await office.post(`/api/cycles/${annualId}/compute?wait=true`);
    expect(res.statusCode).toBe(200);
    const items: Result[] = res.json().items;
    expect(items).toHaveLength(190);
    for (const r of items) {
      expect(r.total).toBeGreaterThanOrEqual(0);
      expect(['excellent', 'good', 'qualified', 'basically_qualified', 'unqualified']).toContain(r.grade);
      expect(r.rank).toBeGreaterThanOrEqual(1);
      expect(r.rank).toBeLessThanOrEqual(r.peerGroupSize);
      // The breakdown explains the total: first-level contributions (bonus +, deduction −) sum back to it.
      if (items.indexOf(r) % 5) continue; // a sample: trees.test.ts explains them all
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
    const beishan = items.find((r) => r.appraiseeName === '北山区人民政府')!;
    expect(beishan.veto).toMatchObject({ triggered: true, codes: ['D3'] });
    expect(beishan.grade).toBe('unqualified');
    const detail = (await office.get(`/api/results/${beishan.id}`)).json();
    const d3 = detail.breakdown
      .find((n: { code: string }) => n.code === 'D')
      .children.find((n: { code: string }) => n.code === 'D3');
    expect(d3).toMatchObject({ value: 1, attainment: 0 });
  });

  it('keeps unpublished results of another unit hidden and shows published ones on the portal', async () => {
    await t.db.execute(sql`update cycles set results_published_at = now() where id = ${annualId}`);
    const items: Result[] = (await t.anon.get(`/api/public/results?cycleId=${annualId}`)).json().items;
    expect(items).toHaveLength(190);
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

describe('audit', () => {
  it('verifies the chain, then detects a score edited behind the platform’s back', async () => {
    const ok = (await office.get('/api/audit/verify')).json();
    expect(ok).toMatchObject({ ok: true, problems: [] });
    expect(ok.checked).toBeGreaterThan(1000);
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
    const page = (await office.get('/api/audit?limit=5')).json();
    expect(page.items).toHaveLength(5);
    expect(page.total).toBeGreaterThan(1000);
    const manager = await t.as('edu.manager');
    expect((await manager.get('/api/audit')).statusCode).toBe(403);
    expect((await manager.get('/api/audit/verify')).statusCode).toBe(403);
  });
});
