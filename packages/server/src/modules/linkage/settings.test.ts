import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { actualValues, auditLog } from '../../db/schema';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { factory, type FactoryUser } from '../../../test/factories';

let t: TestApp;
let office: Client;
let manager: FactoryUser;
let resident: FactoryUser;
let unit: { id: string; code: string };
let cycleId: string;
let planId: string;

const UNIT_NAME = '测试口径局';
/** docs/examples/12345-worked-example.csv, for this test's unit instead of 市教育局. */
const workedExample = () =>
  Buffer.from(
    readFileSync(
      path.resolve(import.meta.dirname, '../../../../../docs/examples/12345-worked-example.csv'),
      'utf8',
    ).replaceAll('市教育局', UNIT_NAME),
  );
const TREE: IndicatorNodeInput[] = [
  {
    code: 'S',
    name: '政务服务',
    weight: 100,
    children: [
      {
        code: 'S1',
        name: '12345 满意率',
        weight: 100,
        unit: '%',
        rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
    ],
  },
];
type Rate = {
  unitId: string;
  metric: string;
  period: string;
  numerator: number;
  denominator: number;
  rate: number;
};
const march = async (metric: string) => {
  const items = (await office.get(`/api/linkage/rates?unitId=${unit.id}&period=2025-03`)).json()
    .items as Rate[];
  return items.find((r) => r.metric === metric && r.period === '2025-03')!;
};

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t);
  office = await (await f.user([{ role: 'office' }])).login();
  unit = await f.org({ name: UNIT_NAME });
  manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  resident = await f.user([{ role: 'public' }]);
  cycleId = (await f.cycle({ stage: 'planning', year: 2025 })).id;
  planId = (await f.plan({ cycleId, orgUnitId: unit.id, tree: TREE })).id;
  const { payload, headers } = multipart('12345-worked-example.csv', workedExample());
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/linkage/import/hotline/commit?wait=true',
    payload,
    headers: { ...office.headers, ...headers },
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => t.close());

describe("the city's cut-offs of the linkage rates", () => {
  it('are the defaults until the office sets them; the units read them, residents do not', async () => {
    const res = await office.get('/api/linkage/settings');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      cutoffs: {
        responseLimitMinutes: 120,
        partialResolution: 0,
        basicSatisfaction: 1,
        excludeConsultations: true,
      },
      isDefault: true,
      updatedAt: null,
      can: { edit: true },
    });
    const asManager = await manager.login();
    expect((await asManager.get('/api/linkage/settings')).json()).toMatchObject({ can: { edit: false } });
    const put = await asManager.put('/api/linkage/settings', {
      responseLimitMinutes: 60,
      partialResolution: 0,
      basicSatisfaction: 1,
      excludeConsultations: true,
    });
    expect(put.statusCode).toBe(403);
    expect((await (await resident.login()).get('/api/linkage/settings')).statusCode).toBe(403);
    expect((await t.anon.get('/api/linkage/settings')).statusCode).toBe(401);
    // The worked example with the defaults: 9/10, 4/6, 4/5.
    expect(await march('response_rate')).toMatchObject({ numerator: 9, denominator: 10, rate: 90 });
    expect((await march('resolution_rate')).rate).toBeCloseTo(200 / 3, 10);
    expect(await march('satisfaction_rate')).toMatchObject({ numerator: 4, denominator: 5, rate: 80 });
  });

  it('a city counting 部分解决 half, 基本满意 at 0.8 and a 3-hour limit gets the documented variants', async () => {
    const bad = await office.put('/api/linkage/settings', {
      responseLimitMinutes: 0,
      partialResolution: 1.5,
      basicSatisfaction: 0.8,
      excludeConsultations: true,
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['responseLimitMinutes', 'partialResolution']));
    const res = await office.put('/api/linkage/settings', {
      responseLimitMinutes: 180,
      partialResolution: 0.5,
      basicSatisfaction: 0.8,
      excludeConsultations: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ isDefault: false, cutoffs: { partialResolution: 0.5 } });
    // 10/10 accepted within 3 hours; (4 + 0.5) / 6 = 75 %; (3 + 0.8) / 5 = 76 %.
    expect(await march('response_rate')).toMatchObject({ numerator: 10, denominator: 10, rate: 100 });
    expect(await march('resolution_rate')).toMatchObject({ numerator: 4.5, denominator: 6 });
    expect((await march('resolution_rate')).rate).toBeCloseTo(75, 10);
    expect((await march('satisfaction_rate')).rate).toBeCloseTo(76, 10);
    const [entry] = await t.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(eq(auditLog.action, 'linkage.settings'));
    expect(entry.data).toMatchObject({
      before: { responseLimitMinutes: 120, partialResolution: 0, basicSatisfaction: 1 },
      after: { responseLimitMinutes: 180, partialResolution: 0.5, basicSatisfaction: 0.8 },
    });
  });

  it('a feed enters the rate under the city’s cut-offs and records them', async () => {
    expect(
      (
        await office.post(`/api/cycles/${cycleId}/linkage/mappings`, {
          indicatorCode: 'S1',
          metric: 'satisfaction_rate',
        })
      ).statusCode,
    ).toBe(200);
    const res = await office.post(`/api/cycles/${cycleId}/linkage/feed`, { period: '2025-03' });
    expect(res.statusCode, res.body).toBe(200);
    const [value] = await t.db
      .select()
      .from(actualValues)
      .where(and(eq(actualValues.planId, planId), eq(actualValues.indicatorCode, 'S1')));
    expect(value).toMatchObject({ period: '2025-03', status: 'reported' });
    expect(value.value).toBeCloseTo(76, 10);
    const [feed] = await t.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(eq(auditLog.action, 'linkage.feed'));
    expect(feed.data).toMatchObject({
      cutoffs: {
        responseLimitMinutes: 180,
        partialResolution: 0.5,
        basicSatisfaction: 0.8,
        excludeConsultations: true,
      },
    });
  });
});
