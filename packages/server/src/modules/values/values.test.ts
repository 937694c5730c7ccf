import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
let culPlanId: string;
let eduPlanId: string;
let cycleId: string;

beforeAll(async () => {
  t = await buildTestApp();
  office = await t.as('office');
  const cycles = (await office.get('/api/cycles')).json().items;
  cycleId = cycles.find((c: { code: string }) => c.code === '2025-annual').id;
  const orgs = (await office.get('/api/orgs')).json().items;
  const unitId = (code: string) => orgs.find((o: { code: string }) => o.code === code).id;
  const plans = (await office.get(`/api/plans?cycleId=${cycleId}&appraiseeType=unit`)).json().items;
  culPlanId = plans.find((p: { orgUnitId: string }) => p.orgUnitId === unitId('cul')).id;
  eduPlanId = plans.find((p: { orgUnitId: string }) => p.orgUnitId === unitId('edu')).id;
  // An unpublished copy of the 2025 cycle: the demo publishes it, which freezes its values
  // (publication.test.ts covers the freeze); here values are reported and verified as before.
  await t.db.execute(sql`update cycles set results_published_at = null where id = ${cycleId}`);
});
afterAll(async () => t.close());

const resultOf = async (planId: string) => {
  const items = (await office.get(`/api/cycles/${cycleId}/results`)).json().items;
  return items.find((r: { planId: string }) => r.planId === planId);
};

describe('actual values', () => {
  it('scores only verified values: verifying a reported value raises the score', async () => {
    const values = (await office.get(`/api/plans/${culPlanId}/values`)).json().items;
    const pending = values.filter((v: { status: string }) => v.status === 'reported');
    expect(pending.map((v: { indicatorCode: string }) => v.indicatorCode).sort()).toEqual(['A2', 'B1']);
    // The demo's verified quarterly reports of these indicators would stand in for the pending annual
    // values (the latest verified period scores); without them, nothing verified is left to score.
    await t.db.execute(
      sql`delete from actual_values where plan_id = ${culPlanId} and indicator_code in ('A2', 'B1') and status = 'verified'`,
    );
    await office.post(`/api/cycles/${cycleId}/compute`);
    const before = await resultOf(culPlanId);

    const manager = await t.as('cul.manager');
    expect(
      (await manager.post(`/api/values/${pending[0].id}/verify`, { decision: 'verified', version: 1 }))
        .statusCode,
    ).toBe(403);
    const verifier = await t.as('verifier');
    const noReason = await verifier.post(`/api/values/${pending[0].id}/verify`, {
      decision: 'rejected',
      version: pending[0].version,
    });
    expect(noReason.json().details).toEqual([{ path: 'reason', message: 'required when rejecting' }]);
    for (const v of pending) {
      const res = await verifier.post(`/api/values/${v.id}/verify`, {
        decision: 'verified',
        version: v.version,
      });
      expect(res.json().value.status).toBe('verified');
    }
    await office.post(`/api/cycles/${cycleId}/compute`);
    const after = await resultOf(culPlanId);
    expect(after.total).toBeGreaterThan(before.total);
  });

  it('reports a single value, which then needs verification again', async () => {
    const manager = await t.as('edu.manager');
    const res = await manager.post(`/api/plans/${eduPlanId}/values`, {
      indicatorCode: 'A1',
      period: '2025-Q4',
      value: 96.5,
      note: '四季度',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().value).toMatchObject({ indicatorCode: 'A1', period: '2025-Q4', status: 'reported' });
  });

  it('stores a bulk report all or nothing, naming each bad row', async () => {
    const manager = await t.as('edu.manager');
    const before = (await manager.get(`/api/plans/${eduPlanId}/values`)).json().items.length;
    const bad = await manager.post(`/api/plans/${eduPlanId}/values/bulk`, {
      rows: [
        { indicatorCode: 'A1', period: '2025-Q3', value: 90 },
        { indicatorCode: 'A', period: '2025-Q3', value: 1 },
        { indicatorCode: 'ZZ', period: '2025-Q3', value: 1 },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual([
      'rows.1.indicatorCode',
      'rows.2.indicatorCode',
    ]);
    const badType = await manager.post(`/api/plans/${eduPlanId}/values/bulk`, {
      rows: [{ indicatorCode: 'A1', period: 'Q3', value: 'lots' }],
    });
    expect(
      badType
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['rows.0.period', 'rows.0.value']);
    expect((await manager.get(`/api/plans/${eduPlanId}/values`)).json().items.length).toBe(before);
    const ok = await manager.post(`/api/plans/${eduPlanId}/values/bulk`, {
      rows: [
        { indicatorCode: 'A1', period: '2025-Q3', value: 90 },
        { indicatorCode: 'A2', period: '2025-Q3', value: 88 },
      ],
    });
    expect(ok.json()).toEqual({ inserted: 2 });
  });

  it('imports XLSX and reports CSV problems row by row', async () => {
    const manager = await t.as('edu.manager');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('values');
    ws.addRow(['indicatorCode', 'period', 'value', 'note']);
    ws.addRow(['B1', '2025-H1', 93.2, '上半年']);
    ws.addRow(['B2', '2025-H1', 91, '']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const up = multipart('values.xlsx', xlsx);
    const res = await manager.raw({ method: 'POST', url: `/api/plans/${eduPlanId}/values/import`, ...up });
    expect(res.json()).toEqual({ inserted: 2 });

    const csv = Buffer.from('indicatorCode,period,value,note\nB1,2025-H2,94,ok\nB2,2025 H2,abc,\n');
    const bad = await manager.raw({
      method: 'POST',
      url: `/api/plans/${eduPlanId}/values/import`,
      ...multipart('v.csv', csv),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual([
      'rows.1.period',
      'rows.1.value',
    ]);
    const exe = await manager.raw({
      method: 'POST',
      url: `/api/plans/${eduPlanId}/values/import`,
      ...multipart('v.exe', csv),
    });
    expect(exe.json().details).toEqual([{ path: 'file', message: 'unsupported file type' }]);
  });

  it('refuses a verification of a value reported again since it was read (version conflict)', async () => {
    const manager = await t.as('edu.manager');
    const first = (
      await manager.post(`/api/plans/${eduPlanId}/values`, {
        indicatorCode: 'B2',
        period: '2025-Q1',
        value: 80,
      })
    ).json().value;
    const verifier = await t.as('verifier');
    // The verifier reviews version 1 while the unit reports the figure again (version 2).
    const second = (
      await manager.post(`/api/plans/${eduPlanId}/values`, {
        indicatorCode: 'B2',
        period: '2025-Q1',
        value: 85,
      })
    ).json().value;
    expect(second).toMatchObject({ id: first.id, version: first.version + 1, value: 85 });
    const stale = await verifier.post(`/api/values/${first.id}/verify`, {
      decision: 'verified',
      version: first.version,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'version_conflict',
      details: [{ path: 'version', message: `stale: current version is ${second.version}` }],
    });
    const ok = await verifier.post(`/api/values/${first.id}/verify`, {
      decision: 'verified',
      version: second.version,
    });
    expect(ok.json().value).toMatchObject({ status: 'verified', value: 85, version: second.version });
  });

  it('refuses values for another unit’s plan', async () => {
    const other = await t.as('fin.manager');
    const res = await other.post(`/api/plans/${eduPlanId}/values`, {
      indicatorCode: 'A1',
      period: '2025',
      value: 1,
    });
    expect(res.statusCode).toBe(403);
    expect((await other.get(`/api/plans/${eduPlanId}/values`)).statusCode).toBe(403);
  });
});
