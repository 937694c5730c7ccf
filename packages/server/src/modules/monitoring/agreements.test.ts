import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let f: Factory;
let office: Client;
let manager: Client;
let otherManager: FactoryUser;
let planId: string;
let planVersion: number;
let unitId: string;

const leaf = (code: string, weight: number, target: number): IndicatorNodeInput => ({
  code,
  name: `指标 ${code}`,
  weight,
  target,
  rule: { type: 'linear', baseline: 0, target, direction: 'higher' },
  subjects: [{ type: 'data', weight: 100 }],
});
const TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '维度 A',
    weight: 100,
    children: [leaf('A1', 40, 100), leaf('A2', 35, 80), leaf('A3', 25, 60)],
  },
];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own cycle, units and approved plan (test/factories.ts), in execution.
  f = factory(t, 'agreements');
  const cycle = await f.cycle({ stage: 'planning' });
  const unit = await f.org();
  unitId = unit.id;
  const other = await f.org();
  const unitManager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  otherManager = await f.user([{ role: 'unit_manager', orgUnitId: other.id }]);
  office = await (await f.user([{ role: 'office' }])).login();
  ({ id: planId, version: planVersion } = await f.plan({
    cycleId: cycle.id,
    orgUnitId: unit.id,
    tree: TREE,
  }));
  await f.stage(cycle.id, 'execution');
  manager = await unitManager.login();
});
afterAll(async () => t.close());

type Node = { code: string; weight: number; target?: number; rule?: { target?: number }; children?: Node[] };
const find = (tree: Node[], code: string): Node | undefined => {
  for (const n of tree) {
    if (n.code === code) return n;
    const hit = n.children && find(n.children, code);
    if (hit) return hit;
  }
};

describe('target responsibility agreements', () => {
  it('is signed once by the appraisee side and once by the office', async () => {
    const sign = (c: Client, side: string) => c.post(`/api/plans/${planId}/signoffs`, { side });
    // The plan carries who may sign which side, request and decide revisions (the console asks nothing else).
    const can = async (c: Client) => (await c.get(`/api/plans/${planId}`)).json().plan.can;
    expect(await can(manager)).toMatchObject({
      signAppraisee: true,
      signOffice: false,
      requestRevision: true,
      decideRevisions: false,
    });
    expect(await can(office)).toMatchObject({
      signAppraisee: false,
      signOffice: true,
      requestRevision: true,
      decideRevisions: true,
    });
    expect((await sign(await otherManager.login(), 'appraisee')).statusCode).toBe(403);
    expect((await sign(manager, 'office')).statusCode).toBe(403);
    expect((await sign(manager, 'appraisee')).statusCode).toBe(201);
    const again = await sign(manager, 'appraisee');
    expect(again.statusCode).toBe(409);
    expect(again.json().details).toEqual([{ path: 'side', message: 'already signed' }]);
    expect((await sign(office, 'office')).json().signoff).toMatchObject({ side: 'office', planVersion });
    const list = (await manager.get(`/api/plans/${planId}/signoffs`)).json().items;
    expect(list.map((s: { side: string }) => s.side)).toEqual(['appraisee', 'office']);
    // A plan not yet approved cannot be signed.
    const later = await f.cycle({ stage: 'planning', year: 2032 });
    const draft = await f.plan({ cycleId: later.id, orgUnitId: unitId, status: 'draft' });
    expect((await manager.post(`/api/plans/${draft.id}/signoffs`, { side: 'appraisee' })).statusCode).toBe(
      409,
    );
  });

  it('refuses revisions naming unknown indicators or breaking the weights', async () => {
    const justification = '受上级政策调整影响，年中申请调整目标值';
    const unknown = await manager.post(`/api/plans/${planId}/revisions`, {
      justification,
      changes: [{ code: 'Z9', field: 'target', to: 1 }],
    });
    expect(unknown.json().details).toEqual([
      { path: 'changes.0.code', message: 'no indicator Z9 in this plan' },
    ]);
    const weights = await manager.post(`/api/plans/${planId}/revisions`, {
      justification,
      changes: [{ code: 'A1', field: 'weight', to: 50 }],
    });
    expect(weights.statusCode).toBe(400);
    expect(weights.json().error).toBe('invalid_tree');
    expect(weights.json().details[0].path).toBe('tree.A.children'); // children's weights no longer sum to 100
    const other = await otherManager.login();
    expect(
      (
        await other.post(`/api/plans/${planId}/revisions`, {
          justification,
          changes: [{ code: 'A1', field: 'target', to: 95 }],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('applies an approved revision to the nodes, bumps the version, keeps the previous tree and publishes it', async () => {
    const before = (await manager.get(`/api/plans/${planId}`)).json();
    const res = await manager.post(`/api/plans/${planId}/revisions`, {
      justification: '省里下调了本项考核口径，目标值与权重相应调整',
      changes: [
        { code: 'A1', field: 'target', to: 95 },
        { code: 'A1', field: 'weight', to: 45 },
        { code: 'A2', field: 'weight', to: 30 },
      ],
    });
    expect(res.statusCode).toBe(201);
    const revision = res.json().revision;
    expect(revision.changes).toEqual([
      { code: 'A1', field: 'target', from: 100, to: 95 },
      { code: 'A1', field: 'weight', from: 40, to: 45 },
      { code: 'A2', field: 'weight', from: 35, to: 30 },
    ]);
    const second = await manager.post(`/api/plans/${planId}/revisions`, {
      justification: '再次申请调整另一项目标值',
      changes: [{ code: 'A2', field: 'target', to: 90 }],
    });
    expect(second.statusCode).toBe(409);
    const inbox = (await office.get('/api/notifications')).json().items;
    expect(inbox[0]).toMatchObject({ kind: 'plan_revision', entityId: revision.id });

    const decide = (c: Client, body: object) => c.post(`/api/revisions/${revision.id}/decide`, body);
    expect((await decide(manager, { decision: 'approved' })).statusCode).toBe(403);
    expect((await decide(office, { decision: 'rejected' })).json().details).toEqual([
      { path: 'reason', message: 'required when rejecting' },
    ]);
    const approved = (await decide(office, { decision: 'approved', reason: '理由充分' })).json();
    expect(approved.revision).toMatchObject({
      status: 'approved',
      previousVersion: planVersion,
      newVersion: planVersion + 1,
    });
    expect(approved.plan.version).toBe(before.plan.version + 1);
    expect((await decide(office, { decision: 'approved' })).statusCode).toBe(409);

    const after = (await manager.get(`/api/plans/${planId}`)).json();
    expect(find(after.tree, 'A1')).toMatchObject({ weight: 45, target: 95, rule: { target: 95 } });
    expect(find(after.tree, 'A2')!.weight).toBe(30);
    expect(after.problems).toEqual([]);
    const [listed] = (await manager.get(`/api/plans/${planId}/revisions`)).json().items;
    expect(find(listed.previousTree, 'A1')).toMatchObject({ weight: 40, rule: { target: 100 } });

    const pub = (await t.anon.get(`/api/public/plans/${planId}`)).json();
    expect(pub.revisions).toHaveLength(1);
    expect(pub.revisions[0]).toMatchObject({
      justification: '省里下调了本项考核口径，目标值与权重相应调整',
      newVersion: planVersion + 1,
    });
    expect(pub.revisions[0].changes[0]).toMatchObject({ code: 'A1', field: 'target', from: 100, to: 95 });
    expect(pub.revisions[0].changes[0].name).toBeTruthy();
    expect((await manager.get('/api/notifications')).json().items[0].title).toContain('已批准');
    const audit = (await office.get('/api/audit?limit=3'))
      .json()
      .items.map((e: { action: string }) => e.action);
    expect(audit).toEqual(['plan.revision.approve', 'plan.tree.revise', 'plan.update']);
    expect((await office.get('/api/audit/verify')).json()).toMatchObject({ ok: true });
  });
});
