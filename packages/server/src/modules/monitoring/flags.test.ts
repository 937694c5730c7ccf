import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { actualValues, cycles, indicatorNodes, plans } from '../../db/schema';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
let manager: FactoryUser;
let verifier: FactoryUser;
let planId: string;
let cycleId: string;

const leaf = (code: string, weight: number): IndicatorNodeInput => ({
  code,
  name: `指标 ${code}`,
  weight,
  rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
  subjects: [{ type: 'data', weight: 100 }],
});
const TREE: IndicatorNodeInput[] = [
  { code: 'A', name: '维度 A', weight: 50, children: [leaf('A1', 50), leaf('A2', 50)] },
  { code: 'B', name: '维度 B', weight: 25, children: [leaf('B1', 100)] },
  { code: 'C', name: '维度 C', weight: 25, children: [leaf('C1', 100)] },
];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own cycle, unit and plan (test/factories.ts), in execution: values are being reported.
  const f = factory(t, 'flags');
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  cycleId = cycle.id;
  const edu = await f.org();
  manager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  verifier = await f.user([{ role: 'verifier' }]);
  office = await (await f.user([{ role: 'office' }])).login();
  planId = (await f.plan({ cycleId, orgUnitId: edu.id, tree: TREE })).id;
  await f.stage(cycleId, 'execution');
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
    const unit = await manager.login();
    const row = (indicatorCode: string, period: string, value: number) => ({ indicatorCode, period, value });
    const res = await unit.post(`/api/plans/${planId}/values/bulk`, {
      rows: [
        // History 82, 84, 83 (mean 83, sd 1): 97 is 14 sd away.
        row('A1', '2031-Q1', 82),
        row('A1', '2031-Q2', 84),
        row('A1', '2031-Q3', 83),
        row('A1', '2031-Q4', 97),
        // The annual figure, far from the quarters: compared with annual values only.
        row('A1', '2031', 60),
        row('B1', '2031-Q1', 130),
        row('A2', '2031-Q1', 90),
        row('A2', '2031-Q2', 90),
        row('A2', '2031-Q3', 90),
        row('A2', '2031-Q4', 90),
      ],
    });
    expect(res.json()).toEqual({ inserted: 10 });

    const flags = (await (await verifier.login()).get(`/api/monitoring/plans/${planId}/flags`)).json();
    const brief = flags.items.map(
      (f: Flagged) => `${f.indicatorCode} ${f.period} ${f.flags.map((x) => x.kind)}`,
    );
    expect(brief).toEqual(['A1 2031-Q4 jump', 'A2 2031-Q4 repeated', 'B1 2031-Q1 outOfRange']);
    expect(flags.items[0].flags[0].message).toContain('14.0 standard deviations');
    // The annual value is compared with annual values only, so quarters do not flag it.
    expect(flags.items.some((f: Flagged) => f.period === '2031')).toBe(false);
    const [benford] = flags.benford;
    expect(benford.planId).toBe(planId);
    expect(benford.counts.reduce((s: number, c: number) => s + c, 0)).toBe(benford.n);
    expect(benford.flagged).toBe(false); // too few values for the first-digit test to mean anything

    const cycleFlags = (await office.get(`/api/monitoring/flags?cycleId=${cycleId}`)).json();
    expect(cycleFlags.items.filter((f: { planId: string }) => f.planId === planId)).toHaveLength(3);
    expect(cycleFlags.benford.map((b: { planId: string }) => b.planId)).toContain(planId);
  });

  it('compares with earlier cycles of the same unit and indicator', async () => {
    // A 2030 cycle with the same unit's plan and four quarterly values of C1 around 80.
    const [c2030] = await t.db
      .insert(cycles)
      .values({
        code: 'flags-2030',
        name: '2030',
        type: 'annual',
        periodStart: '2030-01-01',
        periodEnd: '2030-12-31',
        stage: 'closed',
      })
      .returning();
    const [edu] = await t.db.select().from(plans).where(eq(plans.id, planId));
    const [old] = await t.db
      .insert(plans)
      .values({ ...edu, id: undefined, cycleId: c2030.id, status: 'closed' })
      .returning();
    await t.db.insert(actualValues).values(
      ['2030-Q1', '2030-Q2', '2030-Q3', '2030-Q4'].map((period, i) => ({
        planId: old.id,
        indicatorCode: 'C1',
        period,
        value: 80 + i,
        status: 'verified',
      })),
    );
    const unit = await manager.login();
    await unit.post(`/api/plans/${planId}/values`, { indicatorCode: 'C1', period: '2031-Q1', value: 20 });
    const flags = (await office.get(`/api/monitoring/plans/${planId}/flags`)).json().items;
    expect(
      flags.find((f: Flagged) => f.indicatorCode === 'C1')?.flags.map((x: { kind: string }) => x.kind),
    ).toEqual(['jump']);
  });

  it('is for verifiers and the office only', async () => {
    const unit = await manager.login();
    expect((await unit.get(`/api/monitoring/plans/${planId}/flags`)).statusCode).toBe(403);
    expect((await unit.get(`/api/monitoring/flags?cycleId=${cycleId}`)).json().items).toEqual([]);
    expect((await t.anon.get(`/api/monitoring/flags?cycleId=${cycleId}`)).statusCode).toBe(401);
  });
});
