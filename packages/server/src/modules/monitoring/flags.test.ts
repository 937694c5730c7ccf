import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actualValues, cycles, indicatorNodes, plans } from '../../db/schema';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { cycleOf, planOf } from './test-util';

let t: TestApp;
let office: Client;
let planId: string;
let cycleId: string;

beforeAll(async () => {
  t = await buildTestApp();
  // The demo publishes 2025, which freezes its inputs (results/publication.test.ts): this file
  // works on an unpublished copy of it.
  await t.db.execute(sql`update cycles set results_published_at = null where code = '2025-annual'`);
  office = await t.as('office');
  cycleId = await cycleOf(office, '2025-annual');
  planId = await planOf(office, '2025-annual', 'edu');
});
afterAll(async () => t.close());

type Flagged = { indicatorCode: string; period: string; flags: { kind: string; message: string }[] };

describe('anomaly flags', () => {
  it('flags a jump, an out-of-range value and repeated values on crafted quarterly data', async () => {
    // B1 gets a plausible range on the indicator node (a rate cannot exceed 100).
    await t.db
      .update(indicatorNodes)
      .set({ plausibleMin: 0, plausibleMax: 100 })
      .where(and(eq(indicatorNodes.planId, planId), eq(indicatorNodes.code, 'B1')));
    const manager = await t.as('edu.manager');
    const row = (indicatorCode: string, period: string, value: number) => ({ indicatorCode, period, value });
    const res = await manager.post(`/api/plans/${planId}/values/bulk`, {
      rows: [
        // History 82, 84, 83 (mean 83, sd 1): 97 is 14 sd away.
        row('A1', '2025-Q1', 82),
        row('A1', '2025-Q2', 84),
        row('A1', '2025-Q3', 83),
        row('A1', '2025-Q4', 97),
        row('B1', '2025-Q1', 130),
        row('A2', '2025-Q1', 90),
        row('A2', '2025-Q2', 90),
        row('A2', '2025-Q3', 90),
        row('A2', '2025-Q4', 90),
      ],
    });
    expect(res.json()).toEqual({ inserted: 9 });

    const verifier = await t.as('verifier');
    const flags = (await verifier.get(`/api/monitoring/plans/${planId}/flags`)).json();
    const brief = flags.items.map(
      (f: Flagged) => `${f.indicatorCode} ${f.period} ${f.flags.map((x) => x.kind)}`,
    );
    expect(brief).toEqual(['A1 2025-Q4 jump', 'A2 2025-Q4 repeated', 'B1 2025-Q1 outOfRange']);
    expect(flags.items[0].flags[0].message).toContain('14.0 standard deviations');
    // The annual value is compared with annual values only, so quarters do not flag it.
    expect(flags.items.some((f: Flagged) => f.period === '2025')).toBe(false);
    const [benford] = flags.benford;
    expect(benford.planId).toBe(planId);
    expect(benford.counts.reduce((s: number, c: number) => s + c, 0)).toBe(benford.n);
    expect(benford.flagged).toBe(false); // too few values for the first-digit test to mean anything

    const cycleFlags = (await office.get(`/api/monitoring/flags?cycleId=${cycleId}`)).json();
    expect(cycleFlags.items.filter((f: { planId: string }) => f.planId === planId)).toHaveLength(3);
    expect(cycleFlags.benford.length).toBeGreaterThan(30);
  });

  it('compares with earlier cycles of the same unit and indicator', async () => {
    // A 2024 cycle with the same unit's plan and four annual values of A1 around 80.
    const [c2024] = await t.db
      .insert(cycles)
      .values({
        code: '2024-annual',
        name: '2024',
        type: 'annual',
        periodStart: '2024-01-01',
        periodEnd: '2024-12-31',
        stage: 'closed',
      })
      .returning();
    const [edu] = await t.db.select().from(plans).where(eq(plans.id, planId));
    const [old] = await t.db
      .insert(plans)
      .values({ ...edu, id: undefined, cycleId: c2024.id, status: 'closed' })
      .returning();
    await t.db.insert(actualValues).values(
      ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4'].map((period, i) => ({
        planId: old.id,
        indicatorCode: 'C1',
        period,
        value: 80 + i,
        status: 'verified',
      })),
    );
    const manager = await t.as('edu.manager');
    const tree = (await manager.get(`/api/plans/${planId}`)).json().tree;
    expect(JSON.stringify(tree)).toContain('"C1"');
    await manager.post(`/api/plans/${planId}/values`, { indicatorCode: 'C1', period: '2025-Q1', value: 20 });
    const flags = (await office.get(`/api/monitoring/plans/${planId}/flags`)).json().items;
    expect(
      flags.find((f: Flagged) => f.indicatorCode === 'C1')?.flags.map((x: { kind: string }) => x.kind),
    ).toEqual(['jump']);
  });

  it('is for verifiers and the office only', async () => {
    const manager = await t.as('edu.manager');
    expect((await manager.get(`/api/monitoring/plans/${planId}/flags`)).statusCode).toBe(403);
    expect((await manager.get(`/api/monitoring/flags?cycleId=${cycleId}`)).json().items).toEqual([]);
    expect((await t.anon.get(`/api/monitoring/flags?cycleId=${cycleId}`)).statusCode).toBe(401);
  });
});
