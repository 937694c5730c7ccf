import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capabilities } from '@perfcommons/contracts';
import type { Role } from '../../lib/actor';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

/**
 * `/api/auth/me` `capabilities` per role, and each capability against what the server does with the same
 * user: a request the capability stands for succeeds (2xx) exactly when it says so, and is refused with 403
 * otherwise. The city is built here: two units (`edu`, `fin`), a user per role, an annual cycle whose unit
 * plans are approved and whose results are published, a cycle in planning and a term cycle in evaluation.
 */
let t: TestApp;
let ids: Record<'published' | 'planning' | 'term' | 'edu' | 'fin' | 'eduResult', string>;
const MISSING = '00000000-0000-4000-8000-00000000beef';

/** One user per role; the unit manager, its colleague of the other unit and the appraisee are scoped. */
const USERS = [
  'office',
  'admin',
  'eduManager', // unit manager of edu
  'finManager', // unit manager of fin
  'verifier',
  'eduHead', // appraisee (the cadre heading edu)
  'evaluator',
  'citizen', // public participant
  'auditor', // audit administrator
  'security', // security administrator
] as const;
type User = (typeof USERS)[number];
const accounts = {} as Record<User, FactoryUser>;

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
  eduManager: { ...staff('/todo', unitPages), managedOrgUnitId: ids.edu },
  finManager: { ...staff('/todo', unitPages), managedOrgUnitId: ids.fin },
  verifier: staff('/todo', { verify: true, monitoring: true, linkage: true }),
  eduHead: staff('/todo', { appeals: true, monitoring: true, linkage: true }),
  evaluator: staff('/todo', {}),
  citizen: { ...staff('/results', { indicators: false }), participate: true },
  auditor: staff('/audit', {}),
  security: staff('/orgs', {}),
});

type Probe = (c: Client, u: User, cap: Capabilities) => ReturnType<Client['get']>;
/** A request each boolean capability stands for (made by the same user), on the entities built above. */
const PROBES: Record<string, Probe> = {
  'pages.indicators': (c) => c.get('/api/indicators'),
  'pages.verify': (c) => c.get('/api/values/queue'),
  'pages.evaluation': (c) => c.get(`/api/cycles/${ids.term}/panels`),
  'pages.surveys': (c) => c.get('/api/surveys'),
  'pages.participation': (c, _u, cap) =>
    c.get(`/api/participation/report?cycleId=${ids.planning}&orgUnitId=${cap.managedOrgUnitId ?? ids.edu}`),
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
  assignPlanOwners: (c) => c.post('/api/plans/default-owners', { cycleId: ids.planning }),
  importServiceData: (c) => c.get('/api/linkage/batches'),
  feedServiceData: (c) => c.get(`/api/cycles/${ids.planning}/linkage/mappings`),
  recordFindings: (c) => c.get(`/api/cycles/${ids.planning}/findings/targets`),
  participate: (c) => c.get('/api/participation/profile'),
};
const capAt = (cap: Capabilities, key: string) =>
  key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], cap) as boolean;

const clients = new Map<User, Client>();
const login = async (u: User) => {
  if (!clients.has(u)) clients.set(u, await accounts[u].login());
  return clients.get(u)!;
};
const capsOf = async (u: User) => (await (await login(u)).get('/api/auth/me')).json().user.capabilities;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'caps');
  const edu = await f.org();
  const fin = await f.org();
  const roles: Record<User, { role: Role; orgUnitId?: string }> = {
    office: { role: 'office' },
    admin: { role: 'admin' },
    eduManager: { role: 'unit_manager', orgUnitId: edu.id },
    finManager: { role: 'unit_manager', orgUnitId: fin.id },
    verifier: { role: 'verifier' },
    eduHead: { role: 'appraisee', orgUnitId: edu.id },
    evaluator: { role: 'evaluator' },
    citizen: { role: 'public' },
    auditor: { role: 'audit_admin' },
    security: { role: 'security_admin' },
  };
  for (const u of USERS) accounts[u] = await f.user([roles[u]]);
  await f.person({ orgUnitId: edu.id, userId: accounts.eduHead.id });

  // The annual cycle: both units' plans approved, their values verified, the results published.
  const published = await f.cycle({ year: 2031, stage: 'planning' });
  const plans: { id: string }[] = [];
  for (const unit of [edu, fin]) plans.push(await f.plan({ cycleId: published.id, orgUnitId: unit.id }));
  await f.stage(published.id, 'execution');
  for (const plan of plans)
    await f.values(
      plan.id,
      [
        { indicatorCode: 'A1', period: '2031', value: 5 },
        { indicatorCode: 'A2', period: '2031', value: 90 },
      ],
      { by: accounts.office.actor, verifyAs: accounts.verifier.actor },
    );
  await f.results(published.id, { publish: true });
  const results = (await (await login('office')).get(`/api/cycles/${published.id}/results`)).json().items as {
    id: string;
    planId: string;
  }[];
  const eduResult = results.find((r) => r.planId === plans[0].id)!.id;

  ids = {
    published: published.id,
    planning: (await f.cycle({ year: 2032, stage: 'planning' })).id,
    term: (await f.cycle({ year: 2033, type: 'term', stage: 'evaluation' })).id,
    edu: edu.id,
    fin: fin.id,
    eduResult,
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
      // Allowed: a success; refused: 403 (a logged-in user), never another error.
      const agrees = capAt(cap, key) ? res.statusCode >= 200 && res.statusCode < 300 : res.statusCode === 403;
      if (!agrees)
        wrong.push(`${u}: capability ${capAt(cap, key)}, server ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('pages.monitoring: the monitoring lists show plans exactly to those it is sent to', async () => {
    for (const u of USERS) {
      const c = await login(u);
      const items = (await c.get(`/api/monitoring/trajectory?cycleId=${ids.published}`)).json().items as {
        orgUnitId: string;
      }[];
      expect(items.length > 0, u).toBe((await capsOf(u)).pages.monitoring);
      // A unit's followers see its plan only; the office and the (global) verifier both units'.
      const units = { eduManager: [ids.edu], eduHead: [ids.edu], finManager: [ids.fin] } as Record<
        string,
        string[]
      >;
      if (items.length)
        expect(items.map((i) => i.orgUnitId).sort(), u).toEqual((units[u] ?? [ids.edu, ids.fin]).sort());
    }
  });

  it('pages.appeals: an appeal reaches the office and its unit, never a user without the page', async () => {
    const manager = await login('eduManager');
    const filed = await manager.post(`/api/results/${ids.eduResult}/appeals`, {
      indicatorCode: 'A1', // a leaf of the plan's tree (the factories' SMALL_TREE)
      reason: '数据口径有误，请复核',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    for (const u of USERS) {
      const seen = (await (await login(u)).get(`/api/appeals?cycleId=${ids.published}`)).json().items.length;
      const page = (await capsOf(u)).pages.appeals;
      if (!page) expect(seen, u).toBe(0);
      if (u === 'office' || u === 'eduManager') expect([page, seen], u).toEqual([true, 1]);
      // Another unit's manager has the page but not this unit's appeal.
      if (u === 'finManager') expect([page, seen], u).toEqual([true, 0]);
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
