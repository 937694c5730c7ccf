import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, orgUnits, users } from '../../db/schema';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

describe('org units and people', () => {
  it('has the demo city: a government, 30 departments, 8 districts in peer groups', async () => {
    const office = await t.as('office');
    const items = (await office.get('/api/orgs')).json().items as {
      kind: string;
      peerGroup: string | null;
    }[];
    expect(items.filter((o) => o.kind === 'government')).toHaveLength(1);
    expect(items.filter((o) => o.kind === 'district')).toHaveLength(8);
    expect(items.filter((o) => o.kind === 'department' && o.peerGroup)).toHaveLength(30);
    expect(new Set(items.map((o) => o.peerGroup).filter(Boolean))).toEqual(
      new Set(['economic', 'social', 'regulatory', 'comprehensive', 'urban_district', 'county']),
    );
  });

  it('lists cadres with positions and terms, per unit', async () => {
    const office = await t.as('office');
    const all = (await office.get('/api/people')).json().items;
    expect(all).toHaveLength(152);
    const edu = (await office.get('/api/orgs')).json().items.find((o: { code: string }) => o.code === 'edu');
    const eduPeople = (await office.get(`/api/people?orgUnitId=${edu.id}`)).json().items;
    expect(eduPeople).toHaveLength(4);
    expect(eduPeople[0]).toMatchObject({
      position: '局长（主任）',
      termStart: '2021-06-01',
      termEnd: '2026-05-31',
    });
  });

  it('refuses a malformed filter with 400', async () => {
    const office = await t.as('office');
    const res = await office.get('/api/people?orgUnitId=not-a-uuid');
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('orgUnitId');
  });
});

/** One login per account: logins are rate limited. */
const sessions = new Map<string, Promise<Client>>();
const login = (who: string) => {
  if (!sessions.has(who)) sessions.set(who, t.as(who));
  return sessions.get(who)!;
};

interface Unit {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  kind: string;
  parentId: string | null;
  peerGroup: string | null;
}

const patch = (c: Client, url: string, payload: unknown) => c.raw({ method: 'PATCH' as never, url, payload });

async function units(): Promise<Unit[]> {
  return (await (await login('office')).get('/api/orgs')).json().items;
}
const unit = async (code: string) => (await units()).find((o) => o.code === code)!;

async function pathOf(code: string): Promise<string> {
  const [row] = await t.db.select({ path: orgUnits.path }).from(orgUnits).where(eq(orgUnits.code, code));
  return row.path;
}

async function auditOf(entityId: string) {
  return t.db
    .select({ action: auditLog.action, actorId: auditLog.actorId, data: auditLog.data })
    .from(auditLog)
    .where(eq(auditLog.entityId, entityId))
    .orderBy(asc(auditLog.seq));
}

describe('maintaining the org tree', () => {
  it('creates a unit under a parent, with its path, and audits it', async () => {
    const office = await login('office');
    const city = await unit('city');
    const res = await office.post('/api/orgs', {
      code: 'ga',
      name: '市政务服务管理局',
      nameEn: 'Government Affairs Service Bureau',
      kind: 'department',
      parentId: city.id,
      peerGroup: 'comprehensive',
    });
    expect(res.statusCode).toBe(201);
    const created = res.json().unit as Unit;
    expect(created).toMatchObject({ code: 'ga', parentId: city.id, peerGroup: 'comprehensive' });
    expect(await pathOf('ga')).toBe('/city/ga/');
    expect((await units()).some((o) => o.id === created.id)).toBe(true);
    const audit = await auditOf(created.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'org_unit.create', data: { code: 'ga' } });
  });

  it('refuses a duplicate code with 409 naming code, and writes nothing', async () => {
    const office = await login('office');
    const city = await unit('city');
    const before = (await units()).length;
    const res = await office.post('/api/orgs', {
      code: 'edu',
      name: '重复',
      kind: 'department',
      parentId: city.id,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'conflict', details: [{ path: 'code' }] });
    expect((await units()).length).toBe(before);
  });

  it('names each bad field of a new unit', async () => {
    const office = await login('office');
    const res = await office.post('/api/orgs', {
      code: 'Bad/Code',
      name: '  ',
      kind: 'ministry',
      parentId: 'nope',
      peerGroup: 'Not A Group',
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['code', 'kind', 'name', 'parentId', 'peerGroup']);
    const missingParent = await office.post('/api/orgs', {
      code: 'orphan',
      name: '无上级',
      kind: 'department',
      parentId: '00000000-0000-4000-8000-00000000beef',
    });
    expect(missingParent.statusCode).toBe(400);
    expect(missingParent.json().details).toEqual([{ path: 'parentId', message: 'no such unit' }]);
    const secondRoot = await office.post('/api/orgs', {
      code: 'other-city',
      name: '另一个市',
      kind: 'government',
      parentId: null,
    });
    expect(secondRoot.statusCode).toBe(409);
    expect(secondRoot.json().details[0].path).toBe('parentId');
    expect((await units()).some((o) => ['orphan', 'other-city'].includes(o.code))).toBe(false);
  });

  it('renames a unit and clears its English name', async () => {
    const office = await login('office');
    const hot = await unit('hot');
    const res = await patch(office, `/api/orgs/${hot.id}`, { name: '市信访局（更名）', nameEn: '' });
    expect(res.statusCode).toBe(200);
    expect(res.json().unit).toMatchObject({ id: hot.id, name: '市信访局（更名）', nameEn: null });
    const audit = await auditOf(hot.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'org_unit.update',
      data: { code: 'hot', changes: { name: { from: hot.name, to: '市信访局（更名）' } } },
    });
    const empty = await patch(office, `/api/orgs/${hot.id}`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().details[0].path).toBe('body');
  });

  it('moves a unit with its subtree, and refuses a move that would create a cycle', async () => {
    const office = await login('office');
    const dc = await unit('dc');
    const edu = await unit('edu');
    // A street office under Dongcheng district, then the district moves under education (odd but legal).
    const street = (
      await office.post('/api/orgs', { code: 'dc-st1', name: '东城街道', kind: 'district', parentId: dc.id })
    ).json().unit as Unit;
    expect(await pathOf('dc-st1')).toBe('/city/dc/dc-st1/');
    const cycles = (await office.get('/api/cycles')).json().items as { id: string; code: string }[];
    const c2026 = cycles.find((c) => c.code === '2026-annual')!.id;
    const dcPlan = (
      await office.get(`/api/plans?cycleId=${c2026}&orgUnitId=${dc.id}&appraiseeType=unit`)
    ).json().items[0].id as string;
    const eduManager = await login('edu.manager');
    expect((await eduManager.get(`/api/plans/${dcPlan}`)).statusCode).toBe(403);
    const moved = await patch(office, `/api/orgs/${dc.id}`, { parentId: edu.id });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().unit.parentId).toBe(edu.id);
    expect(await pathOf('dc')).toBe('/city/edu/dc/');
    expect(await pathOf('dc-st1')).toBe('/city/edu/dc/dc-st1/');
    expect((await auditOf(dc.id)).at(-1)).toMatchObject({
      action: 'org_unit.move',
      data: { changes: { parentId: { from: dc.parentId, to: edu.id } }, subtreeSize: 2 },
    });
    // Scope follows the path: education's manager now oversees the district's plan.
    expect((await eduManager.get(`/api/plans/${dcPlan}`)).statusCode).toBe(200);

    // Under its own sub-unit, under itself, the root under anything: refused, naming parentId.
    for (const [id, parentId] of [
      [dc.id, street.id],
      [edu.id, street.id],
      [dc.id, dc.id],
      [(await unit('city')).id, edu.id],
    ]) {
      const res = await patch(office, `/api/orgs/${id}`, { parentId, name: '不应写入' });
      expect(res.statusCode, `${id} under ${parentId}`).toBe(400);
      expect(res.json().details[0].path).toBe('parentId');
    }
    expect((await units()).some((o) => o.name === '不应写入')).toBe(false);
    expect(await pathOf('dc-st1')).toBe('/city/edu/dc/dc-st1/');

    // And back.
    const back = await patch(office, `/api/orgs/${dc.id}`, { parentId: dc.parentId });
    expect(back.statusCode).toBe(200);
    expect(await pathOf('dc-st1')).toBe('/city/dc/dc-st1/');
    expect(await pathOf('edu')).toBe('/city/edu/');
    expect((await eduManager.get(`/api/plans/${dcPlan}`)).statusCode).toBe(403);
  });

  it('refuses a code with LIKE wildcards from touching other paths on a move', async () => {
    const office = await login('office');
    const city = await unit('city');
    const a = (
      await office.post('/api/orgs', { code: 'a_b', name: '甲', kind: 'department', parentId: city.id })
    ).json().unit as Unit;
    await office.post('/api/orgs', { code: 'axb', name: '乙', kind: 'department', parentId: city.id });
    const fin = await unit('fin');
    expect((await patch(office, `/api/orgs/${a.id}`, { parentId: fin.id })).statusCode).toBe(200);
    expect(await pathOf('a_b')).toBe('/city/fin/a_b/');
    expect(await pathOf('axb')).toBe('/city/axb/');
  });

  it('lets only the office and admin write; unit managers and others read', async () => {
    const edu = await unit('edu');
    const city = await unit('city');
    for (const who of ['edu.manager', 'edu.head', 'verifier', 'citizen01']) {
      const c = await login(who);
      expect((await c.get('/api/orgs')).statusCode).toBe(200);
      const created = await c.post('/api/orgs', {
        code: `x-${who.replace('.', '-')}`,
        name: 'x',
        kind: 'department',
        parentId: city.id,
      });
      expect(created.statusCode, who).toBe(403);
      expect((await patch(c, `/api/orgs/${edu.id}`, { name: 'x' })).statusCode, who).toBe(403);
    }
    expect(
      (await t.anon.post('/api/orgs', { code: 'x-anon', name: 'x', kind: 'department', parentId: city.id }))
        .statusCode,
    ).toBe(401);
    const admin = await login('admin');
    expect((await patch(admin, `/api/orgs/${edu.id}`, { nameEn: 'Education Bureau' })).statusCode).toBe(200);
    expect((await unit('edu')).name).toBe(edu.name);
  });
});

interface Cadre {
  id: string;
  code: string;
  name: string;
  position: string;
  orgUnitId: string;
  userId?: string | null;
  termStart: string | null;
  termEnd: string | null;
}

describe('maintaining cadres', () => {
  it('creates a cadre with position and term, audited; the office sees the account link', async () => {
    const office = await login('office');
    const edu = await unit('edu');
    const [account] = await t.db.select({ id: users.id }).from(users).where(eq(users.username, 'deputy01'));
    const res = await office.post('/api/people', {
      code: 'edu-9',
      name: '郑新',
      nameEn: 'Zheng Xin',
      position: '副局长',
      positionEn: 'Deputy Director-General',
      orgUnitId: edu.id,
      userId: account.id,
      termStart: '2026-03-01',
    });
    expect(res.statusCode).toBe(201);
    const p = res.json().person as Cadre;
    expect(p).toMatchObject({ code: 'edu-9', orgUnitId: edu.id, termStart: '2026-03-01', termEnd: null });
    const list = (await office.get(`/api/people?orgUnitId=${edu.id}`)).json().items as Cadre[];
    expect(list.find((x) => x.id === p.id)).toMatchObject({ userId: account.id });
    // Others and the public portal do not get the account link.
    const manager = (await (await login('edu.manager')).get(`/api/people?orgUnitId=${edu.id}`)).json().items;
    expect(manager.find((x: Cadre) => x.id === p.id)).not.toHaveProperty('userId');
    const portal = (await t.anon.get(`/api/public/people?orgUnitId=${edu.id}`)).json().items;
    expect(portal.find((x: Cadre) => x.id === p.id)).not.toHaveProperty('userId');
    expect(await auditOf(p.id)).toMatchObject([{ action: 'person.create', data: { code: 'edu-9' } }]);
  });

  it('refuses a duplicate code with 409 and bad fields with 400 naming each, writing nothing', async () => {
    const office = await login('office');
    const edu = await unit('edu');
    const count = async () => ((await office.get('/api/people')).json().items as unknown[]).length;
    const before = await count();
    const dup = await office.post('/api/people', {
      code: 'edu-1',
      name: '重复',
      position: '局长',
      orgUnitId: edu.id,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().details).toEqual([{ path: 'code', message: 'taken' }]);
    const bad = await office.post('/api/people', {
      code: 'ok-code',
      name: '',
      position: '局长',
      orgUnitId: edu.id,
      termStart: '2026-13-01',
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json().details as { path: string }[]).map((d) => d.path).sort()).toEqual([
      'name',
      'termStart',
    ]);
    const refs = await office.post('/api/people', {
      code: 'ok-code',
      name: '某某',
      position: '局长',
      orgUnitId: '00000000-0000-4000-8000-00000000beef',
      userId: '00000000-0000-4000-8000-00000000beef',
      termStart: '2026-06-01',
      termEnd: '2026-01-01',
    });
    expect(refs.statusCode).toBe(400);
    expect((refs.json().details as { path: string }[]).map((d) => d.path)).toEqual([
      'orgUnitId',
      'userId',
      'termEnd',
    ]);
    expect(await count()).toBe(before);
  });

  it('records a new position and unit, then ends the term early', async () => {
    const office = await login('office');
    const fin = await unit('fin');
    const edu = await unit('edu');
    const p = ((await office.get(`/api/people?orgUnitId=${edu.id}`)).json().items as Cadre[]).find(
      (x) => x.code === 'edu-2',
    )!;
    const res = await patch(office, `/api/people/${p.id}`, {
      position: '局长',
      positionEn: 'Director-General',
      orgUnitId: fin.id,
      termStart: '2026-02-01',
      termEnd: '2031-01-31',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().person).toMatchObject({ position: '局长', orgUnitId: fin.id, termEnd: '2031-01-31' });
    expect((await auditOf(p.id)).at(-1)).toMatchObject({
      action: 'person.update',
      data: { changes: { orgUnitId: { from: edu.id, to: fin.id }, position: { to: '局长' } } },
    });
    const bad = await patch(office, `/api/people/${p.id}`, {
      termEnd: '2020-01-01',
      orgUnitId: '00000000-0000-4000-8000-00000000beef',
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json().details as { path: string }[]).map((d) => d.path)).toEqual(['orgUnitId', 'termEnd']);

    const ended = await office.post(`/api/people/${p.id}/end-term`, { termEnd: '2026-06-30' });
    expect(ended.statusCode).toBe(200);
    expect(ended.json().person.termEnd).toBe('2026-06-30');
    expect((await auditOf(p.id)).at(-1)).toMatchObject({
      action: 'person.end_term',
      data: { changes: { termEnd: { from: '2031-01-31', to: '2026-06-30' } } },
    });
    const again = await office.post(`/api/people/${p.id}/end-term`, { termEnd: '2026-07-31' });
    expect(again.statusCode).toBe(409);
    expect(again.json().details[0].path).toBe('termEnd');
    const early = await office.post(`/api/people/${p.id}/end-term`, { termEnd: '2025-01-01' });
    expect(early.statusCode).toBe(400);
    expect(early.json().details[0].path).toBe('termEnd');
    expect(
      (
        await office.post(`/api/people/00000000-0000-4000-8000-00000000beef/end-term`, {
          termEnd: '2026-01-01',
        })
      ).statusCode,
    ).toBe(404);
  });

  it('lets only the office and admin write cadres', async () => {
    const edu = await unit('edu');
    const p = (
      (await (await login('office')).get(`/api/people?orgUnitId=${edu.id}`)).json().items as Cadre[]
    )[0];
    for (const who of ['edu.manager', 'edu.head', 'leader01']) {
      const c = await login(who);
      expect(
        (await c.post('/api/people', { code: 'x', name: 'x', position: 'x', orgUnitId: edu.id })).statusCode,
        who,
      ).toBe(403);
      expect((await patch(c, `/api/people/${p.id}`, { name: 'x' })).statusCode, who).toBe(403);
      expect((await c.post(`/api/people/${p.id}/end-term`, { termEnd: '2026-01-01' })).statusCode, who).toBe(
        403,
      );
    }
    const admin = await login('admin');
    expect((await patch(admin, `/api/people/${p.id}`, { nameEn: 'Renamed' })).statusCode).toBe(200);
  });
});
