import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { PERMISSIONS, ROLE_USERS } from '../../../test/permissions';
import { setUserRoles } from '../users/service';
import { auditReaderRoles } from './service';

/**
 * 三员分立 (issue 14): in production only the audit administrator reads the audit log and its
 * verification; the office and the system administrator, whose actions it records, no longer do. Outside
 * production (development, demo, the permission matrix) the office and the administrator read it too.
 * Production also requires a second factor of these roles, so every account here enrols one first: a
 * refusal must come from the audit rule, not from the missing authenticator.
 */
let t: TestApp;
const saved = process.env.NODE_ENV;
const AUDITOR = 'leader02';
const sessions: Record<string, Awaited<ReturnType<TestApp['as']>>> = {};

beforeAll(async () => {
  t = await buildTestApp();
  const [admin] = await t.db.select().from(users).where(eq(users.username, 'admin'));
  const [auditor] = await t.db.select().from(users).where(eq(users.username, AUDITOR));
  // The install's bootstrap grants the first duty roles (as users/duties.test.ts does).
  const bootstrap = {
    id: admin.id,
    username: 'admin',
    displayName: 'admin',
    displayNameEn: null,
    roles: [{ role: 'security_admin' as const, orgUnitId: null, orgPath: null }],
  };
  await setUserRoles(t.db, bootstrap, auditor.id, [{ role: 'audit_admin', orgUnitId: null }]);
  // An office account that never enrols a second factor (for the production requirement).
  const [late] = await t.db.select().from(users).where(eq(users.username, 'leader03'));
  await setUserRoles(t.db, bootstrap, late.id, [{ role: 'office', orgUnitId: null }]);
  const now = Math.floor(Date.now() / 1000);
  for (const who of [...ROLE_USERS.filter((r) => r !== 'anonymous'), AUDITOR, 'leader03']) {
    const c = await t.as(who);
    sessions[who] = c;
    if (!['office', 'admin', AUDITOR].includes(who)) continue;
    const { secret } = (await c.post('/api/auth/totp/setup', { currentPassword: 'demo1234' })).json();
    const on = await c.post('/api/auth/totp/enable', { code: await generate({ secret, epoch: now }) });
    expect(on.statusCode, on.body).toBe(200);
  }
});
afterEach(() => {
  process.env.NODE_ENV = saved;
});
afterAll(() => t?.close());

describe('who reads the audit log', () => {
  it('outside production: the audit administrator, the office and the administrator', async () => {
    expect(auditReaderRoles()).toEqual(['audit_admin', 'office', 'admin']);
    for (const who of ['office', 'admin', AUDITOR]) {
      expect((await sessions[who].get('/api/audit?limit=1')).statusCode, who).toBe(200);
      expect((await sessions[who].get('/api/auth/me')).json().user.canReadAudit, who).toBe(true);
    }
    expect((await sessions['edu.manager'].get('/api/auth/me')).json().user.canReadAudit).toBe(false);
  });

  it('in production: the audit administrator only, as permissions.ts declares', async () => {
    process.env.NODE_ENV = 'production';
    expect(auditReaderRoles()).toEqual(['audit_admin']);
    const declared = Object.entries(PERMISSIONS).filter(([, c]) => c.production);
    expect(declared.map(([k]) => k).sort()).toEqual(['GET /api/audit', 'GET /api/audit/verify']);
    for (const [key, c] of declared) {
      const url = c.url; // no placeholders in the audit routes
      for (const who of ROLE_USERS) {
        const res = who === 'anonymous' ? await t.anon.get(url) : await sessions[who].get(url);
        const allowed = c.production!.includes(who);
        expect(res.statusCode, `${key} as ${who}`).toBe(allowed ? 200 : who === 'anonymous' ? 401 : 403);
      }
      const own = await sessions[AUDITOR].get(url);
      expect(own.statusCode, `${key} as the audit administrator`).toBe(200);
    }
    // The office is refused by the audit rule itself (its second factor is enrolled).
    const office = await sessions.office.get('/api/audit?limit=1');
    expect(office.json()).toMatchObject({
      error: 'forbidden',
      message: 'The audit log is for the audit administrator',
    });
    expect((await sessions.office.get('/api/auth/me')).json().user.canReadAudit).toBe(false);
    expect((await sessions[AUDITOR].get('/api/auth/me')).json().user.canReadAudit).toBe(true);
    // Production requires a second factor of the office: without one, only the auth routes answer.
    const late = sessions.leader03;
    expect((await late.get('/api/cycles')).json().error).toBe('totp_enrolment_required');
    expect((await late.get('/api/audit?limit=1')).json().error).toBe('totp_enrolment_required');
    expect((await late.get('/api/auth/me')).json().user).toMatchObject({
      totpEnabled: false,
      totpEnrolmentRequired: true,
    });
    const verify = (await sessions[AUDITOR].get('/api/audit/verify')).json();
    expect(verify.ok, JSON.stringify(verify.problems)).toBe(true);
  });
});
