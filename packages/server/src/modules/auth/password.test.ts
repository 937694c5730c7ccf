import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { roleAssignments, users } from '../../db/schema';
import { rowsOf } from '../../db/client';
import { initAdmin } from '../users/service';
import { demoPasswordAccounts, productionRefusal } from './production';
import { generatePassword, passwordPolicyProblems, verifyPassword } from './password';

// The production check's scrypt calls are counted (the real function runs). The server project runs its
// files without isolation: the module cache is reset first, so that the mock applies whatever earlier
// files in this worker imported.
vi.hoisted(() => vi.resetModules());
vi.mock('./password', async (importOriginal) => {
  const real = await importOriginal<typeof import('./password')>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

let t: TestApp;
/** Accounts by the part they play: `head` and `other` are cadres, `peer` another unit's manager. */
const u = {} as Record<
  'admin' | 'office' | 'citizen' | 'fin' | 'head' | 'other' | 'manager' | 'peer',
  FactoryUser
>;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'pwd');
  const unit = await f.org();
  const second = await f.org();
  u.admin = await f.user([{ role: 'admin' }]);
  u.office = await f.user([{ role: 'office' }]);
  u.citizen = await f.user([{ role: 'public' }]);
  u.fin = await f.user([{ role: 'unit_manager', orgUnitId: second.id }]);
  u.head = await f.user([{ role: 'appraisee', orgUnitId: unit.id }]);
  u.other = await f.user([{ role: 'appraisee', orgUnitId: second.id }]);
  u.manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  u.peer = await f.user([{ role: 'unit_manager', orgUnitId: second.id }]);
  // As a bulk seed leaves them: the demo password, one shared hash, no password set under the policy.
  await t.db.update(users).set({ passwordSetAt: null });
});
afterAll(async () => t.close());

const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

/** A client logged in with a password (not the demo one), sending cookie and CSRF header. */
async function session(username: string, password: string) {
  const res = await login(username, password);
  expect(res.statusCode, res.body).toBe(200);
  const c = Object.fromEntries(res.cookies.map((k) => [k.name, k.value]));
  const headers = { cookie: `pc_session=${c.pc_session}; pc_csrf=${c.pc_csrf}`, 'x-csrf-token': c.pc_csrf };
  return {
    user: res.json().user,
    get: (url: string) => t.app.inject({ method: 'GET', url, headers }),
    post: (url: string, payload?: object) =>
      t.app.inject({ method: 'POST', url, headers, payload: payload ?? {} }),
  };
}

const activeUsers = async () =>
  Number((await rowsOf<{ n: string }>(t.db, sql`select count(*) as n from users where not disabled`))[0].n);

describe('production start check', () => {
  it('finds every demo account with one scrypt per distinct hash and names the count and the fix', async () => {
    vi.mocked(verifyPassword).mockClear();
    const names = await demoPasswordAccounts(t.db);
    // The seed gives all its accounts one hash: one verification, not one per account.
    expect(vi.mocked(verifyPassword)).toHaveBeenCalledTimes(1);
    expect(names.length).toBe(await activeUsers());
    expect(names).toEqual(expect.arrayContaining([u.admin.username, u.office.username, u.citizen.username]));
    const refusal = await productionRefusal(t.db);
    expect(refusal).toContain(`${names.length} account(s) still have the demo password`);
    expect(refusal).toContain('perfcommons init --admin');
  });

  it('skips accounts whose password was set under the policy and self-registered participants', async () => {
    const before = await demoPasswordAccounts(t.db);
    const fin = await u.fin.login();
    const changed = await fin.post('/api/auth/password', {
      currentPassword: 'demo1234',
      newPassword: 'Autumn-ledger-42',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    // Registration applies the policy: the demo password cannot be chosen, and a registered account
    // (password set under the policy) is not a candidate.
    const body = { email: 'someone@example.org', displayName: 'Someone', privacyNotice: '2026-01' };
    const demo = await t.anon.post('/api/participation/register', { ...body, password: 'demo1234' });
    expect(demo.statusCode).toBe(400);
    expect(demo.json().error).toBe('weak_password');
    const reg = await t.anon.post('/api/participation/register', { ...body, password: 'Quiet-river-7781' });
    expect(reg.statusCode, reg.body).toBe(201);
    const after = await demoPasswordAccounts(t.db);
    expect(after).not.toContain(u.fin.username);
    expect(after.length).toBe(before.length - 1);
  });
});

describe('password policy and change', () => {
  it('states each problem of a new password', () => {
    const short = passwordPolicyProblems('dept.head', 'short');
    expect(short).toContain('must be at least 10 characters long');
    expect(short.some((p) => p.startsWith('must mix at least 3 of'))).toBe(true);
    expect(short.some((p) => p.startsWith('is too easy to guess'))).toBe(true);
    expect(passwordPolicyProblems('dept.head', 'my-DEPT.HEAD-pass-9')).toContain(
      'must not contain the username',
    );
    // Full-width or padded spellings of the username are the username.
    expect(passwordPolicyProblems(' ＤＥＰＴ.head ', 'x-dept.head-Q7-zz')).toContain(
      'must not contain the username',
    );
    // Two classes only, however long.
    expect(passwordPolicyProblems('dept.head', 'alongpasswordwithoutanything')[0]).toMatch(/^must mix/);
    // Three classes and long enough, but a well-known password: the estimator refuses it.
    const common = passwordPolicyProblems('dept.head', 'Password123!');
    expect(common).toHaveLength(1);
    expect(common[0]).toMatch(/^is too easy to guess \(strength [0-2] of 4/);
    expect(passwordPolicyProblems('dept.head', 'Quiet-harbour-77')).toEqual([]);
    for (let i = 0; i < 50; i++) expect(passwordPolicyProblems('any.one', generatePassword())).toEqual([]);
  });

  it('refuses a wrong current password and a weak new one naming the field', async () => {
    const head = await u.head.login();
    const wrong = await head.post('/api/auth/password', {
      currentPassword: 'not-it-at-all',
      newPassword: 'A-good-new-password',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'wrong_password', details: [{ path: 'currentPassword' }] });
    const weak = await head.post('/api/auth/password', {
      currentPassword: 'demo1234',
      newPassword: `${u.head.username}!!!`,
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toBe('weak_password');
    expect(weak.json().details).toContainEqual({
      path: 'newPassword',
      message: 'must not contain the username',
    });
    expect(
      (await head.post('/api/auth/password', { currentPassword: 'demo1234', newPassword: 'short' })).json()
        .details,
    ).toContainEqual({ path: 'newPassword', message: 'must be at least 10 characters long' });
    const eight = await head.post('/api/auth/password', {
      currentPassword: 'demo1234',
      newPassword: '        ',
    });
    expect(eight.json().error).toBe('weak_password');
    expect(
      (await t.anon.post('/api/auth/password', { currentPassword: 'x', newPassword: 'y' })).statusCode,
    ).toBe(401);
  });

  it('ends the other sessions and keeps the current one', async () => {
    const other = await u.other.login();
    const current = await u.other.login();
    const res = await current.post('/api/auth/password', {
      currentPassword: 'demo1234',
      newPassword: 'River-bend-2026',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await current.get('/api/auth/me')).statusCode).toBe(200);
    expect((await other.get('/api/auth/me')).statusCode).toBe(401);
    expect((await login(u.other.username, 'demo1234')).statusCode).toBe(401);
    expect((await login(u.other.username, 'River-bend-2026')).statusCode).toBe(200);
  });
});

describe('must change password', () => {
  it('after a reset, only auth answers until the password is changed', async () => {
    const office = await u.office.login();
    const old = await u.manager.login();
    const reset = await office.post(`/api/users/${u.manager.id}/reset-password`);
    expect(reset.statusCode, reset.body).toBe(200);
    const { password } = reset.json();
    expect(password).toMatch(/^[\w-]{16}$/);
    // The reset ends the account's sessions.
    expect((await old.get('/api/auth/me')).statusCode).toBe(401);

    const s = await session(u.manager.username, password);
    expect(s.user.mustChangePassword).toBe(true);
    expect((await s.get('/api/auth/me')).json().user.mustChangePassword).toBe(true);
    for (const url of ['/api/cycles', '/api/orgs', '/api/plans']) {
      const res = await s.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error).toBe('password_change_required');
    }
    expect((await s.post('/api/cycles', { code: 'x' })).json().error).toBe('password_change_required');
    expect((await s.get('/api/health')).statusCode).toBe(200);

    const changed = await s.post('/api/auth/password', { currentPassword: password, newPassword: password });
    expect(changed.json().details).toEqual([
      { path: 'newPassword', message: 'must differ from the current password' },
    ]);
    expect(
      (await s.post('/api/auth/password', { currentPassword: password, newPassword: 'Quiet-harbour-77' }))
        .statusCode,
    ).toBe(200);
    expect((await s.get('/api/auth/me')).json().user.mustChangePassword).toBe(false);
    expect((await s.get('/api/cycles')).statusCode).toBe(200);
  });

  it('lets only the office reset, and an administrator only by an administrator', async () => {
    const manager = await u.peer.login();
    expect((await manager.post(`/api/users/${u.head.id}/reset-password`)).statusCode).toBe(403);
    expect((await t.anon.post(`/api/users/${u.head.id}/reset-password`)).statusCode).toBe(401);
    const office = await u.office.login();
    expect((await office.post(`/api/users/${u.admin.id}/reset-password`)).statusCode).toBe(403);
  });
});

describe('init', () => {
  it('is refused while an administrator exists, then creates admin + office with a one-time password', async () => {
    await expect(initAdmin(t.db, { username: 'chief' })).rejects.toMatchObject({
      statusCode: 409,
      error: 'admin_exists',
    });
    await t.db.delete(roleAssignments).where(eq(roleAssignments.role, 'admin'));
    await expect(initAdmin(t.db, { username: 'bad name' })).rejects.toMatchObject({ statusCode: 400 });
    const { user, password } = await initAdmin(t.db, { username: 'chief', displayName: '系统管理员' });
    expect(user.roles).toEqual(['admin', 'office']);
    expect(password.length).toBeGreaterThanOrEqual(16);
    await expect(initAdmin(t.db, { username: 'chief2' })).rejects.toMatchObject({ error: 'admin_exists' });

    const s = await session('chief', password);
    expect(s.user).toMatchObject({
      username: 'chief',
      mustChangePassword: true,
    });
    expect(s.user.roles).toHaveLength(2);
    expect(s.user.roles).toEqual(
      expect.arrayContaining([
        { role: 'admin', orgUnitId: null },
        { role: 'office', orgUnitId: null },
      ]),
    );
    expect((await s.get('/api/orgs')).statusCode).toBe(403);
    expect(
      (
        await s.post('/api/auth/password', {
          currentPassword: password,
          newPassword: 'First-light-on-the-hill',
        })
      ).statusCode,
    ).toBe(200);
    expect((await s.get('/api/orgs')).statusCode).toBe(200);
    // The administrator's new password is policy-set: never tried by the production check.
    expect(await demoPasswordAccounts(t.db)).not.toContain('chief');
  });
});
