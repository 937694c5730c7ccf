import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
const cycle: Record<string, string> = {};

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
  t = await buildTestApp();
  // The demo publishes 2025, which freezes its inputs (results/publication.test.ts): this file
  // works on an unpublished copy of it.
  await t.db.execute(sql`update cycles set results_published_at = null where code = '2025-annual'`);
  office = await t.as('office');
  for (const c of (await office.get('/api/cycles')).json().items) cycle[c.code] = c.id;
});
afterAll(async () => t.close());

describe('cycle rules', () => {
  it('versions rule changes before evaluation, freezes them when evaluation starts, and publishes them', async () => {
    const next = cycle['2026-annual'];
    const { rules, versions } = (await office.get(`/api/cycles/${next}/rules`)).json();
    expect(versions).toHaveLength(1);
    const changed = await office.put(`/api/cycles/${next}/rules`, {
      rules: { ...rules, minRaters: 5 },
      note: '每个评价组至少5人',
    });
    expect(changed.json().version.version).toBe(2);
    expect((await t.anon.get(`/api/public/cycles/${next}/regulations`)).statusCode).toBe(404);

    // The demo's 2026 plans are drafts: the preconditions are overridden, with a reason, to reach evaluation.
    for (const to of ['execution', 'evaluation']) {
      const { checklist } = (await office.get(`/api/cycles/${next}/transition-check?to=${to}`)).json();
      const overrides = checklist
        .filter((c: { ok: boolean }) => !c.ok)
        .map((c: { code: string }) => ({ code: c.code, reason: '测试规则冻结，计划尚未审定' }));
      expect((await office.post(`/api/cycles/${next}/transition`, { to, overrides })).statusCode).toBe(200);
    }
    const regs = (await t.anon.get(`/api/public/cycles/${next}/regulations`)).json();
    expect(regs).toMatchObject({ version: 2, rules: { minRaters: 5 } });
    const refused = await office.put(`/api/cycles/${next}/rules`, { rules });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe('frozen');
  });

  it('names bad rule fields', async () => {
    const res = await office.put(`/api/cycles/${cycle['2026-annual']}/rules`, {
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
    const term = cycle['2021-2025-term'];
    const orgs = (await office.get('/api/orgs')).json().items;
    const edu = orgs.find((o: { code: string }) => o.code === 'edu');
    const eduPlan = (await office.get(`/api/plans?cycleId=${term}&orgUnitId=${edu.id}`)).json().items[0];
    const me = async (u: string) => (await (await t.as(u)).get('/api/auth/me')).json().user.id;
    const [expert, manager, head] = [await me('expert01'), await me('edu.manager'), await me('edu.head')];
    const res = await office.post(`/api/cycles/${term}/tasks`, {
      planIds: [eduPlan.id],
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
    const tasks = (await (await t.as('expert01')).get('/api/ratings/tasks')).json().items;
    expect(tasks.map((x: { planId: string }) => x.planId)).toEqual([eduPlan.id]);
    const bad = await office.post(`/api/cycles/${term}/tasks`, {
      planIds: ['00000000-0000-4000-8000-000000000000'],
      subjectType: 'expert',
      raterIds: [expert],
    });
    expect(bad.json().details).toEqual([{ path: 'planIds.0', message: 'no such plan in this cycle' }]);
    expect(
      (
        await (
          await t.as('edu.manager')
        ).post(`/api/cycles/${term}/tasks`, {
          planIds: [eduPlan.id],
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
    const annual = cycle['2025-annual'];
    const q = (await office.get(`/api/cycles/${annual}/rater-quality`)).json();
    expect(q.panels.map((p: { subjectType: string }) => p.subjectType).sort()).toEqual([
      'deputy',
      'peer',
      'superior',
    ]);
    for (const p of q.panels) expect(p.alpha === null || (p.alpha <= 1 && p.alpha > -1)).toBe(true);
    expect(q.raters.length).toBeGreaterThan(10);
    expect(q.raters[0]).toHaveProperty('meanDeviation');
    expect((await (await t.as('leader01')).get(`/api/cycles/${annual}/rater-quality`)).statusCode).toBe(403);
  });
});

describe('results with combined appraisal, sensitivity and consequences', () => {
  it('explains a cadre score with 20% of the unit result, and keeps the breakdown law', async () => {
    const res = await office.post(`/api/cycles/${cycle['2025-annual']}/compute?wait=true`);
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
    const items: Result[] = (await office.get(`/api/cycles/${cycle['2025-annual']}/results`)).json().items;
    const withSensitivity = items.filter((r) => r.sensitivity);
    expect(withSensitivity.length).toBeGreaterThan(150);
    for (const r of withSensitivity) {
      expect(r.sensitivity!.rankMin).toBeLessThanOrEqual(r.sensitivity!.baseRank);
      expect(r.sensitivity!.rankMax).toBeGreaterThanOrEqual(r.sensitivity!.baseRank);
    }
  });

  it('applies consequence rules and publishes them with the results', async () => {
    await t.db.execute(
      sql`update cycles set results_published_at = now() where id = ${cycle['2025-annual']}`,
    );
    const items: Result[] = (await t.anon.get(`/api/public/results?cycleId=${cycle['2025-annual']}`)).json()
      .items;
    const beishan = items.find((r) => r.appraiseeName === '北山区人民政府')!;
    expect(beishan.consequences.map((c) => c.kind).sort()).toEqual([
      'accountability_review',
      'improvement_plan',
    ]);
    // Personnel consequences of cadres stay internal under the default disclosure policy.
    const publicCadre = items.find((r) => r.appraiseeType === 'cadre' && r.grade === 'excellent')!;
    expect(publicCadre.consequences).toEqual([]);
    const internal: Result[] = (await office.get(`/api/cycles/${cycle['2025-annual']}/results`)).json().items;
    const excellentCadre = internal.find((r) => r.id === publicCadre.id)!;
    expect(excellentCadre.consequences.map((c) => c.kind).sort()).toEqual([
      'bonus_coefficient',
      'promotion_eligible',
    ]);
    expect(excellentCadre.consequences.find((c) => c.kind === 'bonus_coefficient')!.value).toBe(1.2);
  });
});
