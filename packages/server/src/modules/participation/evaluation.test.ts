import { contactLookup } from '../../lib/crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';
import { registerClient } from '../../../test/participation';
import { cadreTree, departmentTree } from '../plans/templates';

let t: TestApp;
let f: Factory;
let cycleId: string;
let planId: string;
/** The unit's plan in the next cycle, still a draft. */
let draftPlanId: string;
let civId: string;
let eduId: string;
/** A district unit: participants living there live in a district the department serves. */
let districtCode: string;
let office: Client;
let civManager: FactoryUser;
let eduManager: FactoryUser;

interface Node {
  code: string;
  attainment: number;
  children?: Node[];
}
const find = (nodes: Node[], code: string): Node | undefined => {
  for (const n of nodes) {
    if (n.code === code) return n;
    const c = n.children && find(n.children, code);
    if (c) return c;
  }
};

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  office = await (await f.user([{ role: 'office' }])).login();
  districtCode = (await f.org({ kind: 'district', name: '东城区人民政府' })).code;
  const civ = await f.org({ name: '民政局' });
  const edu = await f.org({ name: '教育局' });
  civId = civ.id;
  eduId = edu.id;
  civManager = await f.user([{ role: 'unit_manager', orgUnitId: civ.id }]);
  eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  // A cycle in evaluation with plain means and one rater enough; the department's plan (the department
  // template: dimensions A–E, E1 rated by the public) and its head's cadre plan; no public panel yet.
  const cycle = await f.cycle({ year: 2025, stage: 'planning' });
  cycleId = cycle.id;
  await f.rules(cycleId, { trimEachSide: 0, minRaters: 1 });
  planId = (await f.plan({ cycleId, orgUnitId: civ.id, tree: departmentTree() })).id;
  const head = await f.person({ orgUnitId: civ.id });
  await f.plan({ cycleId, orgUnitId: civ.id, personId: head.id, tree: cadreTree() });
  await f.stage(cycleId, 'evaluation');
  const next = await f.cycle({ year: 2026, stage: 'planning' });
  draftPlanId = (
    await f.plan({ cycleId: next.id, orgUnitId: civ.id, tree: departmentTree(), status: 'draft' })
  ).id;
});
afterAll(async () => t.close());

describe('link 4: public ratings', () => {
  it('weights each public rating by relevance in the public subject of the computed result', async () => {
    const inv = (
      await (await civManager.login()).post('/api/participation/invitations', { orgUnitId: civId })
    ).json().items[0];
    const close = (await registerClient(t, { invitationToken: inv.token, district: districtCode })).client;
    const far = (await registerClient(t, { email: 'far@example.org' })).client;
    const form = (await close.get(`/api/public/participation/plans/${planId}/rating-form`)).json();
    expect(form.open).toBe(true);
    expect(form.dimensions.map((d: { code: string }) => d.code)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(form.relevance.score).toBeCloseTo(0.8, 6);

    const all = (v: number) => ({ A: v, B: v, C: v, D: v, E: v });
    const r1 = await close.post(`/api/participation/plans/${planId}/public-ratings`, {
      scores: all(90),
      comment: '服务很好',
    });
    expect(r1.statusCode).toBe(201);
    expect(r1.json().rating).toMatchObject({ relevance: 0.8, leavesRated: ['E1'] });
    const r2 = await far.post(`/api/participation/plans/${planId}/public-ratings`, { scores: { E: 40 } });
    expect(r2.json().rating.relevance).toBeCloseTo(0.2, 6);

    const computed = await office.post(`/api/cycles/${cycleId}/compute?wait=true`);
    expect(computed.statusCode).toBe(200);
    const result = computed.json().items.find((r: { planId: string }) => r.planId === planId);
    const { breakdown } = (await office.get(`/api/results/${result.id}`)).json();
    const e1 = find(breakdown, 'E1')!;

    expect(e1.attainment).toBeCloseTo((0.8 * 90 + 0.2 * 40) / (0.8 + 0.2), 6);

    const summary = (await t.anon.get(`/api/public/participation/plans/${planId}/ratings`)).json();
    expect(summary.n).toBe(2);
    const e = summary.dimensions.find((d: { code: string }) => d.code === 'E');
    expect(e).toMatchObject({ n: 2, mean: 65 });
    expect(e.weightedMean).toBeCloseTo(80, 6);
    expect(summary.comments).toEqual([expect.objectContaining({ comment: '服务很好' })]);
    // The rating's comment can be hidden; its text then leaves the public summary.
    await (
      await civManager.login()
    ).post('/api/participation/moderate', {
      kind: 'rating',
      id: r1.json().rating.id,
      action: 'hide',
      reason: '与考核无关',
    });
    const after = (await t.anon.get(`/api/public/participation/plans/${planId}/ratings`)).body;
    expect(after).not.toContain('服务很好');
    expect(after).toContain('与考核无关');
  });

  it('stores exactly one rating per participant and appraisee under concurrent submissions', async () => {
    const { client } = await registerClient(t, { email: 'race@example.org' });
    const all = await Promise.all(
      Array.from({ length: 8 }, () =>
        client.post(`/api/participation/plans/${planId}/public-ratings`, { scores: { A: 70, E: 75 } }),
      ),
    );
    expect(all.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(all.find((r) => r.statusCode === 409)!.json().error).toBe('already_rated');
    const [{ n }] = (
      await t.db.execute<{ n: number }>(
        // Contacts are stored encrypted: the account is found by its e-mail's blind index.
        sql`select count(*)::int as n from public_ratings p join users u on u.id = p.user_id where u.email_lookup = ${contactLookup('email', 'race@example.org')}`,
      )
    ).rows;
    expect(n).toBe(1);
  });

  it('refuses unknown dimensions, officials, closed cycles, and rate-limits bursts', async () => {
    const { client } = await registerClient(t, { email: 'burst@example.org' });
    const bad = await client.post(`/api/participation/plans/${planId}/public-ratings`, {
      scores: { ZZ: 50 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('scores.ZZ');
    expect(
      (await office.post(`/api/participation/plans/${planId}/public-ratings`, { scores: { E: 50 } }))
        .statusCode,
    ).toBe(403);
    const draft = draftPlanId;
    expect(
      (await client.post(`/api/participation/plans/${draft}/public-ratings`, { scores: { E: 50 } }))
        .statusCode,
    ).toBe(404);
    const codes = await Promise.all(
      Array.from({ length: 25 }, () =>
        client.post(`/api/participation/plans/${planId}/public-ratings`, { scores: { E: 500 } }),
      ),
    );
    expect(codes.filter((r) => r.statusCode === 429).length).toBeGreaterThan(0);
  });
});

describe('link 5: feedback', () => {
  it('proposes interview seats by relevance and records who attended', async () => {
    const manager = await civManager.login();
    const proposals = (await manager.get(`/api/participation/plans/${planId}/seat-proposals?n=4`)).json()
      .items;
    expect(proposals).toHaveLength(4);
    const rel = proposals.map((p: { relevance: number }) => p.relevance);
    expect([...rel].sort((a, b) => b - a)).toEqual(rel);
    expect(
      (
        await (
          await (await f.user([{ role: 'public' }])).login()
        ).get(`/api/participation/plans/${planId}/seat-proposals`)
      ).statusCode,
    ).toBe(403);
    const iv = await manager.post(`/api/participation/plans/${planId}/interviews`, {
      heldOn: '2026-03-10',
      title: '2025年度绩效反馈面谈',
      seats: 4,
    });
    expect(iv.statusCode).toBe(201);
    const seats = iv.json().interview.seats;
    expect(seats.map((s: { userId: string }) => s.userId)).toEqual(
      proposals.map((p: { userId: string }) => p.userId),
    );
    const wrong = await manager.post(`/api/participation/interviews/${iv.json().interview.id}/record`, {
      record: 'x',
      attendedUserIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(wrong.statusCode).toBe(400);
    const rec = await manager.post(`/api/participation/interviews/${iv.json().interview.id}/record`, {
      record: '反馈了公众满意度评价结果，听取意见',
      attendedUserIds: [seats[0].userId, seats[1].userId],
    });
    expect(rec.json().interview.status).toBe('held');
    const pub = (await t.anon.get(`/api/public/participation/plans/${planId}/interviews`)).json().items;
    expect(pub[0].seats.map((s: { status: string }) => s.status)).toEqual([
      'attended',
      'attended',
      'absent',
      'absent',
    ]);
    expect(pub[0].seats[0]).not.toHaveProperty('userId');
  });

  it('publishes improvement plans that participants follow; done actions need evidence', async () => {
    const manager = await civManager.login();
    const created = await manager.post(`/api/participation/plans/${planId}/improvements`, {
      title: '群众满意度整改',
      actions: [
        { action: '延长门诊服务时间', owner: '医政科', deadline: '2026-06-30' },
        { action: '公布投诉处理结果', owner: '办公室', deadline: '2020-01-01' },
      ],
    });
    expect(created.statusCode).toBe(201);
    const { id, actions } = created.json().improvement;
    const noEvidence = await manager.post(`/api/participation/improvement-actions/${actions[0].id}`, {
      status: 'done',
    });
    expect(noEvidence.statusCode).toBe(400);
    expect(noEvidence.json().details[0].path).toBe('evidence');
    const done = await manager.post(`/api/participation/improvement-actions/${actions[0].id}`, {
      status: 'done',
      evidence: '自2026年5月起门诊延长至20:00，见官网公告',
    });
    expect(done.json().action.status).toBe('done');
    const citizen = await (await f.user([{ role: 'public' }])).login();
    expect(
      (await citizen.post(`/api/participation/improvements/${id}/follow`, { follow: true })).json(),
    ).toMatchObject({
      following: true,
      followers: 1,
    });
    expect(
      (await citizen.post(`/api/participation/improvements/${id}/follow`, { follow: true })).json().followers,
    ).toBe(1);
    const mine = (await citizen.get(`/api/public/participation/improvements?followed=true`)).json().items;
    expect(mine).toEqual([expect.objectContaining({ id, followedByMe: true, done: 1 })]);
    expect(mine[0].actions.find((a: { action: string }) => a.action === '公布投诉处理结果').overdue).toBe(
      true,
    );
    expect(
      (await t.anon.get(`/api/public/participation/improvements?planId=${planId}`)).json().items,
    ).toHaveLength(1);
  });
});

describe('participation report', () => {
  it('shows per appraisee and link who took part, how related they are, and warnings', async () => {
    const res = await t.anon.get(`/api/public/participation/report?cycleId=${cycleId}&orgUnitId=${civId}`);
    expect(res.statusCode).toBe(200);
    const unit = res.json().items.find((i: { planId: string }) => i.planId === planId);
    const byLink = Object.fromEntries(unit.links.map((l: { link: string }) => [l.link, l]));
    expect(Object.keys(byLink)).toEqual(['mission', 'planning', 'communication', 'evaluation', 'feedback']);
    expect(byLink.evaluation.n).toBe(3);
    expect(byLink.evaluation.summary.byCategory).toMatchObject({ urban_resident: 3 });
    expect(byLink.evaluation.summary.highRelevanceShare).toBeCloseTo(1 / 3, 6);
    expect(byLink.feedback.n).toBe(3); // two attended seats and one follower
    expect(byLink.planning.warnings).toEqual([expect.objectContaining({ kind: 'noPublic' })]);
    expect(unit.warnings.map((w: { link: string }) => w.link)).toEqual(
      expect.arrayContaining(['mission', 'planning', 'communication']),
    );
    const cadre = res.json().items.find((i: { appraiseeType: string }) => i.appraiseeType === 'cadre');
    expect(cadre.links.map((l: { link: string }) => l.link)).not.toContain('mission');
  });

  it('lets the office see every unit and a manager only their own', async () => {
    expect((await office.get(`/api/participation/report?cycleId=${cycleId}`)).statusCode).toBe(200);
    const m = await eduManager.login();
    expect((await m.get(`/api/participation/report?cycleId=${cycleId}&orgUnitId=${civId}`)).statusCode).toBe(
      403,
    );
    expect((await m.get(`/api/participation/report?cycleId=${cycleId}&orgUnitId=${eduId}`)).statusCode).toBe(
      200,
    );
  });
});
