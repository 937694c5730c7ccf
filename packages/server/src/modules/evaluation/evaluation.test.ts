import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cadreTree } from '../plans/templates';
import { factory, type FactoryAppraisal, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { DEFAULT_CONSEQUENCE_RULES } from './rules';

let t: TestApp;
let office: Client;
/** annual: computed and published, then unpublished below; term: in evaluation; next: in planning. */
const cycle: Record<'annual' | 'term' | 'next', string> = {} as never;
let annual: FactoryAppraisal;
/** The unit of the term cycle's cadre: its manager, its head (the cadre) and an expert. */
const who: Record<'office' | 'eduManager' | 'eduHead' | 'expert', FactoryUser> = {} as never;
let eduPlan: string;

interface Result {
  id: string;
  planId: string;
  appraiseeType: string;
  appraiseeName: string;
  orgUnitId: string;
  grade: string;
  total: number;
  veto: { triggered: boolean };
  sensitivity: { baseRank: number; rankMin: number; rankMax: number; sameRankShare: number } | null;
  consequences: { kind: string; value: unknown; reason: string }[];
}

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'ev');
  who.office = await f.user([{ role: 'office' }]);
  office = await who.office.login();

  // The annual cycle at the demo's scale and with its rules: 27 units in three peer groups, five cadres
  // each (162 results), panels of five leaders, peers and deputies and five residents, one unit's veto
  // item failed; published (revision 1 of every result).
  const a = await f.cycle({ year: 2031, stage: 'planning' });
  cycle.annual = a.id;
  await f.rules(a.id, {
    trimEachSide: 1,
    minRaters: 3,
    unitShareForCadres: 0.2,
    consequenceRules: DEFAULT_CONSEQUENCE_RULES,
  });
  annual = await f.appraisal({
    cycleId: a.id,
    groups: [
      { kind: 'department', units: 9 },
      { kind: 'department', units: 9 },
      { kind: 'district', units: 9 },
    ],
    cadresPerUnit: 5,
    panel: { superior: 5, peer: 5, deputy: 5, public: 5 },
    veto: 18,
    publish: true,
  });
  // A published cycle's inputs are frozen (results/publication.test.ts): this file works on an
  // unpublished copy of it.
  await t.db.execute(sql`update cycles set results_published_at = null where id = ${a.id}`);

  // The term cycle in evaluation: the approved plan of the education unit's head.
  const term = await f.cycle({ type: 'term', year: 2030, stage: 'planning' });
  cycle.term = term.id;
  const edu = await f.org({ name: '教育局' });
  who.eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  who.eduHead = await f.user([{ role: 'appraisee', orgUnitId: edu.id }]);
  who.expert = await f.user([{ role: 'evaluator' }]);
  const head = await f.person({ orgUnitId: edu.id, userId: who.eduHead.id });
  eduPlan = (await f.plan({ cycleId: term.id, orgUnitId: edu.id, personId: head.id, tree: cadreTree() })).id;
  await f.stage(term.id, 'evaluation');

  // The next annual cycle in planning, its unit plan a draft.
  const next = await f.cycle({ year: 2032, stage: 'planning' });
  cycle.next = next.id;
  // The office's draft rules of the next cycle (version 1), before it reaches evaluation.
  await f.rules(next.id, {});
  await f.plan({ cycleId: next.id, orgUnitId: edu.id, status: 'draft' });
});
afterAll(async () => t.close());

describe('cycle rules', () => {
  it('versions rule changes before evaluation, freezes them when evaluation starts, and publishes them', async () => {
    const next = cycle.next;
    const { rules, versions } = (await office.get(`/api/cycles/${next}/rules`)).json();
    expect(versions).toHaveLength(1);
    const changed = await office.put(`/api/cycles/${next}/rules`, {
      rules: { ...rules, minRaters: 5 },
      note: '每个评价组至少5人',
    });
    expect(changed.json().version.version).toBe(2);
    expect((await t.anon.get(`/api/public/cycles/${next}/regulations`)).statusCode).toBe(404);

    // The next cycle's plan is a draft: the preconditions are overridden, with a reason, to reach evaluation.
    for (const to of ['execution', 'evaluation']) {
      const { checklist } = (await office.get(`/api/cycles/${next}/transition-check?to=${to}`)).json();
      const overrides = checklist
        .filter((c: { ok: boolean }) => !c.ok)
        .map((c: { code: string }) => ({ code: c.code, reason: '测试规则冻结，计划尚未审定' }));
      if (to === 'execution') expect(overrides.length).toBeGreaterThan(0);
      expect((await office.post(`/api/cycles/${next}/transition`, { to, overrides })).statusCode).toBe(200);
    }
    const regs = (await t.anon.get(`/api/public/cycles/${next}/regulations`)).json();
    expect(regs).toMatchObject({ version: 2, rules: { minRaters: 5 } });
    const refused = await office.put(`/api/cycles/${next}/rules`, { rules });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe('frozen');
  });

  it('names bad rule fields', async () => {
    const res = await office.put(`/api/cycles/${cycle.next}/rules`, {
      rules: { trimEachSide: -1, unitShareForCadres: 0.9, consequenceRules: [{ kind: 'medal' }] },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'rules.trimEachSide',
        'rules.unitShareForCadres',
        'rules.consequenceRules.0.kind',
      ]),
    );
  });
});

describe('rater panels', () => {
  it('assigns a panel and excludes conflicts of interest: self-rating and own unit as an external subject', async () => {
    const term = cycle.term;
    const me = async (u: FactoryUser) => (await (await u.login()).get('/api/auth/me')).json().user.id;
    const [expert, manager, head] = [await me(who.expert), await me(who.eduManager), await me(who.eduHead)];
    const res = await office.post(`/api/cycles/${term}/tasks`, {
      planIds: [eduPlan],
      subjectType: 'expert',
      raterIds: [expert, manager, head],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().created).toBe(1);
    expect(
      res.json().skipped.map((s: { raterId: string; reason: string }) => [s.raterId, s.reason.split(' ')[0]]),
    ).toEqual([
      [manager, 'rater'],
      [head, 'self-rating'],
    ]);
    const tasks = (await (await who.expert.login()).get('/api/ratings/tasks')).json().items;
    expect(tasks.map((x: { planId: string }) => x.planId)).toEqual([eduPlan]);
    const bad = await office.post(`/api/cycles/${term}/tasks`, {
      planIds: ['00000000-0000-4000-8000-000000000000'],
      subjectType: 'expert',
      raterIds: [expert],
    });
    expect(bad.json().details).toEqual([{ path: 'planIds.0', message: 'no such plan in this cycle' }]);
    expect(
      (
        await (
          await who.eduManager.login()
        ).post(`/api/cycles/${term}/tasks`, {
          planIds: [eduPlan],
          subjectType: 'expert',
          raterIds: [expert],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('creates a scoped third-party account that logs in and sees only its own tasks', async () => {
    const res = await office.post('/api/evaluation/third-parties', {
      username: 'survey.institute',
      displayName: '江宁大学公共管理评估中心',
    });
    expect(res.statusCode).toBe(201);
    const { user, password } = res.json();
    const login = await t.anon.post('/api/auth/login', { username: 'survey.institute', password });
    expect(login.statusCode).toBe(200);
    expect(user.username).toBe('survey.institute');
    const again = await office.post('/api/evaluation/third-parties', {
      username: 'survey.institute',
      displayName: 'x',
    });
    expect(again.statusCode).toBe(409);
  });

  it('reports rater leniency and panel agreement to the office only', async () => {
    const q = (await office.get(`/api/cycles/${cycle.annual}/rater-quality`)).json();
    expect(q.panels.map((p: { subjectType: string }) => p.subjectType).sort()).toEqual([
      'deputy',
      'peer',
      'superior',
    ]);
    for (const p of q.panels) expect(p.alpha === null || (p.alpha <= 1 && p.alpha > -1)).toBe(true);
    expect(q.raters.length).toBeGreaterThan(10);
    expect(q.raters[0]).toHaveProperty('meanDeviation');
    const leader = annual.raters.superior[0];
    expect((await (await leader.login()).get(`/api/cycles/${cycle.annual}/rater-quality`)).statusCode).toBe(
      403,
    );
  });
});

describe('results with combined appraisal, sensitivity and consequences', () => {
  it('explains a cadre score with 20% of the unit result, and keeps the breakdown law', async () => {
    const res = await office.post(`/api/cycles/${cycle.annual}/compute?wait=true`);
    const items: Result[] = res.json().items;
    const cadre = items.find((r) => r.appraiseeType === 'cadre')!;
    const { breakdown } = (await office.get(`/api/results/${cadre.id}`)).json() as {
      breakdown: { code: string; contribution: number; attainment: number }[];
    };
    const unitNode = breakdown.find((n) => n.code === 'UNIT') as {
      attainment: number;
      contribution: number;
    };
    const unit = items.find((r) => r.appraiseeType === 'unit' && r.orgUnitId === cadre.orgUnitId)!;
    expect(unitNode.attainment).toBeCloseTo(unit.total, 9);
    expect(unitNode.contribution).toBeCloseTo(0.2 * unit.total, 9);
    expect(breakdown.reduce((s, n) => s + n.contribution, 0)).toBeCloseTo(cadre.total, 6);
  });

  it('shows how stable each rank is when weights move ±10%', async () => {
    const items: Result[] = (await office.get(`/api/cycles/${cycle.annual}/results`)).json().items;
    const withSensitivity = items.filter((r) => r.sensitivity);
    expect(withSensitivity.length).toBeGreaterThan(150);
    for (const r of withSensitivity) {
      expect(r.sensitivity!.rankMin).toBeLessThanOrEqual(r.sensitivity!.baseRank);
      expect(r.sensitivity!.rankMax).toBeGreaterThanOrEqual(r.sensitivity!.baseRank);
    }
  });

  it('applies consequence rules and publishes them with the results', async () => {
    await t.db.execute(sql`update cycles set results_published_at = now() where id = ${cycle.annual}`);
    const items: Result[] = (await t.anon.get(`/api/public/results?cycleId=${cycle.annual}`)).json().items;
    // The unit whose veto item failed: unqualified, so improvement plan, and an accountability review.
    const beishan = items.find((r) => r.appraiseeName === annual.units[18].name)!;
    expect(beishan.consequences.map((c) => c.kind).sort()).toEqual([
      'accountability_review',
      'improvement_plan',
    ]);
    // Personnel consequences of cadres stay internal under the default disclosure policy.
    const publicCadre = items.find((r) => r.appraiseeType === 'cadre' && r.grade === 'excellent')!;
    expect(publicCadre.consequences).toEqual([]);
    const internal: Result[] = (await office.get(`/api/cycles/${cycle.annual}/results`)).json().items;
    const excellentCadre = internal.find((r) => r.id === publicCadre.id)!;
    expect(excellentCadre.consequences.map((c) => c.kind).sort()).toEqual([
      'bonus_coefficient',
      'promotion_eligible',
    ]);
    expect(excellentCadre.consequences.find((c) => c.kind === 'bonus_coefficient')!.value).toBe(1.2);
  });
});
