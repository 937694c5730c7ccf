import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { conflictingDuties } from '../../lib/duties';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { loadActor } from '../auth/service';
import { setUserRoles } from './service';

// Separation of duties (三员分立, issue 14).
let t: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await buildTestApp();
  for (const r of await rowsOf<{ id: string; username: string }>(
    t.db,
    sql`select id, username from users where username in ('admin', 'leader01', 'verifier', 'fin.manager')`,
  ))
    ids[r.username] = r.id;
  // Bootstrap: leader01 becomes the security administrator (only a security administrator grants roles,
  // so the first one is given by the install, here the service with the administrator's id).
  await setUserRoles(
    t.db,
    {
      id: ids.admin,
      username: 'admin',
      displayName: 'admin',
      displayNameEn: null,
      roles: [{ role: 'security_admin', orgUnitId: null, orgPath: null }],
    },
    ids.leader01,
    [{ role: 'security_admin', orgUnitId: null }],
  );
});
afterAll(() => t.close());

describe('separation of duties', () => {
  it('the security administrator grants and revokes roles; nobody else does', async () => {
    const sec = await t.as('leader01');
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
    for (const who of ['admin', 'office', 'verifier'])
      expect(
        (await (await t.as(who)).put(`/api/users/${ids['fin.manager']}/roles`, body)).statusCode,
        who,
      ).toBe(403);
    expect((await sec.put(`/api/users/${ids.leader01}/roles`, body)).statusCode).toBe(400);
    // Audited as a user entry: the chain still verifies.
    const [entry] = await rowsOf<{ data: { to: string[] } }>(
      t.db,
      sql`select data from audit_log where action = 'user.roles' and entity_id = ${ids.verifier}`,
    );
    expect(entry.data.to).toEqual(['audit_admin@']);
  });

  it('the audit administrator reads the audit log and its verification, and nothing of the officials', async () => {
    const aud = await t.as('verifier');
    expect((await aud.get('/api/audit?limit=5')).statusCode).toBe(200);
    const verify = await aud.get('/api/audit/verify');
    expect(verify.statusCode).toBe(200);
    expect(verify.json().ok, verify.body).toBe(true);
    const [{ id: c2025 }] = await rowsOf<{ id: string }>(
      t.db,
      sql`select id from cycles where code = '2025-annual'`,
    );
    const [{ id: plan }] = await rowsOf<{ id: string }>(
      t.db,
      sql`select id from plans where cycle_id = ${c2025} limit 1`,
    );
    expect((await aud.get(`/api/cycles/${c2025}/results`)).json().error).toBe('officials_only');
    expect((await aud.get(`/api/plans/${plan}`)).statusCode).toBe(403);
    expect((await aud.get('/api/users')).statusCode).toBe(403);
    expect((await aud.put(`/api/users/${ids['fin.manager']}/roles`, { roles: [] })).statusCode).toBe(403);
    // Nobody alters the audit log through the API: no write route exists.
    const admin = await t.as('admin');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: '/api/audit', headers: { cookie: '' } });
      expect(res.statusCode, method).toBe(404);
    }
    expect((await admin.post('/api/audit/verify', {})).statusCode).toBe(404);
  });

  it('in production no account holds two of admin, security_admin, audit_admin (409 naming them)', async () => {
    expect(conflictingDuties(['admin', 'office'])).toEqual([]);
    expect(conflictingDuties(['audit_admin', 'admin'])).toEqual(['admin', 'audit_admin']);
    const sec = (await loadActor(t.db, ids.leader01))!;
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(
        setUserRoles(t.db, sec, ids['fin.manager'], [
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
    // Outside production the demo may combine them (the demo admin is also the office).
    await expect(
      setUserRoles(t.db, sec, ids['fin.manager'], [
        { role: 'admin', orgUnitId: null },
        { role: 'audit_admin', orgUnitId: null },
      ]),
    ).resolves.toMatchObject({ username: 'fin.manager' });
  });
});
