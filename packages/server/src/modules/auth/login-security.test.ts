import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { buildApp } from '../../app';
import { loginGuards, sessions, users } from '../../db/schema';
import { generate } from 'otplib';
import { ACCOUNT_MAX_FAILURES, ADDRESS_MAX_FAILURES } from './service';

let t: TestApp;
/** One account per test (lockouts and sessions stay apart), all unit managers but the office. */
const u = {} as Record<'dc' | 'xc' | 'nh' | 'office' | 'hx' | 'lj' | 'bs', FactoryUser>;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'lsec');
  const unit = await f.org();
  for (const k of ['dc', 'xc', 'nh', 'hx', 'lj', 'bs'] as const)
    u[k] = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  u.office = await f.user([{ role: 'office' }]);
});

/** The full-width spelling of ASCII characters (ｄｃ．ｍａｎａｇｅｒ), which NFKC folds back. */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
afterAll(async () => t.close());

const login = (username: string, password: string, remoteAddress = '10.1.1.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password } });

const cookiesOf = (res: Awaited<ReturnType<typeof login>>) => {
  const c = Object.fromEntries(res.cookies.map((k) => [k.name, k.value]));
  return { cookie: `pc_session=${c.pc_session}; pc_csrf=${c.pc_csrf}`, 'x-csrf-token': c.pc_csrf };
};

describe('login hardening (MLPS 2.0 level 3: identification and authentication)', () => {
  it('normalises the login name (trim, NFKC, lower case) before anything else', async () => {
    const dc = u.dc.username;
    for (const name of [`  ${dc}  `, dc.toUpperCase(), fullWidth(dc), `${dc}${' '.repeat(77)}`])
      expect((await login(name, 'demo1234', '10.9.0.1')).statusCode, JSON.stringify(name)).toBe(200);
  });

  it('locks an account for 15 minutes after 5 failures, whatever the spelling, across processes', async () => {
    const xc = u.xc.username;
    const spellings = [
      xc,
      ` ${xc.toUpperCase()}`,
      `${xc}   `,
      fullWidth(xc[0].toUpperCase()) + xc.slice(1),
      `\t${xc}`,
    ];
    for (const [i, name] of spellings.entries()) {
      const res = await login(name, `wrong-${i}`, `10.2.0.${i}`);
      expect(res.statusCode).toBe(401);
    }
    expect(spellings.length).toBe(ACCOUNT_MAX_FAILURES);
    // The right password is refused too, from any address, until the lock ends.
    const locked = await login(xc, 'demo1234', '10.2.1.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: 'account_locked', details: [{ path: 'username' }] });
    const [g] = await t.db
      .select()
      .from(loginGuards)
      .where(eq(loginGuards.key, `user:${xc}`));
    expect(g.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    // The lock is in the database: another server process on it refuses as well.
    const other = await buildApp({ database: t.database });
    try {
      const res = await other.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: xc, password: 'demo1234' },
      });
      expect(res.statusCode).toBe(429);
    } finally {
      await other.close();
    }
    // A name that does not exist locks the same way: a lockout reveals nothing about which accounts exist.
    for (let i = 0; i < ACCOUNT_MAX_FAILURES; i++) await login('no.such.person', `x-${i}`, `10.3.0.${i}`);
    expect((await login('no.such.person', 'x', '10.3.1.1')).json().error).toBe('account_locked');
    // Audit: failures and the lockout are in the hash-chained log.
    const actions = (
      await t.db.execute(
        sql`select action, count(*)::int as n from audit_log where data->>'username' = ${xc} group by action`,
      )
    ).rows as { action: string; n: number }[];
    expect(Object.fromEntries(actions.map((a) => [a.action, a.n]))).toMatchObject({
      'auth.login_failed': 5,
      'auth.lockout': 1,
    });
  });

  it('shows the last login, its address and the failed attempts since, then resets them', async () => {
    await t.db.delete(loginGuards);
    const nh = u.nh.username;
    const first = await login(nh, 'demo1234', '10.4.0.1');
    expect(first.statusCode).toBe(200);
    for (let i = 0; i < 3; i++) await login(nh, `bad-${i}`, '10.4.0.66');
    const second = await login(nh.toUpperCase(), 'demo1234', '10.4.0.2');
    const seen = second.json().user.lastLogin;
    expect(seen).toMatchObject({ ip: '10.4.0.1', failedAttemptsSince: 3 });
    expect(Math.abs(Date.parse(seen.at) - Date.now())).toBeLessThan(60_000);
    // /me of that session shows the same.
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: cookiesOf(second) });
    expect(me.json().user.lastLogin).toMatchObject({ ip: '10.4.0.1', failedAttemptsSince: 3 });
    const third = await login(nh, 'demo1234', '10.4.0.3');
    expect(third.json().user.lastLogin).toMatchObject({ ip: '10.4.0.2', failedAttemptsSince: 0 });
  });

  it('throttles one address trying many names (per-address lock in the database)', async () => {
    await t.db.delete(loginGuards);
    const ip = '10.5.5.5';
    for (let i = 0; i < ADDRESS_MAX_FAILURES; i++) {
      const res = await login(`guess${i}`, 'Password1', ip);
      expect(res.statusCode).toBe(401);
    }
    const res = await login(u.office.username, 'demo1234', ip);
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toBe('address_locked');
    expect((await login(u.office.username, 'demo1234', '10.5.5.6')).statusCode).toBe(200);
  });
});

describe('sessions (idle timeout, absolute lifetime, ended on password change)', () => {
  it('ends a session idle for more than 30 minutes, and one past its absolute end', async () => {
    await t.db.delete(loginGuards);
    const a = await login(u.hx.username, 'demo1234', '10.6.0.1');
    const b = await login(u.hx.username, 'demo1234', '10.6.0.1');
    const me = (res: typeof a) =>
      t.app.inject({ method: 'GET', url: '/api/auth/me', headers: cookiesOf(res) });
    expect((await me(a)).statusCode).toBe(200);
    const rows = await t.db.select().from(sessions).where(eq(sessions.userId, u.hx.id));
    expect(rows).toHaveLength(2);
    // Absolute lifetime: 12 hours from login.
    for (const r of rows)
      expect(Math.abs(r.expiresAt.getTime() - r.createdAt.getTime() - 12 * 3_600_000)).toBeLessThan(5_000);
    const tokenOf = (res: typeof a) => res.cookies.find((c) => c.name === 'pc_session')!.value;
    const { sha256 } = await import('../../lib/hash');
    await t.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) })
      .where(eq(sessions.tokenHash, sha256(tokenOf(a))));
    expect((await me(a)).statusCode).toBe(401);
    // 29 minutes idle is still alive (and the request renews it).
    await t.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 29 * 60_000) })
      .where(eq(sessions.tokenHash, sha256(tokenOf(b))));
    expect((await me(b)).statusCode).toBe(200);
    await t.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.tokenHash, sha256(tokenOf(b))));
    expect((await me(b)).statusCode).toBe(401);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, u.hx.id))).toHaveLength(0);
  });

  it('ends the other sessions when the password changes', async () => {
    const a = await login(u.lj.username, 'demo1234', '10.7.0.1');
    const b = await login(u.lj.username, 'demo1234', '10.7.0.2');
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: cookiesOf(a),
      payload: { currentPassword: 'demo1234', newPassword: 'Lantern-field-93' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const me = (res: typeof a) =>
      t.app.inject({ method: 'GET', url: '/api/auth/me', headers: cookiesOf(res) });
    expect((await me(a)).statusCode).toBe(200);
    expect((await me(b)).statusCode).toBe(401);
  });
});

describe('second factor (TOTP, RFC 6238)', () => {
  it('enrols with the password, then asks every login for a code, accepted once', async () => {
    await t.db.delete(loginGuards);
    const bs = u.bs.username;
    const first = await login(bs, 'demo1234', '10.8.0.1');
    const h = cookiesOf(first);
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: h, payload });
    expect((await post('/api/auth/totp/setup', { currentPassword: 'wrong-one' })).json().error).toBe(
      'wrong_password',
    );
    const setup = await post('/api/auth/totp/setup', { currentPassword: 'demo1234' });
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret, otpauthUrl } = setup.json();
    expect(otpauthUrl).toBe(`otpauth://totp/PerfCommons:${bs}?secret=${secret}&issuer=PerfCommons`);
    // Stored encrypted, never as the secret itself.
    const [row] = await t.db.select().from(users).where(eq(users.id, u.bs.id));
    expect(row.totpSecret).toMatch(/^enc:v1:/);
    expect(row.totpSecret).not.toContain(secret);
    expect((await post('/api/auth/totp/enable', { code: '000000' })).json().error).toBe('totp_invalid');
    const now = Math.floor(Date.now() / 1000);
    expect(
      (await post('/api/auth/totp/enable', { code: await generate({ secret, epoch: now }) })).statusCode,
    ).toBe(200);
    const noCode = await login(bs, 'demo1234', '10.8.0.2');
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json()).toMatchObject({ error: 'totp_required', details: [{ path: 'totp' }] });
    const withCode = (totp: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.8.0.3',
        payload: { username: bs, password: 'demo1234', totp },
      });
    const next = await generate({ secret, epoch: now + 30 });
    expect((await withCode(next)).statusCode).toBe(200);
    // The same code again (replay) is refused and counted as a failure.
    const replay = await withCode(next);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toBe('totp_invalid');
    // A wrong password never reaches the code.
    expect((await withCode('123456')).statusCode).toBe(401);
  });
});
