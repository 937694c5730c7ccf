import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';

let t: TestApp;
let f: Factory;
let cycleId: string;
/** A cycle past planning: needs are closed there. */
let closedCycleId: string;
let traId: string;
let planId: string;
/** A second unit (its plan, manager) and a third unit's manager and head, who take no part in the first's. */
let watPlanId: string;
let watManager: FactoryUser;
let eduManager: FactoryUser;
let eduHead: FactoryUser;
let traHead: FactoryUser;
let officeUser: FactoryUser;
/** Public participants (role `public`), made on first use. */
const citizens: FactoryUser[] = [];
const citizenN = async (n: number) => {
  while (citizens.length < n) citizens.push(await f.user([{ role: 'public' }]));
  return citizens[n - 1].login();
};
let citizen: Client;
let manager: Client;
const SECRET = '我的身份证号是110101199001011234';

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  officeUser = await f.user([{ role: 'office' }]);
  const cycle = await f.cycle({ year: 2026, stage: 'planning' });
  cycleId = cycle.id;
  closedCycleId = (await f.cycle({ year: 2025, stage: 'feedback' })).id;
  // The small tree has no public subject: the design checks do not ask for one in this cycle, so the
  // managers submit their plans (for comment) without an override, as the demo's plans are submitted.
  await f.rules(cycleId, { minPublicWeight: 0 });
  const tra = await f.org({ name: '交通运输局' });
  const wat = await f.org({ name: '水务局' });
  const edu = await f.org({ name: '教育局' });
  traId = tra.id;
  const traManager = await f.user([{ role: 'unit_manager', orgUnitId: tra.id }]);
  watManager = await f.user([{ role: 'unit_manager', orgUnitId: wat.id }]);
  eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  traHead = await f.user([{ role: 'appraisee', orgUnitId: tra.id }]);
  eduHead = await f.user([{ role: 'appraisee', orgUnitId: edu.id }]);
  planId = (await f.plan({ cycleId, orgUnitId: tra.id, status: 'draft' })).id;
  watPlanId = (await f.plan({ cycleId, orgUnitId: wat.id, status: 'draft' })).id;
  citizen = await citizenN(1);
  manager = await traManager.login();
});
afterAll(async () => t.close());

/** Every public endpoint a hidden text could leak through. */
async function publicBodies() {
  const q = `cycleId=${cycleId}&orgUnitId=${traId}`;
  const urls = [
    `/api/public/participation/needs?${q}`,
    `/api/public/participation/needs/clusters?${q}`,
    `/api/public/participation/needs/coverage?${q}`,
    `/api/public/participation/plans/${planId}/comments`,
    `/api/public/participation/plans/${planId}/threads`,
    `/api/public/participation/report?${q}`,
  ];
  const out: string[] = [];
  for (const u of urls) {
    const res = await t.anon.get(u);
    // Plan-bound lists answer 404 while the plan is a draft.
    expect([200, 404], u).toContain(res.statusCode);
    out.push(res.body);
    out.push((await citizen.get(u)).body);
  }
  return out.join('\n');
}

describe('link 1: needs', () => {
  const needIds: string[] = [];
  it('collects needs, one support per participant even under concurrent submissions', async () => {
    const texts = [
      ['公交线路优化', '希望增加早高峰公交班次，缩短等车时间'],
      ['早高峰公交', '早高峰公交班次太少，希望增加班次缩短等车时间'],
      ['停车难', '老旧小区停车位不足，请规划建设停车场'],
      ['个人信息', SECRET],
    ];
    for (const [title, body] of texts) {
      const res = await citizen.post('/api/participation/needs', { cycleId, orgUnitId: traId, title, body });
      expect(res.statusCode).toBe(201);
      needIds.push(res.json().need.id);
    }
    const supporter = await citizenN(2);
    const all = await Promise.all(
      Array.from({ length: 8 }, () => supporter.post(`/api/participation/needs/${needIds[0]}/support`)),
    );
    expect(all.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(all.find((r) => r.statusCode === 409)!.json().error).toBe('already_supported');
    const third = await citizenN(3);
    await third.post(`/api/participation/needs/${needIds[0]}/support`);
    await third.post(`/api/participation/needs/${needIds[2]}/support`);
    expect((await citizen.post(`/api/participation/needs/${needIds[0]}/support`)).statusCode).toBe(400);
    expect(
      (await manager.post('/api/participation/needs', { cycleId, orgUnitId: traId, title: 'x', body: 'y' }))
        .statusCode,
    ).toBe(403);
    const closed = await citizen.post('/api/participation/needs', {
      cycleId: closedCycleId,
      orgUnitId: traId,
      title: 'x',
      body: 'y',
    });
    expect(closed.statusCode).toBe(409);
    const list = (
      await t.anon.get(`/api/public/participation/needs?cycleId=${cycleId}&orgUnitId=${traId}`)
    ).json().items;
    expect(list[0]).toMatchObject({ id: needIds[0], supports: 2 });
  });

  it('moderates with a public reason; hidden text never reaches a public endpoint', async () => {
    const noReason = await manager.post('/api/participation/moderate', {
      kind: 'need',
      id: needIds[3],
      action: 'hide',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details[0].path).toBe('reason');
    const otherUnit = await (
      await eduManager.login()
    ).post('/api/participation/moderate', {
      kind: 'need',
      id: needIds[3],
      action: 'hide',
      reason: 'x',
    });
    expect(otherUnit.statusCode).toBe(403);
    expect(
      (
        await citizen.post('/api/participation/moderate', {
          kind: 'need',
          id: needIds[3],
          action: 'hide',
          reason: 'x',
        })
      ).statusCode,
    ).toBe(403);
    const hide = await manager.post('/api/participation/moderate', {
      kind: 'need',
      id: needIds[3],
      action: 'hide',
      reason: '含有个人身份信息，已隐藏',
    });
    expect(hide.statusCode).toBe(200);
    const pub = (
      await t.anon.get(`/api/public/participation/needs?cycleId=${cycleId}&orgUnitId=${traId}`)
    ).json().items;
    expect(pub.find((n: { id: string }) => n.id === needIds[3])).toEqual({
      id: needIds[3],
      cycleId,
      orgUnitId: traId,
      status: 'hidden',
      hiddenReason: '含有个人身份信息，已隐藏',
      createdAt: expect.any(String),
    });
    expect(await publicBodies()).not.toContain('110101199001011234');
    // Hidden needs cannot be supported; officials still see the text.
    expect(
      (await (await citizenN(4)).post(`/api/participation/needs/${needIds[3]}/support`)).statusCode,
    ).toBe(404);
    const official = (
      await manager.get(`/api/participation/needs?cycleId=${cycleId}&orgUnitId=${traId}`)
    ).json().items;
    expect(official.find((n: { id: string }) => n.id === needIds[3]).body).toBe(SECRET);
  });

  it('groups similar Chinese needs and reports which top needs the plan covers', async () => {
    const clusters = (
      await t.anon.get(`/api/public/participation/needs/clusters?cycleId=${cycleId}&orgUnitId=${traId}`)
    ).json().items;
    expect(clusters[0]).toMatchObject({ size: 2, supports: 2 });
    expect(clusters[0].memberIds.sort()).toEqual([needIds[0], needIds[1]].sort());
    expect(clusters).toHaveLength(2);

    const bad = await manager.post(`/api/participation/needs/${needIds[0]}/links`, { indicatorCode: 'NOPE' });
    expect(bad.statusCode).toBe(400);
    const link = await manager.post(`/api/participation/needs/${needIds[0]}/links`, { indicatorCode: 'A1' });
    expect(link.statusCode).toBe(201);
    const cov = (
      await t.anon.get(`/api/public/participation/needs/coverage?cycleId=${cycleId}&orgUnitId=${traId}&top=3`)
    ).json();
    expect(cov).toMatchObject({ planId, covered: 1, uncovered: 2 });
    expect(cov.items[0]).toMatchObject({ needId: needIds[0], covered: true, indicators: [{ code: 'A1' }] });
    expect(cov.items.filter((i: { covered: boolean }) => !i.covered)).toHaveLength(2);
  });
});

describe('link 2: comments on the draft plan', () => {
  let commentIds: string[] = [];
  it('takes comments only while the plan is published for comment', async () => {
    const early = await citizen.post(`/api/participation/plans/${planId}/comments`, { body: '太早了' });
    expect(early.statusCode).toBe(409);
    expect((await manager.post(`/api/plans/${planId}/submit`)).json().plan.status).toBe(
      'published_for_comment',
    );
    const a = await citizen.post(`/api/participation/plans/${planId}/comments`, {
      body: '目标值偏低，建议提高',
    });
    const b = await (
      await citizenN(5)
    ).post(`/api/participation/plans/${planId}/comments`, {
      indicatorCode: 'A1',
      body: '请公布该指标的数据来源',
    });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    commentIds = [a.json().comment.id, b.json().comment.id];
    const bad = await citizen.post(`/api/participation/plans/${planId}/comments`, {
      indicatorCode: 'ZZ',
      body: 'x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('indicatorCode');
  });

  it('blocks approval while comments are unanswered unless the office records an override reason', async () => {
    const office = await officeUser.login();
    const blocked = await office.post(`/api/plans/${planId}/approve`, {});
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({
      error: 'unanswered_comments',
      details: [{ path: 'overrideReason' }],
    });
    const answered = await manager.post(`/api/participation/comments/${commentIds[0]}/answer`, {
      answer: '已采纳，目标值由90%提高到95%',
    });
    expect(answered.statusCode).toBe(200);
    expect(
      (await citizen.post(`/api/participation/comments/${commentIds[1]}/answer`, { answer: 'x' })).statusCode,
    ).toBe(403);
    expect((await office.post(`/api/plans/${planId}/approve`, {})).statusCode).toBe(409);
    const pub = (await t.anon.get(`/api/public/participation/plans/${planId}/comments`)).json().items;
    expect(pub.find((c: { id: string }) => c.id === commentIds[0]).answer).toBe(
      '已采纳，目标值由90%提高到95%',
    );
    expect(pub[0]).not.toHaveProperty('authorId');
    const ok = await office.post(`/api/plans/${planId}/approve`, {
      overrideReason: '数据来源问题将在执行期答复',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().plan).toMatchObject({
      status: 'approved',
      overrideReason: '数据来源问题将在执行期答复',
    });
  });

  it('lets a plan with every comment answered be approved without an override', async () => {
    const other = watPlanId;
    const wat = await watManager.login();
    await wat.post(`/api/plans/${other}/submit`);
    const c = await citizen.post(`/api/participation/plans/${other}/comments`, { body: '请关注汛期防洪' });
    await wat.post(`/api/participation/comments/${c.json().comment.id}/answer`, { answer: '已纳入指标B2' });
    const ok = await (await officeUser.login()).post(`/api/plans/${other}/approve`, {});
    expect(ok.statusCode).toBe(200);
    expect(ok.json().plan.overrideReason).toBeNull();
  });
});

describe('link 3: threads and counseling', () => {
  it('keeps a thread between stakeholders, the cadre and the office, with moderation', async () => {
    const open = await citizen.post(`/api/participation/plans/${planId}/threads`, {
      indicatorCode: 'A1',
      title: '进度如何？',
      body: '上半年完成情况怎样？',
    });
    expect(open.statusCode).toBe(201);
    const threadId = open.json().thread.id;
    const head = await (
      await traHead.login()
    ).post(`/api/participation/threads/${threadId}/posts`, {
      body: '上半年完成52%，按计划推进',
    });
    expect(head.json().post.authorRole).toBe('cadre');
    const office = await (
      await officeUser.login()
    ).post(`/api/participation/threads/${threadId}/posts`, {
      body: '绩效办将在三季度督查',
    });
    expect(office.json().post.authorRole).toBe('office');
    const rude = await (
      await citizenN(6)
    ).post(`/api/participation/threads/${threadId}/posts`, {
      body: `骂人的话 ${SECRET}`,
    });
    expect(rude.json().post.authorRole).toBe('stakeholder');
    expect(
      (await (await eduHead.login()).post(`/api/participation/threads/${threadId}/posts`, { body: 'x' }))
        .statusCode,
    ).toBe(403);
    await manager.post('/api/participation/moderate', {
      kind: 'post',
      id: rude.json().post.id,
      action: 'hide',
      reason: '含辱骂内容',
    });
    const pub = (await t.anon.get(`/api/public/participation/plans/${planId}/threads`)).json().items;
    expect(pub[0].posts.map((p: { authorRole: string }) => p.authorRole)).toEqual([
      'stakeholder',
      'cadre',
      'office',
      'stakeholder',
    ]);
    expect(pub[0].posts[0].authorName).toBeNull();
    expect(pub[0].posts[3]).toMatchObject({ status: 'hidden', hiddenReason: '含辱骂内容' });
    expect(await publicBodies()).not.toContain('骂人的话');
  });

  it('records counseling sessions with agreed actions, shown publicly', async () => {
    const body = {
      heldOn: '2026-07-15',
      attendees: ['交通运输局局长', '市绩效办 刘敏', '市民代表 2 名'],
      issues: ['早高峰公交班次不足'],
      actions: [{ action: '新增早高峰班次20个', owner: '公交集团', deadline: '2026-09-30' }],
    };
    expect((await citizen.post(`/api/participation/plans/${planId}/counseling`, body)).statusCode).toBe(403);
    const bad = await manager.post(`/api/participation/plans/${planId}/counseling`, {
      ...body,
      actions: [{ action: 'x', owner: '', deadline: '2026-02-30' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['actions.0.deadline', 'actions.0.owner']);
    expect((await manager.post(`/api/participation/plans/${planId}/counseling`, body)).statusCode).toBe(201);
    const pub = (await t.anon.get(`/api/public/participation/plans/${planId}/counseling`)).json().items;
    expect(pub).toEqual([expect.objectContaining({ heldOn: '2026-07-15', actions: body.actions })]);
  });
});
