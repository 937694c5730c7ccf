import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { conflictingDuties } from '../../lib/duties';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { loadActor } from '../auth/service';
import { setUserRoles } from './service';

// Separation of duties (三员分立, issue 14).
let t: TestApp;
let cycleId: string;
let planId: string;
/** Accounts named by the part they play here: `sec` becomes the security administrator. */
const u = {} as Record<'admin' | 'office' | 'sec' | 'verifier' | 'manager', FactoryUser>;
const ids = {} as Record<keyof typeof u, string>;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'dut');
  const unit = await f.org();
  u.admin = await f.user([{ role: 'admin' }]);
  u.office = await f.user([{ role: 'office' }]);
  u.sec = await f.user([{ role: 'evaluator' }]);
  u.verifier = await f.user([{ role: 'verifier' }]);
  u.manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  for (const k of Object.keys(u) as (keyof typeof u)[]) ids[k] = u[k].id;
  const cycle = await f.cycle({ stage: 'planning' });
  cycleId = cycle.id;
  planId = (await f.plan({ cycleId, orgUnitId: unit.id })).id;
  // Bootstrap: sec becomes the security administrator (only a security administrator grants roles,
  // so the first one is given by the install, here the service with the administrator's id).
  await setUserRoles(
    t.db,
    { ...u.admin.actor, roles: [{ role: 'security_admin', orgUnitId: null, orgPath: null }] },
    ids.sec,
    [{ role: 'security_admin', orgUnitId: null }],
  );
});
afterAll(() => t.close());

describe('separation of duties', () => {
  it('the security administrator grants and revokes roles; nobody else does', async () => {
    const sec = await u.sec.login();
    const res = await sec.put(`/api/users/${ids.verifier}/roles`, {
      roles: [{ role: 'audit_admin', orgUnitId: null }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const roles = await rowsOf<{ role: string }>(
      t.db,
      sql`select role from role_assignments where user_id = ${ids.verifier}`,
    );
    expect(roles.map((r) => r.role)).toEqual(['audit_admin']);
    const body = { roles: [{ role: 'office', orgUnitId: null }] };
    for (const who of ['admin', 'office', 'verifier'] as const)
      expect(
        (await (await u[who].login()).put(`/api/users/${ids.manager}/roles`, body)).statusCode,
        who,
      ).toBe(403);
    expect((await sec.put(`/api/users/${ids.sec}/roles`, body)).statusCode).toBe(400);
    // Audited as a user entry: the chain still verifies.
    const [entry] = await rowsOf<{ data: { to: string[] } }>(
      t.db,
      sql`select data from audit_log where action = 'user.roles' and entity_id = ${ids.verifier}`,
    );
    expect(entry.data.to).toEqual(['audit_admin@']);
  });

  it('the audit administrator reads the audit log and its verification, and nothing of the officials', async () => {
    const aud = await u.verifier.login();
    expect((await aud.get('/api/audit?limit=5')).statusCode).toBe(200);
    const verify = await aud.get('/api/audit/verify');
    expect(verify.statusCode).toBe(200);
    expect(verify.json().ok, verify.body).toBe(true);
    expect((await aud.get(`/api/cycles/${cycleId}/results`)).json().error).toBe('officials_only');
    expect((await aud.get(`/api/plans/${planId}`)).statusCode).toBe(403);
    expect((await aud.get('/api/users')).statusCode).toBe(403);
    expect((await aud.put(`/api/users/${ids.manager}/roles`, { roles: [] })).statusCode).toBe(403);
    // Nobody alters the audit log through the API: no write route exists.
    const admin = await u.admin.login();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: '/api/audit', headers: { cookie: '' } });
      expect(res.statusCode, method).toBe(404);
    }
    expect((await admin.post('/api/audit/verify', {})).statusCode).toBe(404);
  });

  it('in production no account holds two of admin, security_admin, audit_admin (409 naming them)', async () => {
    expect(conflictingDuties(['admin', 'office'])).toEqual([]);
    expect(conflictingDuties(['audit_admin', 'admin'])).toEqual(['admin', 'audit_admin']);
    const sec = (await loadActor(t.db, ids.sec))!;
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(
        setUserRoles(t.db, sec, ids.manager, [
          { role: 'admin', orgUnitId: null },
          { role: 'security_admin', orgUnitId: null },
        ]),
      ).rejects.toMatchObject({
        statusCode: 409,
        error: 'duties_conflict',
        details: [{ path: 'roles', message: 'holds admin and security_admin' }],
      });
    } finally {
      process.env.NODE_ENV = before;
    }
    // Outside production an install may combine them (the demo admin is also the office).
    await expect(
      setUserRoles(t.db, sec, ids.manager, [
        { role: 'admin', orgUnitId: null },
        { role: 'audit_admin', orgUnitId: null },
      ]),
    ).resolves.toMatchObject({ username: u.manager.username });
  });
});
