import { generate } from 'otplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../lib/actor';
import { factory } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { PERMISSIONS, ROLE_USERS, type RoleUser } from '../../../test/permissions';
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
const AUDITOR = 'auditor';
const LATE = 'late';
type Who = Exclude<RoleUser, 'anonymous'> | typeof AUDITOR | typeof LATE;
const sessions = {} as Record<Who, Client>;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'rdr');
  const unit = await f.org();
  const other = await f.org();
  // One account for each role of the permission matrix (named as there), built here.
  const grants: Record<Exclude<RoleUser, 'anonymous'>, { role: Role; orgUnitId?: string }> = {
    citizen01: { role: 'public' },
    leader01: { role: 'evaluator' },
    verifier: { role: 'verifier' },
    'edu.head': { role: 'appraisee', orgUnitId: unit.id },
    'fin.manager': { role: 'unit_manager', orgUnitId: other.id },
    'edu.manager': { role: 'unit_manager', orgUnitId: unit.id },
    office: { role: 'office' },
    admin: { role: 'admin' },
  };
  const accounts = {} as Record<Who, Awaited<ReturnType<typeof f.user>>>;
  for (const [who, grant] of Object.entries(grants)) accounts[who as Who] = await f.user([grant]);
  accounts[AUDITOR] = await f.user([{ role: 'evaluator' }]);
  accounts[LATE] = await f.user([{ role: 'evaluator' }]);
  // The install's bootstrap grants the first duty roles (as users/duties.test.ts does).
  const bootstrap = {
    ...accounts.admin.actor,
    roles: [{ role: 'security_admin' as const, orgUnitId: null, orgPath: null }],
  };
  await setUserRoles(t.db, bootstrap, accounts[AUDITOR].id, [{ role: 'audit_admin', orgUnitId: null }]);
  // An office account that never enrols a second factor (for the production requirement).
  await setUserRoles(t.db, bootstrap, accounts[LATE].id, [{ role: 'office', orgUnitId: null }]);
  const now = Math.floor(Date.now() / 1000);
  for (const who of Object.keys(accounts) as Who[]) {
    const c = await accounts[who].login();
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
    for (const who of ['office', 'admin', AUDITOR] as const) {
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
    const late = sessions[LATE];
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
