/**
 * Stage preconditions through the API: one cycle of its own walked from mission analysis to closed,
 * each precondition seen failing (409 naming its blockers) and then passing, plus overrides.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, cycles, orgUnits, plans } from '../../db/schema';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
let manager: Client;
let cycleId: string;
let planId: string;
/** The education unit, and the manager of another unit. */
let eduId: string;
let finManager: FactoryUser;
/** Three experts (evaluators) by name, and their ids. */
const expertUsers: Record<string, FactoryUser> = {};
const experts: Record<string, string> = {};

interface Check {
  code: string;
  ok: boolean;
  count: number;
  blockers: { id: string; label: string; info?: Record<string, unknown> }[];
}

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own unit and accounts (test/factories.ts); the cycle is created by the first test.
  const f = factory(t, 'pre');
  office = await (await f.user([{ role: 'office' }])).login();
  eduId = (await f.org({ name: '测试教育局' })).id;
  manager = await (await f.user([{ role: 'unit_manager', orgUnitId: eduId }])).login();
  finManager = await f.user([{ role: 'unit_manager', orgUnitId: (await f.org()).id }]);
  for (const name of ['expert01', 'expert02', 'expert03']) {
    expertUsers[name] = await f.user([{ role: 'evaluator' }]);
    experts[name] = expertUsers[name].id;
  }
});
afterAll(async () => t.close());

const move = (body: object) => office.post(`/api/cycles/${cycleId}/transition`, body);
const check = async (to?: string) =>
  (await office.get(`/api/cycles/${cycleId}/transition-check${to ? `?to=${to}` : ''}`)).json() as {
    from: string;
    to: string;
    checklist: Check[];
  };
const byCode = (list: Check[]) => Object.fromEntries(list.map((c) => [c.code, c]));

/** Asserts a 409 preconditions_failed naming exactly these failing codes (and the checklist failing `all`). */
function expectBlocked(res: Awaited<ReturnType<typeof move>>, codes: string[], all = codes) {
  expect(res.statusCode).toBe(409);
  const body = res.json();
  expect(body.error).toBe('preconditions_failed');
  expect([...new Set(body.details.map((d: { path: string }) => d.path))]).toEqual(
    codes.map((c) => `preconditions.${c}`),
  );
  expect(body.checklist.filter((c: Check) => !c.ok).map((c: Check) => c.code)).toEqual(all);
  return body as { details: { path: string; message: string }[]; checklist: Check[] };
}

describe('stage preconditions', () => {
  it('→ planning: the cycle must have a name, type and period', async () => {
    const created = await office.post('/api/cycles', {
      code: 'pre-2027',
      name: '2027年度前置条件测试',
      type: 'annual',
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
    });
    cycleId = created.json().cycle.id;
    // A cycle whose name was lost (imported or edited behind the API) may not move on.
    await t.db.update(cycles).set({ name: ' ' }).where(eq(cycles.id, cycleId));
    const c = await check();
    expect(c).toMatchObject({ from: 'mission_analysis', to: 'planning' });
    expect(byCode(c.checklist).cycle_defined).toMatchObject({ ok: false, blockers: [{ id: 'name' }] });
    expectBlocked(await move({ to: 'planning' }), ['cycle_defined']);

    await t.db.update(cycles).set({ name: '2027年度前置条件测试' }).where(eq(cycles.id, cycleId));
    expect((await check()).checklist).toEqual([
      { code: 'cycle_defined', ok: true, blockers: [], count: 0, checked: 3 },
    ]);
    const ok = await move({ to: 'planning' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ cycle: { stage: 'planning' }, overrides: [] });
  });

  it('→ execution: an empty cycle is blocked on plans and rules', async () => {
    const body = expectBlocked(await move({ to: 'execution' }), ['plans_exist', 'rules_set']);
    expect(body.details).toEqual([
      { path: 'preconditions.plans_exist', message: 'plans: plans 0' },
      { path: 'preconditions.rules_set', message: 'rules: versions 0' },
    ]);
  });

  it('→ execution: names each plan not approved, with an invalid tree, or unsigned', async () => {
    const [edu] = await t.db.select().from(orgUnits).where(eq(orgUnits.id, eduId));
    const [p] = await t.db
      .insert(plans)
      .values({
        cycleId,
        appraiseeType: 'unit',
        orgUnitId: edu.id,
        title: '2027年度教育局绩效计划',
        peerGroup: edu.peerGroup ?? 'departments',
      })
      .returning();
    planId = p.id;
    const rules = (await office.get(`/api/cycles/${cycleId}/rules`)).json().rules;
    expect(
      (await office.put(`/api/cycles/${cycleId}/rules`, { rules, note: '沿用默认办法' })).statusCode,
    ).toBe(200);

    let list = byCode((await check('execution')).checklist);
    expect(list.plans_exist.ok).toBe(true);
    expect(list.rules_set.ok).toBe(true);
    expect(list.plans_approved).toMatchObject({
      ok: false,
      count: 1,
      blockers: [{ id: planId, label: edu.name, info: { status: 'draft' } }],
    });
    const blocked = expectBlocked(await move({ to: 'execution' }), ['plans_approved']);
    expect(blocked.details[0].message).toBe(`${edu.name}: status draft`);

    const tree = [
      {
        code: 'A',
        name: '工作实绩',
        weight: 100,
        children: [
          { code: 'A1', name: '专家评价', weight: 100, subjects: [{ type: 'expert', weight: 100 }] },
        ],
      },
    ];
    expect((await manager.put(`/api/plans/${planId}/tree`, { tree, version: 1 })).statusCode).toBe(200);
    expect((await manager.post(`/api/plans/${planId}/submit`)).statusCode).toBe(200);
    expect((await office.post(`/api/plans/${planId}/approve`, {})).statusCode).toBe(200);

    list = byCode((await check('execution')).checklist);
    expect(list.plans_approved.ok).toBe(true);
    expect(list.trees_valid.ok).toBe(true);
    expect(list.plans_signed.blockers).toEqual([
      {
        id: planId,
        label: edu.name,
        labelEn: edu.nameEn,
        info: { unsigned: 'appraisee,office' },
        planId,
      },
    ]);
    expectBlocked(await move({ to: 'execution' }), ['plans_signed']);

    expect((await manager.post(`/api/plans/${planId}/signoffs`, { side: 'appraisee' })).statusCode).toBe(201);
    list = byCode((await check('execution')).checklist);
    expect(list.plans_signed.blockers[0].info).toEqual({ unsigned: 'office' });
    expect((await office.post(`/api/plans/${planId}/signoffs`, { side: 'office' })).statusCode).toBe(201);
    expect((await check('execution')).checklist.every((c) => c.ok)).toBe(true);
    expect((await move({ to: 'execution' })).statusCode).toBe(200);
  });

  it('→ evaluation: each rated leaf’s panel needs the minimum raters', async () => {
    const list = byCode((await check()).checklist);
    expect(list.rules_set.ok).toBe(true);
    expect(list.panels_staffed).toMatchObject({
      ok: false,
      checked: 1,
      // The panel's blocker names its plan, for the console to link to.
      blockers: [{ id: `${planId}|expert`, info: { subject: 'expert', raters: 0, min: 3 }, planId }],
    });
    const assign = (ids: string[]) =>
      office.post(`/api/cycles/${cycleId}/tasks`, {
        planIds: [planId],
        subjectType: 'expert',
        raterIds: ids,
      });
    expect((await assign([experts.expert01, experts.expert02])).statusCode).toBe(200);
    const blocked = expectBlocked(await move({ to: 'evaluation' }), ['panels_staffed']);
    expect(blocked.details[0].message).toMatch(/subject expert, raters 2, min 3$/);

    expect((await assign([experts.expert03])).statusCode).toBe(200);
    const ok = await move({ to: 'evaluation' });
    expect(ok.statusCode).toBe(200);
    // The transition froze the rules version that was set.
    expect((await t.anon.get(`/api/public/cycles/${cycleId}/regulations`)).json().version).toBe(1);
  });

  it('→ feedback: results computed, complete and fresh', async () => {
    expectBlocked(await move({ to: 'feedback' }), ['results_computed']);
    const rate = async (who: string, score: number) => {
      const c = await expertUsers[who].login();
      const r = await c.post(`/api/plans/${planId}/ratings`, {
        indicatorCode: 'A1',
        subjectType: 'expert',
        score,
      });
      expect(r.statusCode).toBe(201);
    };
    await rate('expert01', 80);
    expect((await office.post(`/api/cycles/${cycleId}/compute?wait=true`)).statusCode).toBe(200);
    // One rater of three: the panel is short, the result incomplete.
    const incomplete = expectBlocked(await move({ to: 'feedback' }), ['results_complete']);
    expect(byCode(incomplete.checklist).results_complete.blockers[0]).toMatchObject({ id: planId });

    await rate('expert02', 90);
    await rate('expert03', 70);
    // Ratings arrived after the compute: the result is stale (and still marked incomplete).
    const stale = byCode((await check()).checklist);
    expect(stale.results_fresh).toMatchObject({ ok: false, blockers: [{ id: planId }] });
    expect((await office.post(`/api/cycles/${cycleId}/compute?wait=true`)).statusCode).toBe(200);
    expect((await check()).checklist.every((c) => c.ok)).toBe(true);
    expect((await move({ to: 'feedback' })).statusCode).toBe(200);
  });

  it('→ results: the results must be published', async () => {
    expectBlocked(await move({ to: 'results' }), ['results_published']);
    expect((await office.post(`/api/cycles/${cycleId}/publish-results`, {})).statusCode).toBe(200);
    expect((await move({ to: 'results' })).statusCode).toBe(200);
  });

  it('going back before evaluation is refused once results are published', async () => {
    const res = await move({ to: 'feedback', reason: '复核结果' });
    expect(res.statusCode).toBe(200);
    const back = await office.post(`/api/cycles/${cycleId}/transition`, {
      to: 'execution',
      reason: '想重新调整计划',
    });
    // Not one step: the stage order refuses first (409 naming `to`).
    expect(back.statusCode).toBe(409);
    // Back step by step: evaluation is allowed, execution not.
    expect((await move({ to: 'evaluation', reason: '复核评分' })).statusCode).toBe(200);
    const refused = await move({ to: 'execution', reason: '想重新调整计划' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: 'cycle_published',
      details: [{ path: 'to', message: 'results published' }],
    });
    expect((await move({ to: 'feedback' })).statusCode).toBe(200);
    expect((await move({ to: 'results' })).statusCode).toBe(200);
  });

  it('→ closed: pending appeals and the open appeal window block', async () => {
    const result = (await office.get(`/api/cycles/${cycleId}/results`)).json().items[0];
    const appeal = await manager.post(`/api/results/${result.id}/appeals`, {
      indicatorCode: 'A1',
      reason: '专家评分未考虑年底完成的项目',
    });
    expect(appeal.statusCode).toBe(201);
    const blocked = expectBlocked(await move({ to: 'closed' }), ['appeals_decided', 'appeal_window_over']);
    expect(byCode(blocked.checklist).appeals_decided.blockers).toEqual([
      expect.objectContaining({
        id: appeal.json().appeal.id,
        info: { indicator: 'A1' },
        appealId: appeal.json().appeal.id,
      }),
    ]);

    const decided = await office.post(`/api/appeals/${appeal.json().appeal.id}/decide`, {
      decision: 'rejected',
      reason: '评分依据充分',
    });
    expect(decided.statusCode).toBe(200);
    expectBlocked(await move({ to: 'closed' }), ['appeal_window_over']);
    // The window (15 days by default) is over when the publication lies 16 days back.
    await t.db.execute(
      sql`update cycles set results_published_at = now() - interval '16 days' where id = ${cycleId}`,
    );
    expect((await check()).checklist.every((c) => c.ok)).toBe(true);
    expect((await move({ to: 'closed' })).statusCode).toBe(200);
    expect((await office.get(`/api/cycles/${cycleId}/transition-check`)).statusCode).toBe(409);
  });
});

describe('overrides', () => {
  let empty: string;
  beforeAll(async () => {
    const created = await office.post('/api/cycles', {
      code: 'override-2027',
      name: '跳过前置条件测试',
      type: 'regular',
      periodStart: '2027-01-01',
      periodEnd: '2027-06-30',
    });
    empty = created.json().cycle.id;
    expect((await office.post(`/api/cycles/${empty}/transition`, { to: 'planning' })).statusCode).toBe(200);
  });

  it('needs a written reason per override, and a code of this transition', async () => {
    const res = await office.post(`/api/cycles/${empty}/transition`, {
      to: 'execution',
      overrides: [
        { code: 'plans_exist', reason: '太短' },
        { code: 'results_published', reason: '这条不属于本环节的前置条件' },
        { code: 'nonsense', reason: '这条前置条件并不存在的' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toEqual([
      'overrides.0.reason',
      'overrides.1.code',
      'overrides.2.code',
    ]);
    expect((await office.get(`/api/cycles/${empty}`)).json().cycle.stage).toBe('planning');
  });

  it('refuses a move with one failing check left uncovered', async () => {
    const res = await office.post(`/api/cycles/${empty}/transition`, {
      to: 'execution',
      overrides: [{ code: 'plans_exist', reason: '本期计划由上级下达，随后补录' }],
    });
    expectBlocked(res, ['rules_set'], ['plans_exist', 'rules_set']);
  });

  it('stores, audits and publishes an override with its reason and the blockers it skipped', async () => {
    const res = await office.post(`/api/cycles/${empty}/transition`, {
      to: 'execution',
      overrides: [
        { code: 'plans_exist', reason: '本期计划由上级下达，随后补录' },
        { code: 'rules_set', reason: '沿用上一年度考核办法，待党组会审议后录入' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { overrides } = res.json();
    expect(overrides.map((o: { code: string }) => o.code)).toEqual(['plans_exist', 'rules_set']);
    expect(overrides[0]).toMatchObject({
      from: 'planning',
      to: 'execution',
      reason: '本期计划由上级下达，随后补录',
      blockers: { count: 1, blockers: [{ id: 'plans' }] },
    });

    const detail = (await office.get(`/api/cycles/${empty}`)).json();
    expect(detail.overrides).toHaveLength(2);
    const audited = await t.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.action, 'cycle.precondition.override'), eq(auditLog.entityType, 'cycle_override')),
      );
    expect(audited.map((a) => a.entityId).sort()).toEqual(overrides.map((o: { id: string }) => o.id).sort());
    expect(audited.every((a) => a.entityHash)).toBe(true);

    const pub = await t.anon.get(`/api/public/cycles/${empty}/stages`);
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({
      cycle: { id: empty, stage: 'execution' },
      transitions: [
        { from: 'mission_analysis', to: 'planning' },
        { from: 'planning', to: 'execution' },
      ],
      overrides: [
        { code: 'plans_exist', reason: '本期计划由上级下达，随后补录' },
        { code: 'rules_set', reason: '沿用上一年度考核办法，待党组会审议后录入' },
      ],
    });
    expect(JSON.stringify(pub.json())).not.toContain('actor');
    // An override is tamper-evident like the other audited rows.
    const verify = await office.get('/api/audit/verify');
    expect(verify.json().ok).toBe(true);
  });

  it('lets only the office check or move, and overrides nothing on the way back', async () => {
    const mgr = await finManager.login();
    expect((await mgr.get(`/api/cycles/${empty}/transition-check`)).statusCode).toBe(403);
    expect(
      (
        await mgr.post(`/api/cycles/${empty}/transition`, {
          to: 'evaluation',
          overrides: [{ code: 'panels_staffed', reason: '部门经理无权跳过任何前置条件' }],
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.anon.get(`/api/cycles/${empty}/transition-check`)).statusCode).toBe(401);
    const back = await office.post(`/api/cycles/${empty}/transition`, {
      to: 'planning',
      reason: '补录计划',
      overrides: [{ code: 'plans_exist', reason: '退回时没有前置条件可跳过' }],
    });
    expect(back.statusCode).toBe(400);
    expect(back.json().details).toEqual([
      { path: 'overrides.0.code', message: 'not a precondition of planning' },
    ]);
  });
});
