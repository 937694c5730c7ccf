import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { evaluationTasks, plans } from '../../db/schema';
import { departmentTree } from './templates';

let t: TestApp;
let f: Factory;
let office: Client;
let eduPlanId: string;
let finPlanId: string;
/** Accounts by what they are: the two units' managers and heads, a resident, two evaluators. */
const who: Record<string, FactoryUser> = {};

interface Plan {
  id: string;
  title: string;
  status: string;
  appraiseeType: string;
  orgUnitId: string;
}

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own cycle in planning, two units with draft plans of the department template, and accounts
  // of every kind (test/factories.ts).
  f = factory(t, 'plans');
  office = await (await f.user([{ role: 'office' }])).login();
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  const [edu, fin] = [await f.org(), await f.org()];
  const draft = async (orgUnitId: string) =>
    (await f.plan({ cycleId: cycle.id, orgUnitId, tree: departmentTree(), status: 'draft' })).id;
  eduPlanId = await draft(edu.id);
  finPlanId = await draft(fin.id);
  who.eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  who.eduHead = await f.user([{ role: 'appraisee', orgUnitId: edu.id }]);
  who.finManager = await f.user([{ role: 'unit_manager', orgUnitId: fin.id }]);
  who.finHead = await f.user([{ role: 'appraisee', orgUnitId: fin.id }]);
  who.citizen = await f.user([{ role: 'public' }]);
  who.leader = await f.user([{ role: 'evaluator' }]);
  who.deputy = await f.user([{ role: 'evaluator' }]);
});
afterAll(async () => t.close());

describe('plans and indicator trees', () => {
  it('serves a draft plan with a valid two- and three-level tree', async () => {
    const res = await office.get(`/api/plans/${eduPlanId}`);
    expect(res.statusCode).toBe(200);
    const { plan, tree, problems } = res.json();
    expect(plan.status).toBe('draft');
    expect(problems).toEqual([]);
    expect(tree.map((n: { code: string }) => n.code)).toEqual(['A', 'B', 'C', 'D', 'E', 'G1', 'H1']);
  });

  it('saves an edited tree, reports the weight problem at its node, and refuses a stale version', async () => {
    const manager = await who.eduManager.login();
    const { plan, tree } = (await manager.get(`/api/plans/${eduPlanId}`)).json();
    tree[0].children[0].weight = 50; // A's children now sum to 110
    const saved = await manager.put(`/api/plans/${eduPlanId}/tree`, { tree, version: plan.version });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().plan.version).toBe(plan.version + 1);
    expect(saved.json().problems).toEqual([expect.objectContaining({ kind: 'weightSum', path: ['A'] })]);

    const stale = await office.put(`/api/plans/${eduPlanId}/tree`, { tree, version: plan.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'version_conflict', details: [{ path: 'version' }] });

    const submit = await manager.post(`/api/plans/${eduPlanId}/submit`);
    expect(submit.statusCode).toBe(409);
    expect(submit.json().error).toBe('invalid_tree');

    tree[0].children[0].weight = 40;
    const fixed = await manager.put(`/api/plans/${eduPlanId}/tree`, { tree, version: plan.version + 1 });
    expect(fixed.json().problems).toEqual([]);
    expect((await manager.post(`/api/plans/${eduPlanId}/submit`)).json().plan.status).toBe(
      'published_for_comment',
    );
    expect((await manager.post(`/api/plans/${eduPlanId}/approve`, {})).statusCode).toBe(403);
    const approved = await office.post(`/api/plans/${eduPlanId}/approve`, {});
    expect(approved.json().plan.status).toBe('approved');
    const again = await office.put(`/api/plans/${eduPlanId}/tree`, { tree, version: plan.version + 2 });
    expect(again.statusCode).toBe(409);
  });

  it('keeps exactly one of two concurrent edits of the same version (no lost update)', async () => {
    const a = await who.finManager.login();
    const { plan, tree } = (await a.get(`/api/plans/${finPlanId}`)).json();
    const left = structuredClone(tree);
    left[0].name = '核心职能目标（甲）';
    const right = structuredClone(tree);
    right[0].name = '核心职能目标（乙）';
    const results = await Promise.all([
      a.put(`/api/plans/${finPlanId}/tree`, { tree: left, version: plan.version }),
      office.put(`/api/plans/${finPlanId}/tree`, { tree: right, version: plan.version }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    const now = (await a.get(`/api/plans/${finPlanId}`)).json();
    expect(now.tree[0].name).toBe(winner.tree[0].name);
    expect(now.plan.version).toBe(plan.version + 1);
  });

  it('names bad nodes of a malformed tree and stores nothing', async () => {
    const { plan, tree } = (await office.get(`/api/plans/${finPlanId}`)).json();
    const bad = structuredClone(tree);
    bad[0].weight = 'forty';
    bad[1].children[0].rule = { type: 'linear', baseline: 1 };
    const res = await office.put(`/api/plans/${finPlanId}/tree`, { tree: bad, version: plan.version });
    expect(res.statusCode).toBe(400);
    const paths = res.json().details.map((d: { path: string }) => d.path);
    expect(paths).toContain('tree.0.weight');
    expect(paths.some((p: string) => p.startsWith('tree.1.children.0.rule'))).toBe(true);
    expect((await office.get(`/api/plans/${finPlanId}`)).json().plan.version).toBe(plan.version);
  });

  it('refuses reads and writes of another unit’s unpublished plan for every non-office role', async () => {
    const { plan, tree } = (await office.get(`/api/plans/${finPlanId}`)).json();
    for (const user of [who.eduManager, who.eduHead, who.citizen, who.leader, who.deputy]) {
      const { username } = user;
      const c = await user.login();
      expect((await c.get(`/api/plans/${finPlanId}`)).statusCode, username).toBe(403);
      expect(
        (await c.put(`/api/plans/${finPlanId}/tree`, { tree, version: plan.version })).statusCode,
        username,
      ).toBe(403);
      expect((await c.post(`/api/plans/${finPlanId}/submit`)).statusCode, username).toBe(403);
      const listed = (await c.get('/api/plans')).json().items.map((p: Plan) => p.id);
      expect(listed, username).not.toContain(finPlanId);
    }
    expect((await t.anon.get(`/api/plans/${finPlanId}`)).statusCode).toBe(401);
    expect((await t.anon.get(`/api/public/plans/${finPlanId}`)).statusCode).toBe(404);
    const head = await who.finHead.login();
    expect((await head.get(`/api/plans/${finPlanId}`)).statusCode).toBe(200);
    expect((await head.put(`/api/plans/${finPlanId}/tree`, { tree, version: plan.version })).statusCode).toBe(
      403,
    );
  });

  it('answers an over-long id with a 400 naming the field', async () => {
    const res = await office.get(`/api/plans/${'x'.repeat(500)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('id');
  });
});

describe('plan permissions', () => {
  it('sends with each plan what the user may do, from the rules the services enforce', async () => {
    const canOf = async (c: Client, id: string) => (await c.get(`/api/plans/${id}`)).json().plan.can;
    const finManager = await who.finManager.login();
    const fin = (await office.get(`/api/plans/${finPlanId}`)).json().plan;
    expect(fin.status).toBe('draft');
    expect(await canOf(office, finPlanId)).toMatchObject({ edit: true, submit: true, approve: false });
    expect(await canOf(finManager, finPlanId)).toMatchObject({
      edit: true,
      approve: false,
      setOwner: false,
      reportValues: false,
    });
    const submitted = await office.post(`/api/plans/${finPlanId}/submit`);
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json().plan.can).toMatchObject({ edit: false, submit: false, approve: true });
    expect(await canOf(finManager, finPlanId)).toMatchObject({ edit: false, approve: false });
    const listed = (await finManager.get(`/api/plans?cycleId=${fin.cycleId}`)).json().items;
    expect(listed.find((p: { id: string }) => p.id === finPlanId).can.approve).toBe(false);
  });

  it('marks the plans the office may give rater panels: approved or closed ones', async () => {
    const cycle = await f.cycle({ year: 2032, stage: 'planning' });
    const units = [await f.org(), await f.org(), await f.org(), await f.org()];
    const make = async (i: number, status: 'draft' | 'published_for_comment' | 'approved') =>
      (await f.plan({ cycleId: cycle.id, orgUnitId: units[i].id, tree: departmentTree(), status })).id;
    const ids = {
      draft: await make(0, 'draft'),
      published_for_comment: await make(1, 'published_for_comment'),
      approved: await make(2, 'approved'),
      closed: await make(3, 'approved'),
    };
    await t.db.update(plans).set({ status: 'closed' }).where(eq(plans.id, ids.closed));
    const manager = await (
      await f.user(units.map((u) => ({ role: 'unit_manager' as const, orgUnitId: u.id })))
    ).login();
    const listedBy = async (c: Client) => {
      const items: { id: string; can: { assignPanel: boolean } }[] = (
        await c.get(`/api/plans?cycleId=${cycle.id}`)
      ).json().items;
      return Object.fromEntries(
        Object.entries(ids).map(([k, id]) => [k, items.find((p) => p.id === id)?.can.assignPanel]),
      );
    };
    expect(await listedBy(office)).toEqual({
      draft: false,
      published_for_comment: false,
      approved: true,
      closed: true,
    });
    // The unit's manager sees the plans but assigns no panels (the office does).
    expect(await listedBy(manager)).toEqual({
      draft: false,
      published_for_comment: false,
      approved: false,
      closed: false,
    });
    const detail = async (c: Client) =>
      (await c.get(`/api/plans/${ids.approved}`)).json().plan.can.assignPanel;
    expect(await detail(office)).toBe(true);
    expect(await detail(manager)).toBe(false);
    // The server holds the same rule: a panel for a draft or commented plan is refused, nothing assigned.
    const rater = await f.user([{ role: 'evaluator' }]);
    const assign = (planIds: string[]) =>
      office.post(`/api/cycles/${cycle.id}/tasks`, { planIds, subjectType: 'expert', raterIds: [rater.id] });
    const refused = await assign([ids.approved, ids.draft, ids.published_for_comment]);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().details.map((d: { path: string }) => d.path)).toEqual(['planIds.1', 'planIds.2']);
    expect(refused.json().details[0].message).toBe(
      'plan not approved: panels go to approved or closed plans',
    );
    const tasksOf = () => t.db.select().from(evaluationTasks).where(eq(evaluationTasks.raterId, rater.id));
    expect(await tasksOf()).toHaveLength(0);
    const ok = await assign([ids.approved, ids.closed]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().created).toBe(2);
    expect(await tasksOf()).toHaveLength(2);
  });
});
