import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { cycles, people, plans } from '../../db/schema';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { planOf } from './test-util';

let t: TestApp;
let office: Client;
let manager: Client;
let planId: string;

beforeAll(async () => {
  t = await buildTestApp();
  // The demo publishes 2025, which freezes its inputs (results/publication.test.ts): this file
  // works on an unpublished copy of it.
  await t.db.execute(sql`update cycles set results_published_at = null where code = '2025-annual'`);
  office = await t.as('office');
  manager = await t.as('edu.manager');
  planId = await planOf(office, '2025-annual', 'edu');
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
    // The demo city's unit plans are signed already; the head of education's own plan is not.
    const [{ id: cadrePlan }] = await t.db
      .select({ id: plans.id })
      .from(plans)
      .innerJoin(people, eq(people.id, plans.personId))
      .innerJoin(cycles, eq(cycles.id, plans.cycleId))
      .where(and(eq(people.code, 'edu-1'), eq(cycles.code, '2025-annual')));
    const sign = (c: Client, side: string) => c.post(`/api/plans/${cadrePlan}/signoffs`, { side });
    const head = await t.as('edu.head');
    expect((await sign(await t.as('fin.manager'), 'appraisee')).statusCode).toBe(403);
    expect((await sign(head, 'office')).statusCode).toBe(403);
    expect((await sign(head, 'appraisee')).statusCode).toBe(201);
    const again = await sign(manager, 'appraisee');
    expect(again.statusCode).toBe(409);
    expect(again.json().details).toEqual([{ path: 'side', message: 'already signed' }]);
    expect((await sign(office, 'office')).json().signoff).toMatchObject({ side: 'office', planVersion: 1 });
    const list = (await head.get(`/api/plans/${cadrePlan}/signoffs`)).json().items;
    expect(list.map((s: { side: string }) => s.side)).toEqual(['appraisee', 'office']);
    const signed = (await manager.get(`/api/plans/${planId}/signoffs`)).json().items;
    expect(signed).toHaveLength(2);
    const draft = await planOf(office, '2026-annual', 'edu');
    expect((await manager.post(`/api/plans/${draft}/signoffs`, { side: 'appraisee' })).statusCode).toBe(409);
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
    const other = await t.as('fin.manager');
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
    expect(approved.revision).toMatchObject({ status: 'approved', previousVersion: 1, newVersion: 2 });
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
      newVersion: 2,
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
