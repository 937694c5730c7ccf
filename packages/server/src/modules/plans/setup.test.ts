import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { roleAssignments, users } from '../../db/schema';
import { departmentTree } from './templates';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
/** Its own earlier cycles: an annual one in results (with the economic units' plans) and a term in evaluation. */
let c25: string;
let term: string;
let org: Map<string, { id: string; code: string; peerGroup: string | null; parentId: string | null }>;
/**
 * Its own city, built through the API (codes of its own): the performance office's unit without a peer
 * group, departments in two peer groups, three counties; one manager per unit (two for finance), each
 * by the unit's code; cadres of education and finance (a head whose term ended in 2026, a deputy).
 */
const ROOT = 'sc';
const UNITS: [code: string, name: string, nameEn: string, kind: string, peerGroup: string | null][] = [
  ['jx', '市绩效办', 'Performance Office', 'department', null],
  ['jy', '市教育局', 'Education Bureau', 'department', 'social'],
  ['wh', '市文化局', 'Culture Bureau', 'department', 'social'],
  ['cz', '市财政局', 'Finance Bureau', 'department', 'economic'],
  ['sw', '市商务局', 'Commerce Bureau', 'department', 'economic'],
  ['x1', '甲县人民政府', 'County A', 'district', 'county'],
  ['x2', '乙县人民政府', 'County B', 'district', 'county'],
  ['x3', '丙县人民政府', 'County C', 'district', 'county'],
];
const managers: Record<string, FactoryUser> = {};
const managerOf = (code: string) => managers[code].username;
let finHead: FactoryUser;
let verifier: FactoryUser;
let citizen: FactoryUser;
/** A new 2027 annual cycle set up from templates. */
let c27: string;
/** A second 2027 cycle set up by copying the 2025 plans. */
let copyCycle: string;

interface Outcome {
  appraiseeType: string;
  orgUnitId: string;
  personId: string | null;
  outcome: 'created' | 'exists' | 'skipped';
  planId?: string;
  title?: string;
  titleEn?: string | null;
  source?: string;
  templateId?: string;
  fromPlanId?: string;
  fallback?: boolean;
  targetsToSet?: number;
  ownerId?: string | null;
  owner?: { username: string } | null;
  reason?: string;
}
interface Node {
  code: string;
  name?: string;
  children?: Node[];
  rule?: { type: string; baseline?: number; target?: number };
  baseline?: number;
  target?: number;
}
const find = (tree: Node[], code: string): Node => {
  for (const n of tree) {
    if (n.code === code) return n;
    const c = n.children && find(n.children, code);
    if (c) return c;
  }
  return undefined as unknown as Node;
};

const unitId = (code: string) => org.get(code)!.id;
const newCycle = async (code: string) => {
  const res = await office.post('/api/cycles', {
    code,
    name: '2027年度综合考核',
    nameEn: '2027 Annual Appraisal',
    type: 'annual',
    periodStart: '2027-01-01',
    periodEnd: '2027-12-31',
  });
  expect(res.statusCode).toBe(201);
  return res.json().cycle.id as string;
};

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'setup');
  office = await (await f.user([{ role: 'office' }])).login();
  const post = async (url: string, body: object) => {
    const res = await office.post(url, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const root = (
    await post('/api/orgs', { code: ROOT, name: '测试市人民政府', kind: 'government', parentId: null })
  ).unit.id;
  const ids: Record<string, string> = {};
  for (const [code, name, nameEn, kind, peerGroup] of UNITS) {
    ids[code] = (
      await post('/api/orgs', {
        code,
        name,
        nameEn,
        kind,
        parentId: root,
        ...(peerGroup ? { peerGroup } : {}),
      })
    ).unit.id;
    if (peerGroup) managers[code] = await f.user([{ role: 'unit_manager', orgUnitId: ids[code] }]);
  }
  finHead = await f.user([{ role: 'appraisee', orgUnitId: ids.cz }]);
  verifier = await f.user([{ role: 'verifier' }]);
  citizen = await f.user([{ role: 'public' }]);
  for (const code of ['jy', 'cz']) {
    await post('/api/people', {
      code: `${code}-1`,
      name: `${code} 局长`,
      position: '局长（主任）',
      orgUnitId: ids[code],
      termStart: '2021-06-01',
      termEnd: '2026-05-31',
    });
    await post('/api/people', {
      code: `${code}-2`,
      name: `${code} 副局长`,
      position: '副局长（副主任）',
      orgUnitId: ids[code],
      termStart: '2023-03-01',
    });
  }
  // The earlier annual cycle, in results, with the economic units' plans of the department template.
  const earlier = await f.cycle({ year: 2025, stage: 'planning' });
  c25 = earlier.id;
  for (const code of ['cz', 'sw'])
    await f.plan({ cycleId: c25, orgUnitId: ids[code], tree: departmentTree() });
  await f.stage(c25, 'results');
  term = (await f.cycle({ year: 2025, type: 'term', stage: 'evaluation' })).id;
  const orgs = (await office.get('/api/orgs')).json().items;
  org = new Map(orgs.map((o: { code: string }) => [o.code, o]));
  c27 = await newCycle('2027-annual');
  copyCycle = await newCycle('2027-annual-copy');
});
afterAll(async () => t.close());

describe('plan templates', () => {
  it('lists the templates with their trees to any logged-in user', async () => {
    const res = await (await managers.jy.login()).get('/api/plan-templates');
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((i: { id: string }) => i.id)).toEqual([
      'district-annual',
      'department-annual',
      'cadre-annual',
      'blank',
    ]);
    const cadre = items.find((i: { id: string }) => i.id === 'cadre-annual');
    expect(cadre).toMatchObject({ appraiseeTypes: ['cadre'], leaves: 5 });
    expect(cadre.tree.map((n: Node) => n.code)).toEqual(['DE', 'NENG', 'QIN', 'JI', 'LIAN']);
    expect((await t.anon.get('/api/plan-templates')).statusCode).toBe(401);
  });
});

describe('bulk plan set-up from templates', () => {
  it('creates the plans of one peer group with titles and default owners', async () => {
    const res = await office.post('/api/plans/bulk', {
      cycleId: c27,
      target: { appraiseeType: 'unit', peerGroup: 'county' },
      source: { kind: 'template', template: 'district-annual' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const counties = [...org.values()].filter((o) => o.peerGroup === 'county');
    expect(counties.length).toBeGreaterThan(0);
    expect(body).toMatchObject({ created: counties.length, existing: 0, skipped: 0, withoutOwner: 0 });
    const items: Outcome[] = body.items;
    expect(items.map((i) => i.orgUnitId).sort()).toEqual(counties.map((c) => c.id).sort());
    for (const i of items) {
      const code = counties.find((c) => c.id === i.orgUnitId)!.code;
      expect(i).toMatchObject({ outcome: 'created', source: 'template', templateId: 'district-annual' });
      expect(i.owner?.username).toBe(managerOf(code));
      expect(i.title).toMatch(/2027年度绩效计划$/);
      expect(i.titleEn).toMatch(/ 2027 performance plan$/);
    }
    const plan = (await office.get(`/api/plans/${items[0].planId}`)).json();
    expect(plan.plan).toMatchObject({ status: 'draft', peerGroup: 'county', ownerId: items[0].ownerId });
    expect(plan.tree.map((n: Node) => n.code)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G1', 'H1']);
    expect(plan.problems).toEqual([]);
  });

  it('creates the others of all units, leaves existing plans and reports units without a peer group', async () => {
    // A unit with two unit managers gets no default owner.
    const [head] = await t.db.select().from(users).where(eq(users.username, finHead.username));
    await t.db
      .insert(roleAssignments)
      .values({ userId: head.id, role: 'unit_manager', orgUnitId: unitId('cz') });
    const res = await office.post('/api/plans/bulk', {
      cycleId: c27,
      target: { appraiseeType: 'unit' },
      source: { kind: 'template', template: 'department-annual' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const items: Outcome[] = body.items;
    const appraisable = [...org.values()].filter((o) => o.parentId);
    const root = [...org.values()].find((o) => !o.parentId)!;
    expect(items).toHaveLength(appraisable.length);
    expect(items.some((i) => i.orgUnitId === root.id)).toBe(false);
    const counties = appraisable.filter((o) => o.peerGroup === 'county').length;
    const noGroup = appraisable.filter((o) => !o.peerGroup);
    expect(noGroup.map((o) => o.code)).toEqual(['jx']);
    expect(body).toMatchObject({
      existing: counties,
      skipped: 1,
      created: appraisable.length - counties - 1,
      withoutOwner: 1,
    });
    expect(items.find((i) => i.orgUnitId === unitId('jx'))).toMatchObject({
      outcome: 'skipped',
      reason: 'no_peer_group',
    });
    expect(items.find((i) => i.orgUnitId === unitId('cz'))).toMatchObject({
      outcome: 'created',
      ownerId: null,
    });
    const edu = items.find((i) => i.orgUnitId === unitId('jy'))!;
    expect(edu.title).toBe('市教育局2027年度绩效计划');
    const tree = (await office.get(`/api/plans/${edu.planId}`)).json().tree;
    expect(find(tree, 'A1').name).toContain('请填写本单位具体任务');
  });

  it('re-run creates nothing and reports every plan as existing', async () => {
    const res = await office.post('/api/plans/bulk', {
      cycleId: c27,
      target: { appraiseeType: 'unit' },
      source: { kind: 'template', template: 'department-annual' },
    });
    const appraisable = [...org.values()].filter((o) => o.parentId).length;
    expect(res.json()).toMatchObject({ created: 0, existing: appraisable - 1, skipped: 1 });
    const listed = (await office.get(`/api/plans?cycleId=${c27}&appraiseeType=unit`)).json().items;
    expect(listed).toHaveLength(appraisable - 1);
  });

  it('creates cadre plans for the cadres whose term overlaps the period', async () => {
    const people: { id: string; code: string; termStart: string | null; termEnd: string | null }[] = (
      await office.get('/api/people')
    ).json().items;
    const overlapping = people.filter(
      (p) => (!p.termStart || p.termStart <= '2027-12-31') && (!p.termEnd || p.termEnd >= '2027-01-01'),
    );
    // The heads' terms end in May 2026: not appraised in 2027; their deputies' terms are open.
    expect(overlapping.length).toBeGreaterThan(0);
    expect(overlapping.length).toBeLessThan(people.length);
    const wrongTemplate = await office.post('/api/plans/bulk', {
      cycleId: c27,
      target: { appraiseeType: 'cadre' },
      source: { kind: 'template', template: 'district-annual' },
    });
    expect(wrongTemplate.statusCode).toBe(400);
    expect(wrongTemplate.json().details).toEqual([
      { path: 'source.template', message: 'not a cadre template' },
    ]);

    const res = await office.post('/api/plans/bulk', {
      cycleId: c27,
      target: { appraiseeType: 'cadre' },
      source: { kind: 'template', template: 'cadre-annual' },
    });
    expect(res.statusCode).toBe(200);
    const items: Outcome[] = res.json().items;
    expect(items.map((i) => i.personId).sort()).toEqual(overlapping.map((p) => p.id).sort());
    expect(res.json().created).toBe(overlapping.length);
    // The education deputy's plan goes to education's manager; finance has two managers (above): none.
    const codeOf = (i: Outcome) => overlapping.find((p) => p.id === i.personId)!.code;
    const one = items.find((i) => codeOf(i) === 'jy-2')!;
    expect(one.title).toMatch(/（.+）2027年度考核计划$/);
    expect(one.owner?.username).toBe(managerOf('jy'));
    expect(items.find((i) => codeOf(i) === 'cz-2')).toMatchObject({ outcome: 'created', ownerId: null });
  });
});

describe('single plan create', () => {
  it('creates one plan, refuses a second and an appraisee outside the cycle', async () => {
    const people: { id: string; code: string }[] = (await office.get('/api/people')).json().items;
    const head = people.find((p) => p.code === 'jy-1')!;
    const outside = await office.post('/api/plans', {
      appraiseeType: 'cadre',
      cycleId: c27,
      personId: head.id,
      source: { kind: 'template', template: 'cadre-annual' },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().details).toEqual([{ path: 'personId', message: 'term outside the cycle period' }]);

    const exists = await office.post('/api/plans', {
      appraiseeType: 'unit',
      cycleId: c27,
      orgUnitId: unitId('jy'),
      source: { kind: 'template', template: 'blank' },
    });
    expect(exists.statusCode).toBe(409);
    expect(exists.json()).toMatchObject({ error: 'plan_exists', details: [{ path: 'orgUnitId' }] });

    const noGroup = await office.post('/api/plans', {
      appraiseeType: 'unit',
      cycleId: c27,
      orgUnitId: unitId('jx'),
      source: { kind: 'template', template: 'blank' },
    });
    expect(noGroup.statusCode).toBe(400);
    expect(noGroup.json().details).toEqual([{ path: 'orgUnitId', message: 'no peer group' }]);

    const created = await office.post('/api/plans', {
      appraiseeType: 'unit',
      cycleId: copyCycle,
      orgUnitId: unitId('jy'),
      source: { kind: 'template', template: 'blank' },
      ownerId: verifier.id,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().plan).toMatchObject({
      title: '市教育局2027年度绩效计划',
      status: 'draft',
      owner: { username: verifier.username },
    });
  });
});

describe('bulk plan set-up by copying an earlier cycle', () => {
  let newUnit: string;
  it('copies the 2025 plans with targets carried as baselines, skipping units without a plan', async () => {
    const created = await office.post('/api/orgs', {
      code: 'bigdata',
      name: '市数据局',
      nameEn: 'City Data Bureau',
      kind: 'department',
      parentId: unitId(ROOT),
      peerGroup: 'economic',
    });
    expect(created.statusCode).toBe(201);
    newUnit = created.json().unit?.id ?? created.json().orgUnit?.id ?? created.json().id;
    expect(newUnit).toBeTruthy();

    const res = await office.post('/api/plans/bulk', {
      cycleId: copyCycle,
      target: { appraiseeType: 'unit', peerGroup: 'economic' },
      source: { kind: 'copy', fromCycleId: c25 },
    });
    expect(res.statusCode).toBe(200);
    const items: Outcome[] = res.json().items;
    expect(items.find((i) => i.orgUnitId === newUnit)).toMatchObject({
      outcome: 'skipped',
      reason: 'no_earlier_plan',
    });
    const fin = items.find((i) => i.orgUnitId === unitId('cz'))!;
    expect(fin).toMatchObject({ outcome: 'created', source: 'copy' });
    expect(fin.targetsToSet).toBeGreaterThan(0);

    const old = (await office.get(`/api/plans/${fin.fromPlanId}`)).json();
    const now = (await office.get(`/api/plans/${fin.planId}`)).json();
    expect(old.plan.cycleId).toBe(c25);
    // Linear leaf: last cycle's target is the new baseline; the target is the owner's to set.
    const a1Old = find(old.tree, 'A1');
    const a1 = find(now.tree, 'A1');
    expect(a1Old.rule).toMatchObject({ type: 'linear', baseline: 80, target: 100 });
    expect(a1.rule).toMatchObject({ type: 'linear', baseline: 100, target: 100 });
    expect(a1.baseline).toBe(100);
    expect(a1.target).toBeUndefined();
    // Ratio leaf: the target carries over and becomes the baseline as well.
    expect(find(now.tree, 'A3')).toMatchObject({
      baseline: 100,
      target: 100,
      rule: { type: 'ratio', target: 100 },
    });
    const flagged = now.problems.filter((p: { kind: string }) => p.kind === 'ruleTarget');
    expect(flagged).toHaveLength(fin.targetsToSet!);
    expect(flagged.map((p: { code: string }) => p.code)).toContain('A1');

    // Until every target is set the plan cannot be submitted.
    const submit = await office.post(`/api/plans/${fin.planId}/submit`);
    expect(submit.statusCode).toBe(409);
    expect(submit.json().error).toBe('invalid_tree');
  });

  it('a re-run with a fallback template creates only the missing plan', async () => {
    const res = await office.post('/api/plans/bulk', {
      cycleId: copyCycle,
      target: { appraiseeType: 'unit', peerGroup: 'economic' },
      source: { kind: 'copy', fromCycleId: c25, fallbackTemplate: 'department-annual' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.created).toBe(1);
    expect(body.skipped).toBe(0);
    expect(body.existing).toBe(body.items.length - 1);
    expect(body.items.find((i: Outcome) => i.orgUnitId === newUnit)).toMatchObject({
      outcome: 'created',
      source: 'template',
      templateId: 'department-annual',
      fallback: true,
    });
  });

  it('refuses to copy from the same or a later cycle', async () => {
    for (const from of [copyCycle, c27]) {
      const res = await office.post('/api/plans/bulk', {
        cycleId: copyCycle,
        target: { appraiseeType: 'unit' },
        source: { kind: 'copy', fromCycleId: from },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().details[0].path).toBe('source.fromCycleId');
    }
  });
});

describe('guards', () => {
  it('answers 409 naming the stage outside mission analysis and planning', async () => {
    const res = await office.post('/api/plans/bulk', {
      cycleId: term,
      target: { appraiseeType: 'cadre' },
      source: { kind: 'template', template: 'cadre-annual' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      error: 'wrong_stage',
      details: [{ path: 'cycleId', message: 'stage is evaluation' }],
    });
    const one = await office.post('/api/plans', {
      appraiseeType: 'unit',
      cycleId: c25,
      orgUnitId: unitId('jy'),
      source: { kind: 'template', template: 'blank' },
    });
    expect(one.statusCode).toBe(409);
    expect(one.json().details).toEqual([{ path: 'cycleId', message: 'stage is results' }]);
  });

  it('is for the office only', async () => {
    const manager = await managers.jy.login();
    const plans = (await office.get(`/api/plans?cycleId=${c27}`)).json().items;
    const calls = [
      manager.post('/api/plans/bulk', {
        cycleId: c27,
        target: { appraiseeType: 'unit' },
        source: { kind: 'template', template: 'department-annual' },
      }),
      manager.post('/api/plans', {
        appraiseeType: 'unit',
        cycleId: c27,
        orgUnitId: unitId('jy'),
        source: { kind: 'template', template: 'blank' },
      }),
      manager.post('/api/plans/bulk-approve', { planIds: [plans[0].id] }),
      manager.put(`/api/plans/${plans[0].id}/owner`, { ownerId: null }),
      manager.post('/api/plans/default-owners', { cycleId: c27 }),
    ];
    for (const res of await Promise.all(calls)) expect(res.statusCode).toBe(403);
  });
});

describe('plan owners', () => {
  it('the owner edits and sees the plan; a manager of another unit does not', async () => {
    const plans = (await office.get(`/api/plans?cycleId=${c27}&appraiseeType=unit`)).json().items;
    const edu = plans.find((p: { orgUnitId: string }) => p.orgUnitId === unitId('jy'));
    expect(edu.owner.username).toBe(managerOf('jy'));
    const finManager = managers.cz;
    const set = await office.put(`/api/plans/${edu.id}/owner`, { ownerId: finManager.id });
    expect(set.statusCode).toBe(200);
    expect(set.json().plan).toMatchObject({
      ownerId: finManager.id,
      owner: { username: finManager.username },
    });

    const owner = await finManager.login();
    const { plan, tree } = (await owner.get(`/api/plans/${edu.id}`)).json();
    expect(plan.owner.username).toBe(finManager.username);
    tree[0].name = '核心职能目标（责任人修订）';
    const saved = await owner.put(`/api/plans/${edu.id}/tree`, { tree, version: plan.version });
    expect(saved.statusCode).toBe(200);
    const listed = (await owner.get(`/api/plans?cycleId=${c27}`))
      .json()
      .items.map((p: { id: string }) => p.id);
    expect(listed).toContain(edu.id);

    const other = await managers.wh.login();
    expect((await other.get(`/api/plans/${edu.id}`)).statusCode).toBe(403);
    expect(
      (await other.put(`/api/plans/${edu.id}/tree`, { tree, version: plan.version + 1 })).statusCode,
    ).toBe(403);
    // The unit's own manager keeps the rights derived from the role.
    expect((await (await managers.jy.login()).get(`/api/plans/${edu.id}`)).statusCode).toBe(200);

    // A new owner takes the plan over: the former owner loses the rights.
    const cleared = await office.put(`/api/plans/${edu.id}/owner`, { ownerId: null });
    expect(cleared.json().plan).toMatchObject({ ownerId: null, owner: null });
    expect((await owner.get(`/api/plans/${edu.id}`)).statusCode).toBe(403);

    const unknown = await office.put(`/api/plans/${edu.id}/owner`, {
      ownerId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details).toEqual([{ path: 'ownerId', message: 'unknown user' }]);
  });

  it('gives the default owner to plans without one', async () => {
    const all = (await office.get(`/api/plans?cycleId=${c27}`)).json().items;
    const ofFin = all.filter((p: { orgUnitId: string }) => p.orgUnitId === unitId('cz'));
    expect(ofFin.length).toBeGreaterThan(1); // the unit's plan and its cadres' plans
    const res = await office.post('/api/plans/default-owners', { cycleId: c27 });
    expect(res.statusCode).toBe(200);
    // Education (cleared above) gets its manager back; finance has two managers, so its plans stay without.
    expect(res.json()).toEqual({ assigned: 1, withoutOwner: ofFin.length });
    const edu = (
      await office.get(`/api/plans?cycleId=${c27}&orgUnitId=${unitId('jy')}&appraiseeType=unit`)
    ).json().items[0];
    expect(edu.owner.username).toBe(managerOf('jy'));
  });
});

describe('bulk approve', () => {
  it('approves each plan that passes the single-approval checks and reports why the others fail', async () => {
    const plans = (await office.get(`/api/plans?cycleId=${c27}&appraiseeType=unit`)).json().items;
    const county = plans.filter((p: { peerGroup: string }) => p.peerGroup === 'county');
    const [ok, commented, draft] = county;
    for (const p of [ok, commented])
      expect((await office.post(`/api/plans/${p.id}/submit`)).json().plan.status).toBe(
        'published_for_comment',
      );
    const comment = await (
      await citizen.login()
    ).post(`/api/participation/plans/${commented.id}/comments`, {
      body: '空气质量目标应再提高',
    });
    expect(comment.statusCode).toBe(201);
    // The console selects the plans the server offers to approve (`can.approve`), the status rule approval refuses with.
    const canApprove = async (id: string) =>
      (await office.get(`/api/plans?cycleId=${c27}&appraiseeType=unit`))
        .json()
        .items.find((p: { id: string }) => p.id === id).can.approve;
    expect([await canApprove(ok.id), await canApprove(commented.id), await canApprove(draft.id)]).toEqual([
      true,
      true,
      false,
    ]);

    const res = await office.post('/api/plans/bulk-approve', {
      planIds: [ok.id, commented.id, draft.id, ok.id],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      approved: 1,
      refused: 2,
      items: [
        { planId: ok.id, outcome: 'approved', plan: { status: 'approved' } },
        {
          planId: commented.id,
          outcome: 'refused',
          error: 'unanswered_comments',
          details: [{ path: 'overrideReason' }],
        },
        { planId: draft.id, outcome: 'refused', error: 'conflict', details: [{ path: 'status' }] },
      ],
    });
    expect((await office.get(`/api/plans/${commented.id}`)).json().plan.status).toBe('published_for_comment');
    expect(await canApprove(ok.id)).toBe(false);

    const again = await office.post('/api/plans/bulk-approve', {
      planIds: [commented.id, ok.id],
      overrideReason: '意见已在计划说明会上当面答复',
    });
    expect(again.json()).toMatchObject({
      approved: 1,
      refused: 1,
      items: [
        {
          planId: commented.id,
          outcome: 'approved',
          plan: { overrideReason: '意见已在计划说明会上当面答复' },
        },
        { planId: ok.id, outcome: 'refused', details: [{ path: 'status' }] },
      ],
    });
    expect(await canApprove(commented.id)).toBe(false);
  });
});

describe('plan owners report values', () => {
  it('the owner of an approved plan reports; a manager of another unit may not', async () => {
    const plans = (await office.get(`/api/plans?cycleId=${c27}&appraiseeType=unit`)).json().items;
    const approved = plans.find((p: { status: string; peerGroup: string }) => p.status === 'approved');
    const cul = managers.wh;
    expect((await office.put(`/api/plans/${approved.id}/owner`, { ownerId: cul.id })).statusCode).toBe(200);
    const row = { indicatorCode: 'A1', period: '2027', value: 5.5 };
    const byOwner = await (await cul.login()).post(`/api/plans/${approved.id}/values`, row);
    expect(byOwner.statusCode).toBe(201);
    const byOther = await (await managers.jy.login()).post(`/api/plans/${approved.id}/values`, row);
    expect(byOther.statusCode).toBe(403);
  });
});

describe('audit', () => {
  it('every plan created, re-owned or approved above matches its last audit entry', async () => {
    const actions = (await office.get('/api/audit?limit=500'))
      .json()
      .items.map((e: { action: string }) => e.action);
    for (const a of ['plan.bulk_create', 'plan.create', 'plan.tree.save', 'plan.owner.set', 'plan.approve'])
      expect(actions).toContain(a);
    const { problems } = (await office.get('/api/audit/verify')).json();
    expect(problems.filter((p: { message: string }) => /^plan(_tree)?:/.test(p.message))).toEqual([]);
  });
});
