import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { factory, SMALL_TREE, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

/** The small tree (A1, A2) and a second dimension B1, every leaf measured from data. */
const TREE: IndicatorNodeInput[] = [
  { ...SMALL_TREE[0], weight: 70 },
  {
    code: 'B',
    name: '政务服务',
    nameEn: 'Government services',
    weight: 30,
    children: [
      {
        code: 'B1',
        name: '政务服务事项网上可办率',
        nameEn: 'Services available online',
        weight: 100,
        unit: '%',
        rule: { type: 'ratio', target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
    ],
  },
];

let t: TestApp;
let office: Client;
let managerUser: FactoryUser;
let otherManagerUser: FactoryUser;
let officeUser: FactoryUser;
/** The published result of the unit's plan in its annual cycle. */
let culResult: { id: string; total: number; planId: string };

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'apl');
  const unit = await f.org();
  const other = await f.org();
  officeUser = await f.user([{ role: 'office' }]);
  office = await officeUser.login();
  managerUser = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  otherManagerUser = await f.user([{ role: 'unit_manager', orgUnitId: other.id }]);
  const cycle = await f.cycle({ stage: 'planning', year: 2031 });
  const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id, tree: TREE });
  await f.stage(cycle.id, 'execution');
  await f.values(
    plan.id,
    [
      { indicatorCode: 'A1', period: '2031', value: 5 },
      { indicatorCode: 'A2', period: '2031', value: 80 },
      { indicatorCode: 'B1', period: '2031', value: 90 },
    ],
    { by: managerUser.actor, verifyAs: await f.office() },
  );
  await f.results(cycle.id, { publish: true });
  const items = (await office.get(`/api/cycles/${cycle.id}/results`)).json().items;
  culResult = items.find((r: { planId: string }) => r.planId === plan.id);
  expect(culResult).toBeDefined();
});
afterAll(async () => t.close());

describe('appeals', () => {
  it('lets the unit appeal a score; the office accepts with a correction that recomputes the result', async () => {
    const manager = await managerUser.login();
    const filed = await manager.post(`/api/results/${culResult.id}/appeals`, {
      indicatorCode: 'A2',
      reason: '公共文化服务活动场次已经统计局核实，系统未计入',
      evidence: ['统计局核实函〔2026〕12号'],
    });
    expect(filed.statusCode).toBe(201);
    const appeal = filed.json().appeal;
    const dup = await manager.post(`/api/results/${culResult.id}/appeals`, {
      indicatorCode: 'A2',
      reason: '重复提交申诉',
    });
    expect(dup.statusCode).toBe(409);
    expect(
      (await manager.post(`/api/appeals/${appeal.id}/decide`, { decision: 'accepted', reason: 'ok' }))
        .statusCode,
    ).toBe(403);

    const decided = await office.post(`/api/appeals/${appeal.id}/decide`, {
      decision: 'accepted',
      reason: '核实无误，予以更正',
      correction: { value: 98 },
    });
    expect(decided.statusCode).toBe(200);
    const after = decided.json().appeal;
    expect(after.status).toBe('accepted');
    expect(after.totalAfter.total).toBeGreaterThan(after.totalBefore.total);
    const now = (await office.get(`/api/results/${culResult.id}`)).json().result;
    expect(now.total).toBeCloseTo(after.totalAfter.total, 9);
    const values = (await office.get(`/api/plans/${culResult.planId}/values`)).json().items;
    expect(
      values.find(
        (v: { indicatorCode: string; period: string }) => v.indicatorCode === 'A2' && v.period === '2031',
      ),
    ).toMatchObject({
      value: 98,
      status: 'verified',
    });
    const verify = (await office.get('/api/audit/verify')).json();
    expect(verify.ok).toBe(true);
  });

  it('records a rejection with reasons and refuses appeals from other units and of unknown indicators', async () => {
    const manager = await managerUser.login();
    const filed = (
      await manager.post(`/api/results/${culResult.id}/appeals`, {
        indicatorCode: 'B1',
        reason: '网上可办率口径有误',
      })
    ).json().appeal;
    const rejected = await office.post(`/api/appeals/${filed.id}/decide`, {
      decision: 'rejected',
      reason: '口径符合考核办法',
    });
    expect(rejected.json().appeal).toMatchObject({ status: 'rejected', decisionReason: '口径符合考核办法' });
    expect(
      (await office.post(`/api/appeals/${filed.id}/decide`, { decision: 'accepted', reason: 'again' }))
        .statusCode,
    ).toBe(409);
    const other = await otherManagerUser.login();
    expect(
      (
        await other.post(`/api/results/${culResult.id}/appeals`, {
          indicatorCode: 'B1',
          reason: '替别人申诉',
        })
      ).statusCode,
    ).toBe(403);
    expect((await other.get('/api/appeals')).json().items).toEqual([]);
    const unknown = await manager.post(`/api/results/${culResult.id}/appeals`, {
      indicatorCode: 'ZZ',
      reason: '不存在的指标',
    });
    expect(unknown.json().details).toEqual([{ path: 'indicatorCode', message: 'unknown' }]);
    expect((await manager.get('/api/appeals')).json().items).toHaveLength(2);
  });
});

describe('appeal permissions', () => {
  it('tells each user what they may do: the appraisee side appeals, the office decides', async () => {
    const canAppeal = async (who: FactoryUser) =>
      (await (await who.login()).get(`/api/results/${culResult.id}`)).json().result.can.appeal;
    expect(await canAppeal(managerUser)).toBe(true);
    expect(await canAppeal(officeUser)).toBe(false);
    expect(await canAppeal(otherManagerUser)).toBe(false);
    const manager = await managerUser.login();
    const filed = await manager.post(`/api/results/${culResult.id}/appeals`, {
      indicatorCode: 'A1',
      reason: '用于核对权限的申诉，随后驳回',
    });
    expect(filed.json().appeal.can).toEqual({ decide: false, attach: true });
    const mine = (await manager.get('/api/appeals')).json().items;
    expect(mine.every((a: { can: { decide: boolean } }) => !a.can.decide)).toBe(true);
    const all = (await office.get('/api/appeals')).json().items;
    expect(all.find((a: { id: string }) => a.id === filed.json().appeal.id).can).toEqual({
      decide: true,
      attach: true,
    });
    // The decision is accepted exactly when `can.decide` says so: not from the appraisee side (403)…
    const id = filed.json().appeal.id;
    expect(
      (await manager.post(`/api/appeals/${id}/decide`, { decision: 'rejected', reason: '自行驳回' }))
        .statusCode,
    ).toBe(403);
    const rejected = await office.post(`/api/appeals/${id}/decide`, {
      decision: 'rejected',
      reason: '仅为核对权限',
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json().appeal.can).toEqual({ decide: false, attach: false });
    // …and not once decided (409), for the office either.
    const again = await office.post(`/api/appeals/${id}/decide`, { decision: 'accepted', reason: '再议' });
    expect(again.statusCode).toBe(409);
    expect(
      (await office.get('/api/appeals')).json().items.find((a: { id: string }) => a.id === id).can,
    ).toEqual({ decide: false, attach: false });
  });
});
