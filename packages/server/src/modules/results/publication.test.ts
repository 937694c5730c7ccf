import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';

/**
 * The demo's 2025 annual cycle is published (revision 1 of every result): its inputs are frozen for
 * everyone, and its results change only through an accepted appeal or an office correction, each a
 * new revision; a withdrawal hides the results behind a public reason until they are published again.
 */
let t: TestApp;
let office: Client;
let cycleId: string;
let eduPlan: string;
let culPlan: string;

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
  t = await buildTestApp();
  office = await t.as('office');
  cycleId = (await office.get('/api/cycles'))
    .json()
    .items.find((c: { code: string }) => c.code === '2025-annual').id;
  const orgs = (await office.get('/api/orgs')).json().items as { id: string; code: string }[];
  const plans = (await office.get(`/api/plans?cycleId=${cycleId}&appraiseeType=unit`)).json().items as {
    id: string;
    orgUnitId: string;
  }[];
  const planOf = (code: string) =>
    plans.find((p) => p.orgUnitId === orgs.find((o) => o.code === code)!.id)!.id;
  eduPlan = planOf('edu');
  culPlan = planOf('cul');
});
afterAll(async () => t.close());

describe('publication', () => {
  it('published the demo cycle as revision 1 of every result, with its history on the portal', async () => {
    const items = await results();
    expect(items.length).toBeGreaterThan(30);
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
});

describe('freeze of a published cycle', () => {
  it('refuses values, bulk values and imports, by the unit and by the office', async () => {
    for (const who of ['edu.manager', 'office', 'admin']) {
      const c = await t.as(who);
      expectFrozen(
        await c.post(`/api/plans/${eduPlan}/values`, { indicatorCode: 'A1', period: '2025', value: 1 }),
      );
      expectFrozen(
        await c.post(`/api/plans/${eduPlan}/values/bulk`, {
          rows: [{ indicatorCode: 'A1', period: '2025-Q4', value: 1 }],
        }),
      );
      const csv = Buffer.from('indicatorCode,period,value\nA1,2025,1\n');
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
          await t.as('fin.manager')
        ).post(`/api/plans/${eduPlan}/values`, { indicatorCode: 'A1', period: '2025', value: 1 })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses verification and evidence uploads', async () => {
    const values = (await office.get(`/api/plans/${eduPlan}/values`)).json().items as {
      id: string;
      version: number;
    }[];
    const v = values[0];
    for (const who of ['verifier', 'office'])
      expectFrozen(
        await (
          await t.as(who)
        ).post(`/api/values/${v.id}/verify`, { decision: 'verified', version: v.version }),
      );
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    for (const who of ['edu.manager', 'office'])
      expectFrozen(
        await (
          await t.as(who)
        ).raw({ method: 'POST', url: `/api/values/${v.id}/evidence`, ...multipart('e.png', png) }),
      );
  });

  it('refuses ratings and public ratings', async () => {
    const leader = await t.as('leader01');
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
    const citizen = await t.as('citizen01');
    expectFrozen(
      await citizen.post(`/api/participation/plans/${eduPlan}/public-ratings`, { scores: { A: 80 } }),
    );
  });

  it('refuses tree saves and status changes of the cycle’s plans', async () => {
    for (const who of ['edu.manager', 'office']) {
      const c = await t.as(who);
      const { plan, tree } = (await c.get(`/api/plans/${eduPlan}`)).json();
      expectFrozen(await c.put(`/api/plans/${eduPlan}/tree`, { tree, version: plan.version }));
      expectFrozen(await c.post(`/api/plans/${eduPlan}/submit`));
    }
    expectFrozen(await office.post(`/api/plans/${eduPlan}/approve`, {}));
  });

  it('refuses rules, rater panels, survey reports and recomputes, for the office and the admin', async () => {
    const leader = (await t.db.execute(sql`select id from users where username = 'leader02'`)) as unknown as {
      rows: { id: string }[];
    };
    const survey = (await t.db.execute(
      sql`select id from surveys where cycle_id = ${cycleId} and status = 'published' limit 1`,
    )) as unknown as { rows: { id: string }[] };
    expect(survey.rows).toHaveLength(1);
    for (const who of ['office', 'admin']) {
      const c = await t.as(who);
      const { rules } = (await c.get(`/api/cycles/${cycleId}/rules`)).json();
      expectFrozen(await c.put(`/api/cycles/${cycleId}/rules`, { rules, note: '公布后修改' }));
      expectFrozen(
        await c.post(`/api/cycles/${cycleId}/tasks`, {
          planIds: [eduPlan],
          subjectType: 'superior',
          raterIds: [leader.rows[0].id],
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
    const manager = await t.as('cul.manager');
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
      changes: { cause: 'appeal', input: { indicatorCode: 'A2', period: '2025', to: 100 } },
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
        await t.as('edu.manager')
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
      await t.as('admin')
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
    const c2026 = (await office.get('/api/cycles'))
      .json()
      .items.find((c: { code: string }) => c.code === '2026-annual').id;
    const draft = (await office.get(`/api/plans?cycleId=${c2026}&appraiseeType=unit`))
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
    const manager = await t.as('edu.manager');
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
      changes: { cause: 'correction', input: { indicatorCode: 'A1', period: '2025', to: 40 } },
    });
    expect(revs[0].snapshot.total).toBeLessThan(edu.total);
    const again = await office.post(`/api/cycles/${cycleId}/corrections`, body);
    expect(again.json().details).toEqual([{ path: 'value', message: 'unchanged' }]);
    const unpublished = (await office.get('/api/cycles'))
      .json()
      .items.find((c: { code: string }) => c.code === '2026-annual').id;
    const early = await office.post(`/api/cycles/${unpublished}/corrections`, body);
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
    const state = (await t.anon.get(`/api/public/cycles/${cycleId}/publication`)).json();
    expect(state).toMatchObject({
      publishedAt: null,
      withdrawn: { reason: '发现部分单位数据口径不一致，复核后重新公布' },
    });
    const edu = (await results()).find((r) => r.planId === eduPlan)!;
    expect((await t.anon.get(`/api/public/results/${edu.id}/revisions`)).statusCode).toBe(404);

    // Unfrozen: the unit reports again, which leaves its result stale and blocks publication.
    const manager = await t.as('edu.manager');
    const reported = await manager.post(`/api/plans/${eduPlan}/values`, {
      indicatorCode: 'A1',
      period: '2025',
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
      await manager.post(`/api/plans/${eduPlan}/values`, { indicatorCode: 'A1', period: '2025', value: 46 }),
    );
    expect((await office.get('/api/audit/verify')).json().ok).toBe(true);
  });
});
