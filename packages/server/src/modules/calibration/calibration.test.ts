import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { auditLog, evaluationTasks, ratings } from '../../db/schema';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type FactoryCycle, type FactoryUser } from '../../../test/factories';

let t: TestApp;
let cycle: FactoryCycle;
let office: Client;
let trainee: FactoryUser;
let idle: FactoryUser;
let evaluator: FactoryUser;
let outsider: FactoryUser;
let publishedPlan: string;
let unpublishedPlan: string;

const RUBRIC = [
  { min: 90, max: 100, label: '优秀', labelEn: 'Excellent', description: '全部事项按时主动公开，解读到位' },
  { min: 75, max: 89, label: '良好', labelEn: 'Good', description: '主要事项按时公开，个别解读滞后' },
  { min: 60, max: 74, label: '一般', labelEn: 'Fair', description: '部分事项逾期公开' },
  { min: 0, max: 59, label: '较差', labelEn: 'Poor', description: '多项应公开事项未公开' },
];
const CASES = [
  { title: '案例一：预决算公开', panelScores: [80, 85, 90] },
  { title: '案例二：重大决策预公开', panelScores: [60, 65, 70, 65] },
  { title: '案例三：依申请公开答复', panelScores: [40, 50] },
];
/** A tree with one leaf rated by superiors, carrying the rubric. */
const RATED_TREE: IndicatorNodeInput[] = [
  {
    code: 'Q',
    name: '依法行政',
    weight: 100,
    children: [
      {
        code: 'Q1',
        name: '政务公开工作',
        nameEn: 'Open government',
        weight: 100,
        rule: { type: 'rating' },
        subjects: [{ type: 'superior', weight: 100 }],
        rubric: RUBRIC,
      },
    ],
  },
];

const caseBody = (i: number) => ({
  title: CASES[i].title,
  indicatorName: '政务公开工作',
  indicatorNameEn: 'Open government',
  description: `${CASES[i].title}：主动公开率 96%，两项解读材料逾期 3 天发布。`,
  rubric: RUBRIC,
  panelScores: CASES[i].panelScores,
});

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t);
  cycle = await f.cycle({ stage: 'planning' });
  const other = await f.cycle({ stage: 'planning', year: 2032 });
  const unit = await f.org();
  const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id });
  const otherPlan = await f.plan({ cycleId: other.id, orgUnitId: unit.id });
  office = await (await f.user([{ role: 'office' }])).login();
  trainee = await f.user([{ role: 'public' }]);
  idle = await f.user([{ role: 'public' }]);
  evaluator = await f.user([{ role: 'evaluator' }]);
  outsider = await f.user([{ role: 'public' }]);
  await t.db.insert(evaluationTasks).values([
    { cycleId: cycle.id, planId: plan.id, raterId: trainee.id, subjectType: 'public' },
    { cycleId: cycle.id, planId: plan.id, raterId: idle.id, subjectType: 'public' },
    // The outsider rates in another cycle only.
    { cycleId: other.id, planId: otherPlan.id, raterId: outsider.id, subjectType: 'public' },
  ]);

  // A past cycle whose results are published, with a panel of 5 superiors on a rated leaf (and one of 4).
  const past = await f.cycle({ stage: 'planning', year: 2030 });
  const pastUnit = await f.org();
  const pastUnit2 = await f.org();
  publishedPlan = (await f.plan({ cycleId: past.id, orgUnitId: pastUnit.id, tree: RATED_TREE })).id;
  const smallPlan = (await f.plan({ cycleId: past.id, orgUnitId: pastUnit2.id, tree: RATED_TREE })).id;
  const later = await f.cycle({ stage: 'planning', year: 2033 });
  unpublishedPlan = (await f.plan({ cycleId: later.id, orgUnitId: pastUnit.id, tree: RATED_TREE })).id;
  const raters: FactoryUser[] = [];
  for (let i = 0; i < 5; i++) raters.push(await f.user([{ role: 'evaluator' }]));
  const panel = [92, 78, 85, 88, 82];
  await t.db.insert(ratings).values([
    ...panel.map((score, i) => ({
      cycleId: past.id,
      planId: publishedPlan,
      indicatorCode: 'Q1',
      subjectType: 'superior' as const,
      raterId: raters[i].id,
      score,
    })),
    ...panel.slice(0, 4).map((score, i) => ({
      cycleId: past.id,
      planId: smallPlan,
      indicatorCode: 'Q1',
      subjectType: 'superior' as const,
      raterId: raters[i].id,
      score,
    })),
    ...panel.map((score, i) => ({
      cycleId: later.id,
      planId: unpublishedPlan,
      indicatorCode: 'Q1',
      subjectType: 'superior' as const,
      raterId: raters[i].id,
      score,
    })),
  ]);
  await t.db.execute(sql`update cycles set results_published_at = now() where id = ${past.id}`);
});
afterAll(async () => t.close());

describe('calibration exercise', () => {
  const ids: string[] = [];

  it('the office writes reference cases with the panel scores; audited', async () => {
    for (let i = 0; i < CASES.length; i++) {
      const res = await office.post(`/api/cycles/${cycle.id}/calibration/cases`, caseBody(i));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().case).toMatchObject({
        position: i + 1,
        source: 'office',
        panelScores: CASES[i].panelScores,
        answers: 0,
        answer: null,
      });
      ids.push(res.json().case.id);
    }
    const audit = await t.db
      .select({ action: auditLog.action, entityId: auditLog.entityId })
      .from(auditLog)
      .where(eq(auditLog.action, 'calibration_case.create'));
    expect(audit.map((a) => a.entityId).sort()).toEqual([...ids].sort());
    // Overlapping bands and scores above 100 are refused by field.
    const bad = await office.post(`/api/cycles/${cycle.id}/calibration/cases`, {
      ...caseBody(0),
      panelScores: [101],
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().details)).toContain('panelScores.0');
    // Only the office writes cases.
    const byRater = await (
      await trainee.login()
    ).post(`/api/cycles/${cycle.id}/calibration/cases`, caseBody(0));
    expect(byRater.statusCode).toBe(403);
  });

  it('a trainee sees the cases without the panel scores; outsiders are refused', async () => {
    const c = await trainee.login();
    const res = await c.get(`/api/cycles/${cycle.id}/calibration`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      answered: 0,
      status: 'not_started',
      summary: null,
      can: { manage: false, answer: true },
    });
    expect(body.cases.map((x: { id: string }) => x.id)).toEqual(ids);
    for (const x of body.cases) {
      expect(x.panelScores).toBeNull();
      expect(x.answers).toBeNull();
      expect(x.rubric).toHaveLength(4);
    }
    const o = await outsider.login();
    expect((await o.get(`/api/cycles/${cycle.id}/calibration`)).statusCode).toBe(403);
    expect((await o.post(`/api/calibration-cases/${ids[0]}/answer`, { score: 80 })).statusCode).toBe(403);
    expect((await t.anon.get(`/api/cycles/${cycle.id}/calibration`)).statusCode).toBe(401);
  });

  it('answers get per-case and overall feedback from calibrationSummary (worked example)', async () => {
    const c = await trainee.login();
    // Case 1: panel 80, 85, 90 → mean 85, SD 5; 92 → +7, z 1.4; band 90–100 vs the panel's 75–89: outside.
    const a1 = await c.post(`/api/calibration-cases/${ids[0]}/answer`, { score: 92 });
    expect(a1.statusCode, a1.body).toBe(201);
    const f1 = a1.json().case.answer.feedback;
    expect(f1).toMatchObject({
      panelCount: 3,
      panelMean: 85,
      panelMedian: 85,
      panelMin: 80,
      panelMax: 90,
      deviation: 7,
      panelBand: 1,
      raterBand: 0,
      withinBand: false,
      withinPanelRange: false,
    });
    expect(f1.panelSd).toBeCloseTo(5, 10);
    expect(f1.z).toBeCloseTo(1.4, 10);
    expect(a1.json()).toMatchObject({ answered: 1, status: 'in_progress' });
    // The panel's scores stay hidden after answering too.
    expect(a1.json().case.panelScores).toBeNull();
    // Case 2: panel 60, 65, 70, 65 → mean 65, SD √(50/3) ≈ 4.08 < 5 (floor); 62 → −3, z −0.6, same band.
    const a2 = await c.post(`/api/calibration-cases/${ids[1]}/answer`, { score: 62 });
    expect(a2.json().case.answer.feedback).toMatchObject({ deviation: -3, withinBand: true, panelBand: 2 });
    expect(a2.json().case.answer.feedback.z).toBeCloseTo(-0.6, 10);
    // Case 3: panel 40, 50 → mean 45; 45 → 0.
    const a3 = await c.post(`/api/calibration-cases/${ids[2]}/answer`, { score: 45 });
    expect(a3.statusCode).toBe(201);
    const s = a3.json().summary;
    expect(a3.json()).toMatchObject({ answered: 3, status: 'completed' });
    expect(s.count).toBe(3);
    expect(s.bias).toBeCloseTo(4 / 3, 10); // (7 − 3 + 0) / 3: a little lenient
    expect(s.meanAbsDeviation).toBeCloseTo(10 / 3, 10);
    expect(s.rmsDeviation).toBeCloseTo(Math.sqrt(58 / 3), 10);
    expect(s.meanAbsZ).toBeCloseTo(2 / 3, 10);
    expect(s.withinBandShare).toBeCloseTo(2 / 3, 10);
    expect(s.withinRangeShare).toBeCloseTo(2 / 3, 10);
    expect(s.verdict).toBe('close');
    // A case is answered once.
    const again = await c.post(`/api/calibration-cases/${ids[0]}/answer`, { score: 85 });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('calibration_answered');
    // The view repeats the feedback.
    const v = (await c.get(`/api/cycles/${cycle.id}/calibration`)).json();
    expect(v.summary).toEqual(s);
    expect(v.cases[0].answer).toMatchObject({ score: 92, feedback: { deviation: 7 } });
    const audit = await t.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'calibration.answer'), eq(auditLog.actorId, trainee.id)));
    expect(audit).toHaveLength(3);
    expect(audit.map((a) => (a.data as { score: number }).score).sort()).toEqual([45, 62, 92]);
  });

  it("the office sees each rater's calibration status", async () => {
    // An evaluator (no task in this cycle) tries one case, far from the panel.
    const e = await evaluator.login();
    expect((await e.post(`/api/calibration-cases/${ids[0]}/answer`, { score: 60 })).statusCode).toBe(201);
    const res = await office.get(`/api/cycles/${cycle.id}/calibration/status`);
    expect(res.statusCode, res.body).toBe(200);
    const { cases, raters } = res.json();
    expect(cases).toBe(3);
    const by = Object.fromEntries(raters.map((r: { userId: string }) => [r.userId, r]));
    expect(by[trainee.id]).toMatchObject({
      tasks: 1,
      answered: 3,
      status: 'completed',
      summary: { verdict: 'close' },
    });
    expect(by[evaluator.id]).toMatchObject({
      tasks: 0,
      answered: 1,
      status: 'in_progress',
      summary: { bias: -25, meanAbsDeviation: 25, withinBandShare: 0, verdict: 'far' },
    });
    expect(by[idle.id]).toMatchObject({ tasks: 1, answered: 0, status: 'not_started', summary: null });
    expect(by[outsider.id]).toBeUndefined();
    // Furthest first among those who answered.
    expect(raters.map((r: { userId: string }) => r.userId)).toEqual([evaluator.id, trainee.id, idle.id]);
    // The office's view counts the answers per case.
    const v = (await office.get(`/api/cycles/${cycle.id}/calibration`)).json();
    expect(v.cases.map((x: { answers: number }) => x.answers)).toEqual([2, 1, 1]);
    expect(v.can).toEqual({ manage: true, answer: false });
    expect((await (await trainee.login()).get(`/api/cycles/${cycle.id}/calibration/status`)).statusCode).toBe(
      403,
    );
  });

  it('derives a case from a published panel of at least five raters', async () => {
    const cand = await office.get(`/api/cycles/${cycle.id}/calibration/candidates`);
    expect(cand.statusCode, cand.body).toBe(200);
    const mine = cand.json().items.filter((x: { planId: string }) => x.planId === publishedPlan);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      indicatorCode: 'Q1',
      subjectType: 'superior',
      raters: 5,
      hasRubric: true,
    });
    expect(mine[0].mean).toBeCloseTo(85, 10);
    // The 4-rater panel and the unpublished cycle's panel are not offered.
    expect(cand.json().items.some((x: { planId: string }) => x.planId === unpublishedPlan)).toBe(false);
    expect(cand.json().items.every((x: { raters: number }) => x.raters >= 5)).toBe(true);
    const body = {
      planId: publishedPlan,
      indicatorCode: 'Q1',
      subjectType: 'superior',
      title: '案例四：往年评价组',
      description: '该局全年主动公开信息 1,203 条，两项政策解读逾期。',
    };
    const res = await office.post(`/api/cycles/${cycle.id}/calibration/derive`, body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().case).toMatchObject({
      position: 4,
      source: 'panel',
      indicatorName: '政务公开工作',
      indicatorNameEn: 'Open government',
      panelScores: [78, 82, 85, 88, 92],
      sourcePlanId: publishedPlan,
      sourceSubjectType: 'superior',
      rubric: RUBRIC,
    });
    const derivedId = res.json().case.id;
    const [entry] = await t.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'calibration_case.derive'), eq(auditLog.entityId, derivedId)));
    expect(entry.data).toMatchObject({ sourcePlanId: publishedPlan, panelScores: [78, 82, 85, 88, 92] });
    // Unpublished cycle, unknown leaf: refused by field.
    const unpub = await office.post(`/api/cycles/${cycle.id}/calibration/derive`, {
      ...body,
      planId: unpublishedPlan,
    });
    expect(unpub.statusCode).toBe(400);
    expect(unpub.json().details[0].path).toBe('planId');
    const noLeaf = await office.post(`/api/cycles/${cycle.id}/calibration/derive`, {
      ...body,
      indicatorCode: 'Z9',
    });
    expect(noLeaf.json().details[0].path).toBe('indicatorCode');
    const noPanel = await office.post(`/api/cycles/${cycle.id}/calibration/derive`, {
      ...body,
      subjectType: 'peer',
    });
    expect(noPanel.statusCode).toBe(400);
    expect(noPanel.json().details[0]).toEqual({ path: 'subjectType', message: '0 ratings' });
    // The trainee now has one case left.
    const v = (await (await trainee.login()).get(`/api/cycles/${cycle.id}/calibration`)).json();
    expect(v).toMatchObject({ answered: 3, status: 'in_progress' });

    // An unanswered case may be removed; an answered one stays.
    const del = (id: string) =>
      t.app.inject({ method: 'DELETE', url: `/api/calibration-cases/${id}`, headers: office.headers });
    const kept = await del(ids[0]);
    expect(kept.statusCode).toBe(409);
    expect(kept.json().error).toBe('calibration_answered');
    const removed = await del(derivedId);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await del(derivedId)).statusCode).toBe(404);
    const gone = await t.db
      .select({ seq: auditLog.seq })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'calibration_case.delete'), eq(auditLog.entityId, derivedId)));
    expect(gone).toHaveLength(1);
  });
});
