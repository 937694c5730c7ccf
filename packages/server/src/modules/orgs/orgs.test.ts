import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, orgUnits, users } from '../../db/schema';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
/** Its own city, built through the API by the office (codes of its own, not the demo city's). */
const CITY = 'tcity';
/** Departments (code, peer group) and districts under the city. */
const DEPARTMENTS = [
  ['jyj', 'social'],
  ['czj', 'economic'],
  ['scj', 'regulatory'],
  ['xfj', 'comprehensive'],
] as const;
const DISTRICTS = [
  ['dq', 'urban_district'],
  ['xq', 'county'],
] as const;
/** The cadres of the education department (the head first), and one of the finance department. */
const CADRES = [
  { code: 'jyj-1', name: '周明', position: '局长（主任）', termStart: '2021-06-01', termEnd: '2026-05-31' },
  { code: 'jyj-2', name: '吴芳', position: '副局长（副主任）', termStart: '2022-02-01' },
  { code: 'jyj-3', name: '郑强', position: '副局长（副主任）', termStart: '2023-03-01' },
  { code: 'jyj-4', name: '王丽', position: '副局长（副主任）', termStart: '2024-04-01' },
  { code: 'czj-1', name: '冯军', position: '局长（主任）', termStart: '2021-06-01', termEnd: '2026-05-31' },
];
/** The district's draft plan. */
let dqPlan: string;
/** Accounts by what they are. */
const who: Record<
  'office' | 'admin' | 'eduManager' | 'eduHead' | 'verifier' | 'citizen' | 'leader' | 'deputy',
  FactoryUser
> = {} as never;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'orgs');
  who.office = await f.user([{ role: 'office' }]);
  const office = await who.office.login();
  const post = async (url: string, body: object) => {
    const res = await office.post(url, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const root = (
    await post('/api/orgs', { code: CITY, name: '测试市人民政府', kind: 'government', parentId: null })
  ).unit.id as string;
  const ids: Record<string, string> = {};
  for (const [list, kind] of [
    [DEPARTMENTS, 'department'],
    [DISTRICTS, 'district'],
  ] as const)
    for (const [code, peerGroup] of list)
      ids[code] = (
        await post('/api/orgs', {
          code,
          name: `测试单位 ${code}`,
          nameEn: `Unit ${code}`,
          kind,
          parentId: root,
          peerGroup,
        })
      ).unit.id;
  for (const c of CADRES) await post('/api/people', { ...c, orgUnitId: ids[c.code.split('-')[0]] });
  who.admin = await f.user([{ role: 'admin' }]);
  who.eduManager = await f.user([{ role: 'unit_manager', orgUnitId: ids.jyj }]);
  who.eduHead = await f.user([{ role: 'appraisee', orgUnitId: ids.jyj }]);
  who.verifier = await f.user([{ role: 'verifier' }]);
  who.citizen = await f.user([{ role: 'public' }]);
  who.leader = await f.user([{ role: 'evaluator' }]);
  who.deputy = await f.user([{ role: 'evaluator' }]);
  // The district's draft plan in a cycle being planned (scope follows the org tree).
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  dqPlan = (await f.plan({ cycleId: cycle.id, orgUnitId: ids.dq, status: 'draft' })).id;
});
afterAll(async () => t.close());

describe('org units and people', () => {
  it('has its city: a government, departments and districts in peer groups', async () => {
    const office = await login('office');
    const items = (await office.get('/api/orgs')).json().items as {
      kind: string;
      peerGroup: string | null;
    }[];
    expect(items.filter((o) => o.kind === 'government')).toHaveLength(1);
    expect(items.filter((o) => o.kind === 'district')).toHaveLength(DISTRICTS.length);
    expect(items.filter((o) => o.kind === 'department' && o.peerGroup)).toHaveLength(DEPARTMENTS.length);
    expect(new Set(items.map((o) => o.peerGroup).filter(Boolean))).toEqual(
      new Set(['economic', 'social', 'regulatory', 'comprehensive', 'urban_district', 'county']),
    );
  });

  it('lists cadres with positions and terms, per unit', async () => {
    const office = await login('office');
    const all = (await office.get('/api/people')).json().items;
    expect(all).toHaveLength(CADRES.length);
    const edu = await unit('jyj');
    const eduPeople = (await office.get(`/api/people?orgUnitId=${edu.id}`)).json().items;
    expect(eduPeople).toHaveLength(4);
    expect(eduPeople[0]).toMatchObject({
      position: '局长（主任）',
      termStart: '2021-06-01',
      termEnd: '2026-05-31',
    });
  });

  it('refuses a malformed filter with 400', async () => {
    const office = await login('office');
    const res = await office.get('/api/people?orgUnitId=not-a-uuid');
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('orgUnitId');
  });
});

/** One login per account: logins are rate limited. */
const sessions = new Map<string, Promise<Client>>();
const login = (name: keyof typeof who) => {
  if (!sessions.has(name)) sessions.set(name, who[name].login());
  return sessions.get(name)!;
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
    const city = await unit(CITY);
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
    expect(await pathOf('ga')).toBe(`/${CITY}/ga/`);
    expect((await units()).some((o) => o.id === created.id)).toBe(true);
    const audit = await auditOf(created.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'org_unit.create', data: { code: 'ga' } });
  });

  it('refuses a duplicate code with 409 naming code, and writes nothing', async () => {
    const office = await login('office');
    const city = await unit(CITY);
    const before = (await units()).length;
    const res = await office.post('/api/orgs', {
      code: 'jyj',
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
    const hot = await unit('xfj');
    const res = await patch(office, `/api/orgs/${hot.id}`, { name: '市信访局（更名）', nameEn: '' });
    expect(res.statusCode).toBe(200);
    expect(res.json().unit).toMatchObject({ id: hot.id, name: '市信访局（更名）', nameEn: null });
    const audit = await auditOf(hot.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'org_unit.update',
      data: { code: 'xfj', changes: { name: { from: hot.name, to: '市信访局（更名）' } } },
    });
    const empty = await patch(office, `/api/orgs/${hot.id}`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().details[0].path).toBe('body');
  });

  it('moves a unit with its subtree, and refuses a move that would create a cycle', async () => {
    const office = await login('office');
    const dc = await unit('dq');
    const edu = await unit('jyj');
    // A street office under the district, then the district moves under education (odd but legal).
    const street = (
      await office.post('/api/orgs', { code: 'dq-st1', name: '测试街道', kind: 'district', parentId: dc.id })
    ).json().unit as Unit;
    expect(await pathOf('dq-st1')).toBe(`/${CITY}/dq/dq-st1/`);
    const dcPlan = dqPlan;
    const eduManager = await login('eduManager');
    expect((await eduManager.get(`/api/plans/${dcPlan}`)).statusCode).toBe(403);
    const moved = await patch(office, `/api/orgs/${dc.id}`, { parentId: edu.id });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().unit.parentId).toBe(edu.id);
    expect(await pathOf('dq')).toBe(`/${CITY}/jyj/dq/`);
    expect(await pathOf('dq-st1')).toBe(`/${CITY}/jyj/dq/dq-st1/`);
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
      [(await unit(CITY)).id, edu.id],
    ]) {
      const res = await patch(office, `/api/orgs/${id}`, { parentId, name: '不应写入' });
      expect(res.statusCode, `${id} under ${parentId}`).toBe(400);
      expect(res.json().details[0].path).toBe('parentId');
    }
    expect((await units()).some((o) => o.name === '不应写入')).toBe(false);
    expect(await pathOf('dq-st1')).toBe(`/${CITY}/jyj/dq/dq-st1/`);

    // And back.
    const back = await patch(office, `/api/orgs/${dc.id}`, { parentId: dc.parentId });
    expect(back.statusCode).toBe(200);
    expect(await pathOf('dq-st1')).toBe(`/${CITY}/dq/dq-st1/`);
    expect(await pathOf('jyj')).toBe(`/${CITY}/jyj/`);
    expect((await eduManager.get(`/api/plans/${dcPlan}`)).statusCode).toBe(403);
  });

  it('refuses a code with LIKE wildcards from touching other paths on a move', async () => {
    const office = await login('office');
    const city = await unit(CITY);
    const a = (
      await office.post('/api/orgs', { code: 'a_b', name: '甲', kind: 'department', parentId: city.id })
    ).json().unit as Unit;
    await office.post('/api/orgs', { code: 'axb', name: '乙', kind: 'department', parentId: city.id });
    const fin = await unit('czj');
    expect((await patch(office, `/api/orgs/${a.id}`, { parentId: fin.id })).statusCode).toBe(200);
    expect(await pathOf('a_b')).toBe(`/${CITY}/czj/a_b/`);
    expect(await pathOf('axb')).toBe(`/${CITY}/axb/`);
  });

  it('lets only the office and admin write; unit managers and others read', async () => {
    const edu = await unit('jyj');
    const city = await unit(CITY);
    for (const name of ['eduManager', 'eduHead', 'verifier', 'citizen'] as const) {
      const c = await login(name);
      expect((await c.get('/api/orgs')).statusCode).toBe(200);
      const created = await c.post('/api/orgs', {
        code: `x-${name.toLowerCase()}`,
        name: 'x',
        kind: 'department',
        parentId: city.id,
      });
      expect(created.statusCode, name).toBe(403);
      expect((await patch(c, `/api/orgs/${edu.id}`, { name: 'x' })).statusCode, name).toBe(403);
    }
    expect(
      (await t.anon.post('/api/orgs', { code: 'x-anon', name: 'x', kind: 'department', parentId: city.id }))
        .statusCode,
    ).toBe(401);
    const admin = await login('admin');
    expect((await patch(admin, `/api/orgs/${edu.id}`, { nameEn: 'Education Bureau' })).statusCode).toBe(200);
    expect((await unit('jyj')).name).toBe(edu.name);
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
    const edu = await unit('jyj');
    const [account] = await t.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, who.deputy.username));
    const res = await office.post('/api/people', {
      code: 'jyj-9',
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
    expect(p).toMatchObject({ code: 'jyj-9', orgUnitId: edu.id, termStart: '2026-03-01', termEnd: null });
    const list = (await office.get(`/api/people?orgUnitId=${edu.id}`)).json().items as Cadre[];
    expect(list.find((x) => x.id === p.id)).toMatchObject({ userId: account.id });
    // Others and the public portal do not get the account link.
    const manager = (await (await login('eduManager')).get(`/api/people?orgUnitId=${edu.id}`)).json().items;
    expect(manager.find((x: Cadre) => x.id === p.id)).not.toHaveProperty('userId');
    const portal = (await t.anon.get(`/api/public/people?orgUnitId=${edu.id}`)).json().items;
    expect(portal.find((x: Cadre) => x.id === p.id)).not.toHaveProperty('userId');
    expect(await auditOf(p.id)).toMatchObject([{ action: 'person.create', data: { code: 'jyj-9' } }]);
  });

  it('refuses a duplicate code with 409 and bad fields with 400 naming each, writing nothing', async () => {
    const office = await login('office');
    const edu = await unit('jyj');
    const count = async () => ((await office.get('/api/people')).json().items as unknown[]).length;
    const before = await count();
    const dup = await office.post('/api/people', {
      code: 'jyj-1',
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
    const fin = await unit('czj');
    const edu = await unit('jyj');
    const p = ((await office.get(`/api/people?orgUnitId=${edu.id}`)).json().items as Cadre[]).find(
      (x) => x.code === 'jyj-2',
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
    const edu = await unit('jyj');
    const p = (
      (await (await login('office')).get(`/api/people?orgUnitId=${edu.id}`)).json().items as Cadre[]
    )[0];
    for (const name of ['eduManager', 'eduHead', 'leader'] as const) {
      const c = await login(name);
      expect(
        (await c.post('/api/people', { code: 'x', name: 'x', position: 'x', orgUnitId: edu.id })).statusCode,
        name,
      ).toBe(403);
      expect((await patch(c, `/api/people/${p.id}`, { name: 'x' })).statusCode, name).toBe(403);
      expect((await c.post(`/api/people/${p.id}/end-term`, { termEnd: '2026-01-01' })).statusCode, name).toBe(
        403,
      );
    }
    const admin = await login('admin');
    expect((await patch(admin, `/api/people/${p.id}`, { nameEn: 'Renamed' })).statusCode).toBe(200);
  });
});
