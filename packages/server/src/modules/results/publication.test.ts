import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { factory, SMALL_TREE, type FactoryUser } from '../../../test/factories';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { departmentTree } from '../plans/templates';

/**
 * A published annual cycle (revision 1 of every result): its inputs are frozen for
 * everyone, and its results change only through an accepted appeal or an office correction, each a
 * new revision; a withdrawal hides the results behind a public reason until they are published again.
 */
let t: TestApp;
let office: Client;
let cycleId: string;
let eduPlan: string;
let culPlan: string;
/** A later cycle in planning, its unit plan a draft. */
let laterId: string;
/** Accounts: the managers of three units, the office, an admin, a verifier, two leaders, a citizen. */
const who: Record<
  | 'eduManager'
  | 'culManager'
  | 'finManager'
  | 'office'
  | 'admin'
  | 'verifier'
  | 'leader'
  | 'leader2'
  | 'citizen',
  FactoryUser
> = {} as never;
const as = (name: keyof typeof who) => who[name].login();

/** Two first-level indicators: three leaves measured from data, one rated by the city leader. */
const TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '核心职能',
    weight: 60,
    children: ['A1', 'A2'].map((code) => ({
      code,
      name: `核心任务 ${code}`,
      weight: 50,
      unit: '%',
      rule: { type: 'linear' as const, baseline: 0, target: 100, direction: 'higher' as const },
      subjects: [{ type: 'data' as const, weight: 100 }],
    })),
  },
  {
    code: 'B',
    name: '服务与评价',
    weight: 40,
    children: [
      {
        code: 'B1',
        name: '政务服务事项网上可办率',
        weight: 50,
        unit: '%',
        rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
      {
        code: 'B2',
        name: '领导评价',
        weight: 50,
        rule: { type: 'rating' },
        subjects: [{ type: 'superior', weight: 100 }],
      },
    ],
  },
];

interface ResultItem {
  id: string;
  planId: string;
  total: number;
  rank: number | null;
  peerGroup: string;
  appraiseeType: string;
  appraiseeName: string;
}
interface Revision {
  revision: number;
  kind: string;
  reason: string | null;
  snapshot: { total: number; rank: number | null; grade: string | null };
  changes: { cause: string; fields: Record<string, { from: unknown; to: unknown }>; input?: unknown };
  approverName: string | null;
}

const results = async (): Promise<ResultItem[]> =>
  (await office.get(`/api/cycles/${cycleId}/results`)).json().items;
const revisions = async (resultId: string): Promise<Revision[]> =>
  (await t.anon.get(`/api/public/results/${resultId}/revisions`)).json().items;

/** A 409 `cycle_published` naming the cycle. */
function expectFrozen(res: { statusCode: number; json(): unknown }) {
  expect(res.statusCode).toBe(409);
  expect(res.json()).toMatchObject({
    error: 'cycle_published',
    details: [{ path: `cycles.${cycleId}`, message: 'published' }],
  });
}

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'pub');
  const [edu, cul, fin, u4, u5] = [await f.org(), await f.org(), await f.org(), await f.org(), await f.org()];
  who.eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  who.culManager = await f.user([{ role: 'unit_manager', orgUnitId: cul.id }]);
  who.finManager = await f.user([{ role: 'unit_manager', orgUnitId: fin.id }]);
  who.office = await f.user([{ role: 'office' }]);
  who.admin = await f.user([{ role: 'admin' }]);
  who.verifier = await f.user([{ role: 'verifier' }]);
  who.leader = await f.user([{ role: 'evaluator' }]);
  who.leader2 = await f.user([{ role: 'evaluator' }]);
  who.citizen = await f.user([{ role: 'public' }]);
  office = await as('office');

  // The cycle: five units of one peer group (A1, A2, B1 reported and verified, B2 rated by the
  // leader alone) and a cadre of the culture unit, whose total takes a fifth from the unit's.
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  cycleId = cycle.id;
  await f.rules(cycleId, { minRaters: 1, trimEachSide: 0, unitShareForCadres: 0.2 });
  // Totals 90, 71 (A2 at 50), 75, 78, 60: culture fourth, until its A2 is corrected to 100 (86:
  // second, past two peers, education staying first).
  const scores: [string, number, number][] = [
    [edu.id, 90, 90],
    [cul.id, 80, 50],
    [fin.id, 75, 75],
    [u4.id, 78, 78],
    [u5.id, 60, 60],
  ];
  const unitPlans: string[] = [];
  for (const [orgUnitId, v, a2] of scores) {
    const plan = await f.plan({ cycleId, orgUnitId, tree: TREE });
    unitPlans.push(plan.id);
    await f.values(
      plan.id,
      [
        { indicatorCode: 'A1', period: '2031', value: v },
        { indicatorCode: 'A2', period: '2031', value: a2 },
        { indicatorCode: 'B1', period: '2031', value: v },
      ],
      { by: await f.office(), verifyAs: who.verifier.actor },
    );
  }
  [eduPlan, culPlan] = unitPlans;
  const cadrePlan = await f.plan({
    cycleId,
    orgUnitId: cul.id,
    personId: (await f.person({ orgUnitId: cul.id })).id,
    tree: SMALL_TREE,
  });
  await f.values(
    cadrePlan.id,
    [
      { indicatorCode: 'A1', period: '2031', value: 5 },
      { indicatorCode: 'A2', period: '2031', value: 90 },
    ],
    { by: await f.office(), verifyAs: who.verifier.actor },
  );

  // A survey of the cycle, its report published.
  const survey = await office.post('/api/surveys', {
    code: 'pub-survey',
    title: '满意度调查',
    cycleId,
    strataFields: ['district'],
    openMode: true,
    definition: {
      sections: [
        {
          id: 's1',
          title: '满意度',
          questions: [{ id: 'q1', type: 'likert5', text: '总体满意度', required: true }],
        },
      ],
    },
  });
  expect(survey.statusCode, survey.body).toBe(201);
  const surveyId = survey.json().survey.id;
  for (const step of ['start', 'close', 'publish']) {
    const res = await office.post(`/api/surveys/${surveyId}/${step}`, {});
    expect(res.statusCode, `${step}: ${res.body}`).toBe(200);
  }

  // The leader rates B2 of every unit.
  await f.stage(cycleId, 'evaluation');
  expect(
    await f.tasks({ cycleId, planIds: unitPlans, subjectType: 'superior', raterIds: [who.leader.id] }),
  ).toEqual({ created: unitPlans.length, skipped: [] });
  const leader = await as('leader');
  for (const [i, planId] of unitPlans.entries()) {
    const rated = await leader.post(`/api/plans/${planId}/ratings`, {
      indicatorCode: 'B2',
      subjectType: 'superior',
      score: scores[i][1],
    });
    expect(rated.statusCode, rated.body).toBe(201);
  }
  await f.results(cycleId, { publish: true });

  const later = await f.cycle({ year: 2032, stage: 'planning' });
  laterId = later.id;
  await f.plan({ cycleId: laterId, orgUnitId: edu.id, tree: departmentTree(), status: 'draft' });
});
afterAll(async () => t.close());

describe('publication', () => {
  it('published the cycle as revision 1 of every result, with its history on the portal', async () => {
    const items = await results();
    expect(items).toHaveLength(6);
    const revs = await revisions(items[0].id);
    expect(revs).toHaveLength(1);
    expect(revs[0]).toMatchObject({ revision: 1, kind: 'publication', reason: null });
    expect(revs[0].snapshot.total).toBe(items[0].total);
    expect(revs[0].snapshot.rank).toBe(items[0].rank);
    const state = (await t.anon.get(`/api/public/cycles/${cycleId}/publication`)).json();
    expect(state.withdrawn).toBeNull();
    expect(state.publishedAt).toBeTruthy();
    expect(state.history.map((h: { kind: string }) => h.kind)).toEqual(['publish']);
    const again = await office.post(`/api/cycles/${cycleId}/publish-results`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('already_published');
  });

  it('offers publishing (`can.publishResults`) exactly when the server accepts it', async () => {
    const can = async (c: Client, id: string) =>
      (await c.get(`/api/cycles/${id}`)).json().cycle.can.publishResults as boolean;
    // Published already: not offered, and refused.
    expect(await can(office, cycleId)).toBe(false);
    // A cycle in planning: not offered, and refused for its link.
    expect(await can(office, laterId)).toBe(false);
    const early = await office.post(`/api/cycles/${laterId}/publish-results`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().details).toEqual([{ path: 'stage', message: 'too early' }]);
    // Not the office's: never offered (the unit manager is refused with 403).
    const manager = await as('eduManager');
    expect(await can(manager, laterId)).toBe(false);
    expect((await manager.post(`/api/cycles/${laterId}/publish-results`, {})).statusCode).toBe(403);
  });
});

describe('freeze of a published cycle', () => {
  it('refuses values, bulk values and imports, by the unit and by the office', async () => {
    for (const name of ['eduManager', 'office', 'admin'] as const) {
      const c = await as(name);
      expectFrozen(
        await c.post(`/api/plans/${eduPlan}/values`, { indicatorCode: 'A1', period: '2031', value: 1 }),
      );
      expectFrozen(
        await c.post(`/api/plans/${eduPlan}/values/bulk`, {
          rows: [{ indicatorCode: 'A1', period: '2031-Q4', value: 1 }],
        }),
      );
      const csv = Buffer.from('indicatorCode,period,value\nA1,2031,1\n');
      expectFrozen(
        await c.raw({
          method: 'POST',
          url: `/api/plans/${eduPlan}/values/import?wait=true`,
          ...multipart('v.csv', csv),
        }),
      );
    }
    // Other units still get their 403 first.
    expect(
      (
        await (
          await as('finManager')
        ).post(`/api/plans/${eduPlan}/values`, { indicatorCode: 'A1', period: '2031', value: 1 })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses verification and evidence uploads', async () => {
    const values = (await office.get(`/api/plans/${eduPlan}/values`)).json().items as {
      id: string;
      version: number;
    }[];
    const v = values[0];
    for (const name of ['verifier', 'office'] as const)
      expectFrozen(
        await (
          await as(name)
        ).post(`/api/values/${v.id}/verify`, { decision: 'verified', version: v.version }),
      );
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    for (const name of ['eduManager', 'office'] as const)
      expectFrozen(
        await (
          await as(name)
        ).raw({ method: 'POST', url: `/api/values/${v.id}/evidence`, ...multipart('e.png', png) }),
      );
  });

  it('refuses ratings and public ratings', async () => {
    const leader = await as('leader');
    const task = (
      (await leader.get('/api/ratings/tasks')).json().items as {
        planId: string;
        cycleId: string;
        subjectType: string;
      }[]
    ).find((x) => x.cycleId === cycleId)!;
    const tree = (await leader.get(`/api/plans/${task.planId}`)).json().tree as { code: string }[];
    expectFrozen(
      await leader.post(`/api/plans/${task.planId}/ratings`, {
        indicatorCode: tree[0].code,
        subjectType: task.subjectType,
        score: 80,
      }),
    );
    const citizen = await as('citizen');
    expectFrozen(
      await citizen.post(`/api/participation/plans/${eduPlan}/public-ratings`, { scores: { A: 80 } }),
    );
  });

  it('refuses tree saves and status changes of the cycle’s plans', async () => {
    for (const name of ['eduManager', 'office'] as const) {
      const c = await as(name);
      const { plan, tree } = (await c.get(`/api/plans/${eduPlan}`)).json();
      expectFrozen(await c.put(`/api/plans/${eduPlan}/tree`, { tree, version: plan.version }));
      expectFrozen(await c.post(`/api/plans/${eduPlan}/submit`));
    }
    expectFrozen(await office.post(`/api/plans/${eduPlan}/approve`, {}));
  });

  it('refuses rules, rater panels, survey reports and recomputes, for the office and the admin', async () => {
    const survey = (await t.db.execute(
      sql`select id from surveys where cycle_id = ${cycleId} and status = 'published' limit 1`,
    )) as unknown as { rows: { id: string }[] };
    expect(survey.rows).toHaveLength(1);
    for (const name of ['office', 'admin'] as const) {
      const c = await as(name);
      const { rules } = (await c.get(`/api/cycles/${cycleId}/rules`)).json();
      expectFrozen(await c.put(`/api/cycles/${cycleId}/rules`, { rules, note: '公布后修改' }));
      expectFrozen(
        await c.post(`/api/cycles/${cycleId}/tasks`, {
          planIds: [eduPlan],
          subjectType: 'superior',
          raterIds: [who.leader2.id],
        }),
      );
      expectFrozen(await c.post(`/api/surveys/${survey.rows[0].id}/publish`, {}));
      expectFrozen(await c.post(`/api/cycles/${cycleId}/compute?wait=true`));
    }
  });
});

describe('revisions after publication', () => {
  it('an accepted appeal writes revision 2 with its note, and revises the peers whose rank moved', async () => {
    const before = await results();
    const cul = before.find((r) => r.planId === culPlan)!;
    const manager = await as('culManager');
    const appeal = (
      await manager.post(`/api/results/${cul.id}/appeals`, {
        indicatorCode: 'A2',
        reason: '公共文化服务活动场次已经统计局核实，系统未计入',
      })
    ).json().appeal;
    const decided = await office.post(`/api/appeals/${appeal.id}/decide`, {
      decision: 'accepted',
      reason: '核实无误，予以更正',
      correction: { value: 100 },
    });
    expect(decided.statusCode).toBe(200);
    const after = await results();
    const revs = await revisions(cul.id);
    expect(revs.map((r) => r.revision)).toEqual([2, 1]);
    expect(revs[0]).toMatchObject({
      kind: 'appeal',
      reason: '核实无误，予以更正',
      approverName: expect.any(String),
      changes: { cause: 'appeal', input: { indicatorCode: 'A2', period: '2031', to: 100 } },
    });
    const now = after.find((r) => r.id === cul.id)!;
    expect(now.total).toBeGreaterThan(cul.total);
    expect(revs[0].snapshot.total).toBe(now.total);
    expect(revs[0].changes.fields.total).toEqual({ from: cul.total, to: now.total });
    // Every other result has a revision 2 exactly when its published figures moved: the rank of a
    // peer, or the total of a cadre of the unit (the unit's result enters the cadre's total).
    let moved = 0;
    for (const b of before.filter((r) => r.id !== cul.id)) {
      const a = after.find((r) => r.id === b.id)!;
      const list = await revisions(b.id);
      if (a.rank !== b.rank || a.total !== b.total) {
        moved++;
        expect(list[0]).toMatchObject({ revision: 2, kind: 'appeal', changes: { cause: 'peer' } });
        if (a.rank !== b.rank) expect(list[0].changes.fields.rank).toEqual({ from: b.rank, to: a.rank });
      } else expect(list).toHaveLength(1);
    }
    expect(before.some((b) => after.find((a) => a.id === b.id)!.rank !== b.rank)).toBe(true);
    expect((decided.json().revisions as unknown[]).length).toBe(moved + 1);
  });

  it('two officers deciding one appeal: the later gets 409 with the current state', async () => {
    const edu = (await results()).find((r) => r.planId === eduPlan)!;
    const appeal = (
      await (
        await as('eduManager')
      ).post(`/api/results/${edu.id}/appeals`, {
        indicatorCode: 'B1',
        reason: '口径与统计局不一致，请复核',
      })
    ).json().appeal;
    const first = await office.post(`/api/appeals/${appeal.id}/decide`, {
      decision: 'rejected',
      reason: '口径无误',
    });
    expect(first.statusCode).toBe(200);
    const second = await (
      await as('admin')
    ).post(`/api/appeals/${appeal.id}/decide`, {
      decision: 'accepted',
      reason: '予以更正',
      correction: { value: 99 },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({
      error: 'appeal_decided',
      details: [{ path: 'status', message: 'current: rejected' }],
    });
    expect(await revisions(edu.id)).toHaveLength(1);
  });

  it('a tree saved from the version before a submit is refused (the submit moved the version)', async () => {
    const draft = (await office.get(`/api/plans?cycleId=${laterId}&appraiseeType=unit`))
      .json()
      .items.find((p: { status: string }) => p.status === 'draft');
    const { plan, tree } = (await office.get(`/api/plans/${draft.id}`)).json();
    const submitted = await office.post(`/api/plans/${draft.id}/submit`);
    expect(submitted.json().plan).toMatchObject({
      status: 'published_for_comment',
      version: plan.version + 1,
    });
    const save = await office.put(`/api/plans/${draft.id}/tree`, { tree, version: plan.version });
    expect(save.statusCode).toBe(409);
    expect((await office.post(`/api/plans/${draft.id}/submit`)).statusCode).toBe(409);
  });

  it('an office correction with a justification writes a new revision', async () => {
    const edu = (await results()).find((r) => r.planId === eduPlan)!;
    const manager = await as('eduManager');
    const body = { planId: eduPlan, indicatorCode: 'A1', value: 40, justification: '统计局更正了年报数据' };
    expect((await manager.post(`/api/cycles/${cycleId}/corrections`, body)).statusCode).toBe(403);
    const notLeaf = await office.post(`/api/cycles/${cycleId}/corrections`, { ...body, indicatorCode: 'A' });
    expect(notLeaf.json().details).toEqual([{ path: 'indicatorCode', message: 'not a leaf of this plan' }]);
    const res = await office.post(`/api/cycles/${cycleId}/corrections`, body);
    expect(res.statusCode).toBe(200);
    const revs = await revisions(edu.id);
    expect(revs[0]).toMatchObject({
      revision: 2,
      kind: 'correction',
      reason: '统计局更正了年报数据',
      changes: { cause: 'correction', input: { indicatorCode: 'A1', period: '2031', to: 40 } },
    });
    expect(revs[0].snapshot.total).toBeLessThan(edu.total);
    const again = await office.post(`/api/cycles/${cycleId}/corrections`, body);
    expect(again.json().details).toEqual([{ path: 'value', message: 'unchanged' }]);
    const early = await office.post(`/api/cycles/${laterId}/corrections`, body);
    expect(early.json().error).toBe('not_published');
    expect((await office.get('/api/audit/verify')).json().ok).toBe(true);
  });

  it('withdraws with a public reason, unfreezes, and republishes as new revisions past overridden blockers', async () => {
    const noReason = await office.post(`/api/cycles/${cycleId}/publication/withdraw`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    const withdrawn = await office.post(`/api/cycles/${cycleId}/publication/withdraw`, {
      reason: '发现部分单位数据口径不一致，复核后重新公布',
    });
    expect(withdrawn.statusCode).toBe(200);
    expect((await t.anon.get(`/api/public/results?cycleId=${cycleId}`)).json().items).toEqual([]);
    // Withdrawn: publishing is offered again (and accepted below, past the overridden blockers).
    const canPublish = async () =>
      (await office.get(`/api/cycles/${cycleId}`)).json().cycle.can.publishResults as boolean;
    expect(await canPublish()).toBe(true);
    const state = (await t.anon.get(`/api/public/cycles/${cycleId}/publication`)).json();
    expect(state).toMatchObject({
      publishedAt: null,
      withdrawn: { reason: '发现部分单位数据口径不一致，复核后重新公布' },
    });
    const edu = (await results()).find((r) => r.planId === eduPlan)!;
    expect((await t.anon.get(`/api/public/results/${edu.id}/revisions`)).statusCode).toBe(404);

    // Unfrozen: the unit reports again, which leaves its result stale and blocks publication.
    const manager = await as('eduManager');
    const reported = await manager.post(`/api/plans/${eduPlan}/values`, {
      indicatorCode: 'A1',
      period: '2031',
      value: 45,
    });
    expect(reported.statusCode).toBe(201);
    const blocked = await office.post(`/api/cycles/${cycleId}/publish-results`, {});
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error).toBe('publication_blocked');
    expect(blocked.json().details).toContainEqual({
      path: `plans.${eduPlan}`,
      message: expect.stringContaining('stale'),
    });
    const panel = (await office.get(`/api/cycles/${cycleId}/publication`)).json();
    expect(panel.blockers).toContainEqual(
      expect.objectContaining({ planId: eduPlan, blockers: [{ reason: 'stale' }] }),
    );
    const wrong = await office.post(`/api/cycles/${cycleId}/publish-results`, {
      overrides: [{ planId: culPlan, reason: '文化局无阻碍，误填' }],
    });
    expect(wrong.json().details).toEqual([
      { path: 'overrides.0.planId', message: 'nothing to override for this plan' },
    ]);
    // The unit's cadres are stale with it (the unit's result enters their totals): override each.
    const published = await office.post(`/api/cycles/${cycleId}/publish-results`, {
      overrides: (panel.blockers as { planId: string }[]).map((b) => ({
        planId: b.planId,
        reason:
          b.planId === eduPlan
            ? '教育局新报数据待核实，先按原核实数据公布'
            : '随所在单位结果待核实，先行公布',
      })),
    });
    expect(published.statusCode).toBe(200);
    expect(await canPublish()).toBe(false);
    const revs = (await t.anon.get(`/api/public/results/${edu.id}/revisions`)).json();
    expect(revs.items[0]).toMatchObject({
      revision: 3,
      kind: 'publication',
      reason: '教育局新报数据待核实，先按原核实数据公布',
      changes: { cause: 'republication', fields: {} },
    });
    expect(revs.override).toMatchObject({ planId: eduPlan, blockers: [{ reason: 'stale' }] });
    const history = (await t.anon.get(`/api/public/cycles/${cycleId}/publication`)).json().history;
    expect(history.map((h: { kind: string }) => h.kind)).toEqual(['publish', 'withdraw', 'publish']);
    // Frozen again.
    expectFrozen(
      await manager.post(`/api/plans/${eduPlan}/values`, { indicatorCode: 'A1', period: '2031', value: 46 }),
    );
    expect((await office.get('/api/audit/verify')).json().ok).toBe(true);
  });
});
