import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Capabilities } from '@perfcommons/contracts';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

/**
 * `/api/auth/me` `capabilities` per role of the demo city, and each capability against what the server does
 * with the same user: a request the capability stands for is allowed exactly when it says so (403 otherwise).
 */
let t: TestApp;
let ids: Record<'c2025' | 'c2026' | 'cTerm' | 'edu' | 'fin' | 'eduResult', string>;
const MISSING = '00000000-0000-4000-8000-00000000beef';

const USERS = [
  'office',
  'admin',
  'edu.manager', // unit manager
  'fin.manager',
  'verifier',
  'edu.head', // appraisee (the cadre heading the education bureau)
  'leader01', // evaluator
  'citizen01', // public participant
  'auditor', // audit administrator
  'security', // security administrator
] as const;
type User = (typeof USERS)[number];

const NONE = {
  indicators: false,
  verify: false,
  evaluation: false,
  surveys: false,
  appeals: false,
  monitoring: false,
  participation: false,
  linkage: false,
};
const OFFICE_ACTIONS = {
  createCycles: true,
  editOrgs: true,
  approvePlans: true,
  assignPlanOwners: true,
  importServiceData: true,
  feedServiceData: true,
  recordFindings: true,
};
const NO_ACTIONS = Object.fromEntries(Object.keys(OFFICE_ACTIONS).map((k) => [k, false])) as {
  [K in keyof typeof OFFICE_ACTIONS]: false;
};
const office: Capabilities = {
  home: '/todo',
  pages: Object.fromEntries(Object.keys(NONE).map((k) => [k, true])) as Capabilities['pages'],
  ...OFFICE_ACTIONS,
  managedOrgUnitId: null,
  participate: false,
};
const staff = (home: Capabilities['home'], pages: Partial<Capabilities['pages']>): Capabilities => ({
  home,
  pages: { ...NONE, indicators: true, ...pages },
  ...NO_ACTIONS,
  managedOrgUnitId: null,
  participate: false,
});
const unitPages = { appeals: true, monitoring: true, participation: true, linkage: true };

const expected = (): Record<User, Capabilities> => ({
  office,
  admin: office,
  'edu.manager': { ...staff('/todo', unitPages), managedOrgUnitId: ids.edu },
  'fin.manager': { ...staff('/todo', unitPages), managedOrgUnitId: ids.fin },
  verifier: staff('/todo', { verify: true, monitoring: true, linkage: true }),
  'edu.head': staff('/todo', { appeals: true, monitoring: true, linkage: true }),
  leader01: staff('/todo', {}),
  citizen01: { ...staff('/results', { indicators: false }), participate: true },
  auditor: staff('/audit', {}),
  security: staff('/orgs', {}),
});

type Probe = (c: Client, u: User, cap: Capabilities) => ReturnType<Client['get']>;
/** A request each boolean capability stands for (made by the same user); ids of the demo city. */
const PROBES: Record<string, Probe> = {
  'pages.indicators': (c) => c.get('/api/indicators'),
  'pages.verify': (c) => c.get('/api/values/queue'),
  'pages.evaluation': (c) => c.get(`/api/cycles/${ids.cTerm}/panels`),
  'pages.surveys': (c) => c.get('/api/surveys'),
  'pages.participation': (c, _u, cap) =>
    c.get(`/api/participation/report?cycleId=${ids.c2026}&orgUnitId=${cap.managedOrgUnitId ?? ids.edu}`),
  'pages.linkage': (c) => c.get('/api/linkage/rates'),
  createCycles: (c, u) =>
    c.post('/api/cycles', {
      code: `cap-${USERS.indexOf(u)}`,
      name: '能力测试周期',
      type: 'annual',
      periodStart: '2031-01-01',
      periodEnd: '2031-12-31',
    }),
  editOrgs: (c, u) =>
    c.post('/api/orgs', {
      code: `cap-${USERS.indexOf(u)}`,
      name: '能力测试单位',
      kind: 'department',
      parentId: ids.fin,
    }),
  approvePlans: (c) => c.post('/api/plans/bulk-approve', { planIds: [MISSING] }),
  assignPlanOwners: (c) => c.post('/api/plans/default-owners', { cycleId: MISSING }),
  importServiceData: (c) => c.get('/api/linkage/batches'),
  feedServiceData: (c) => c.get(`/api/cycles/${ids.c2026}/linkage/mappings`),
  recordFindings: (c) => c.get(`/api/cycles/${ids.c2026}/findings/targets`),
  participate: (c) => c.get('/api/participation/profile'),
};
const capAt = (cap: Capabilities, key: string) =>
  key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], cap) as boolean;

const clients = new Map<User, Client>();
const login = async (u: User) => {
  if (!clients.has(u)) clients.set(u, await t.as(u));
  return clients.get(u)!;
};
const capsOf = async (u: User) => (await (await login(u)).get('/api/auth/me')).json().user.capabilities;

beforeAll(async () => {
  t = await buildTestApp();
  const o = await login('office');
  const cycles = (await o.get('/api/cycles')).json().items as { id: string; code: string }[];
  const orgs = (await o.get('/api/orgs')).json().items as { id: string; code: string }[];
  const cycle = (code: string) => cycles.find((c) => c.code === code)!.id;
  const unit = (code: string) => orgs.find((x) => x.code === code)!.id;
  const edu = unit('edu');
  const c2025 = cycle('2025-annual');
  const eduPlan = (await o.get(`/api/plans?cycleId=${c2025}&orgUnitId=${edu}&appraiseeType=unit`)).json()
    .items[0].id as string;
  const res = (await t.db.execute(sql`select id from results where plan_id = ${eduPlan}`)) as unknown as {
    rows: { id: string }[];
  };
  ids = {
    c2025,
    c2026: cycle('2026-annual'),
    cTerm: cycle('2021-2025-term'),
    edu,
    fin: unit('fin'),
    eduResult: res.rows[0].id,
  };
});
afterAll(async () => t?.close());

describe('capabilities on /api/auth/me', () => {
  it.each(USERS)('sends %s the pages, actions and landing page its roles allow', async (u) => {
    expect(await capsOf(u)).toEqual(expected()[u]);
  });

  it.each(Object.keys(PROBES))('%s agrees with what the server allows, for every role', async (key) => {
    const wrong: string[] = [];
    for (const u of USERS) {
      const cap = await capsOf(u);
      const res = await PROBES[key](await login(u), u, cap);
      const allowed = res.statusCode !== 401 && res.statusCode !== 403 && res.statusCode < 500;
      if (allowed !== capAt(cap, key) || res.statusCode >= 500)
        wrong.push(`${u}: capability ${capAt(cap, key)}, server ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('pages.monitoring: the monitoring lists show plans exactly to those it is sent to', async () => {
    for (const u of USERS) {
      const c = await login(u);
      const items = (await c.get(`/api/monitoring/trajectory?cycleId=${ids.c2025}`)).json()
        .items as unknown[];
      expect(items.length > 0, u).toBe((await capsOf(u)).pages.monitoring);
    }
  });

  it('pages.appeals: an appeal reaches the office and its unit, never a user without the page', async () => {
    const manager = await login('edu.manager');
    const leaves = (await t.db.execute(
      sql`select n.code as code from indicator_nodes n join results r on r.plan_id = n.plan_id
          where r.id = ${ids.eduResult} and not exists (select 1 from indicator_nodes c
            where c.plan_id = n.plan_id and c.parent_code = n.code) order by n.code limit 1`,
    )) as unknown as { rows: { code: string }[] };
    const filed = await manager.post(`/api/results/${ids.eduResult}/appeals`, {
      indicatorCode: leaves.rows[0].code,
      reason: '数据口径有误，请复核',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    for (const u of USERS) {
      const seen = (await (await login(u)).get(`/api/appeals?cycleId=${ids.c2025}`)).json().items.length;
      const page = (await capsOf(u)).pages.appeals;
      if (!page) expect(seen, u).toBe(0);
      if (u === 'office' || u === 'edu.manager') expect([page, seen], u).toEqual([true, 1]);
    }
  });

  it('home: 我的待办 has a section for each user landing on it, and none for the others', async () => {
    for (const u of USERS) {
      const todo = (await (await login(u)).get('/api/todo')).json();
      const sections = Object.keys(todo).filter((k) => k !== 'asOf');
      expect(sections.length > 0, u).toBe((await capsOf(u)).home === '/todo');
    }
    expect((await (await login('auditor')).get('/api/audit?limit=1')).statusCode).toBe(200);
    expect((await (await login('security')).get('/api/audit?limit=1')).statusCode).toBe(403);
  });
});
