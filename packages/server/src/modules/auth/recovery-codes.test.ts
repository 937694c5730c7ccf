import { and, eq, sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { totpRecoveryCodes, users } from '../../db/schema';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { RECOVERY_CODE_COUNT, resetTotp } from './service';

// TOTP recovery codes (issue 14): shown once, stored as keyed digests in their own table, one use each.
let t: TestApp;
let office: FactoryUser;
/** Usernames of the unit managers enrolling here, one or two per test. */
const name = {} as Record<'hx' | 'ty' | 'qs' | 'nh' | 'lj', string>;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'rec');
  const unit = await f.org();
  for (const k of ['hx', 'ty', 'qs', 'nh', 'lj'] as const)
    name[k] = (await f.user([{ role: 'unit_manager', orgUnitId: unit.id }])).username;
  office = await f.user([{ role: 'office' }]);
});
afterAll(async () => t.close());

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
const login = (payload: Record<string, string>, remoteAddress = '10.40.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload });
const headersOf = (res: Res) => {
  const c = Object.fromEntries(res.cookies.map((k) => [k.name, k.value]));
  return { cookie: `pc_session=${c.pc_session}; pc_csrf=${c.pc_csrf}`, 'x-csrf-token': c.pc_csrf };
};
const client = (res: Res) => {
  const headers = headersOf(res);
  return {
    post: (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers, payload }),
    get: (url: string) => t.app.inject({ method: 'GET', url, headers }),
  };
};

/** Waits out the last seconds of a 30 s TOTP step, so codes of the steps around "now" stay valid. */
async function awayFromStepEdge() {
  const into = (Date.now() / 1000) % 30;
  if (into > 22) await new Promise((r) => setTimeout(r, (30.5 - into) * 1000));
}

/** Logs in `username`, enrols a second factor (code of the previous step) and returns what enable said. */
async function enrol(username: string, ip: string) {
  const c = client(await login({ username, password: 'demo1234' }, ip));
  const { secret } = (await c.post('/api/auth/totp/setup', { currentPassword: 'demo1234' })).json();
  const now = Math.floor(Date.now() / 1000);
  const enabled = await c.post('/api/auth/totp/enable', {
    code: await generate({ secret, epoch: now - 30 }),
  });
  expect(enabled.statusCode, enabled.body).toBe(200);
  return { c, secret: secret as string, now, codes: enabled.json().recoveryCodes as string[] };
}

const idOf = async (username: string) =>
  (await t.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0].id;

describe('TOTP recovery codes', () => {
  it('are shown once at enrolment, stored only as keyed digests, and each logs in once (audited)', async () => {
    await awayFromStepEdge();
    const { c, codes } = await enrol(name.hx, '10.40.1.1');
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
    expect((await c.get('/api/auth/me')).json().user).toMatchObject({
      totpEnabled: true,
      recoveryCodesLeft: RECOVERY_CODE_COUNT,
    });
    // Neither the codes nor an unkeyed hash of them are in the database.
    const id = await idOf(name.hx);
    const stored = await t.db.select().from(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, id));
    expect(stored).toHaveLength(RECOVERY_CODE_COUNT);
    const dump = JSON.stringify(stored);
    for (const code of codes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace('-', ''));
    }
    const unkeyed = await rowsOf<{ h: string }>(
      t.db,
      sql`select encode(sha256(convert_to(${codes[0]}, 'UTF8')), 'hex') as h`,
    );
    expect(dump).not.toContain(unkeyed[0].h);

    // A code logs in instead of the authenticator, typed in any case and without the dash.
    const typed = codes[0].replace('-', ' ').toUpperCase();
    const first = await login({ username: name.hx, password: 'demo1234', recoveryCode: typed });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().user.recoveryCodesLeft).toBe(RECOVERY_CODE_COUNT - 1);
    // ... once.
    const again = await login({ username: name.hx, password: 'demo1234', recoveryCode: codes[0] });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: 'totp_invalid', details: [{ path: 'recoveryCode' }] });
    // A wrong password never reaches the code (and does not use it up).
    expect((await login({ username: name.hx, password: 'wrong', recoveryCode: codes[1] })).statusCode).toBe(
      401,
    );
    const [{ used }] = await rowsOf<{ used: number }>(
      t.db,
      sql`select count(*)::int as used from totp_recovery_codes where user_id = ${id} and used_at is not null`,
    );
    expect(used).toBe(1);
    // The use and the failure are in the audit log, and the chain still verifies.
    const entries = await rowsOf<{ action: string; data: Record<string, unknown> }>(
      t.db,
      sql`select action, data from audit_log where entity_id = ${id}
          and action in ('auth.totp_enable', 'auth.recovery_code_used', 'auth.login_failed') order by seq`,
    );
    expect(entries.map((e) => e.action)).toEqual([
      'auth.totp_enable',
      'auth.recovery_code_used',
      'auth.login_failed',
      'auth.login_failed',
    ]);
    expect(entries[0].data).toEqual({ recoveryCodes: RECOVERY_CODE_COUNT });
    expect(entries[1].data).toEqual({ remaining: RECOVERY_CODE_COUNT - 1 });
    expect(entries[2].data).toMatchObject({ reason: 'recovery_code' });
    const verify = (await (await office.login()).get('/api/audit/verify')).json();
    expect(verify.problems).toEqual([]);
  });

  it('a code works for its own account only, and two logins racing with one code: one wins', async () => {
    await awayFromStepEdge();
    const a = await enrol(name.ty, '10.40.2.1');
    const b = await enrol(name.qs, '10.40.2.2');
    const cross = await login({ username: name.qs, password: 'demo1234', recoveryCode: a.codes[0] });
    expect(cross.statusCode).toBe(401);
    const race = await Promise.all(
      [1, 2, 3].map((k) =>
        login({ username: name.qs, password: 'demo1234', recoveryCode: b.codes[5] }, `10.40.2.${10 + k}`),
      ),
    );
    expect(race.map((r) => r.statusCode).sort()).toEqual([200, 401, 401]);
  });

  it('regenerating (password and a current code) replaces every earlier code; disabling deletes them', async () => {
    await awayFromStepEdge();
    const { c, secret, now, codes } = await enrol(name.nh, '10.40.3.1');
    const code = (offset: number) => generate({ secret, epoch: now + offset });
    const wrong = await c.post('/api/auth/totp/recovery-codes', {
      currentPassword: 'demo1234',
      code: '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe('totp_invalid');
    const res = await c.post('/api/auth/totp/recovery-codes', {
      currentPassword: 'demo1234',
      code: await code(0),
    });
    expect(res.statusCode, res.body).toBe(200);
    const fresh = res.json();
    expect(fresh.recoveryCodesLeft).toBe(RECOVERY_CODE_COUNT);
    expect(fresh.recoveryCodes.filter((x: string) => codes.includes(x))).toEqual([]);
    expect(
      (await login({ username: name.nh, password: 'demo1234', recoveryCode: codes[2] })).statusCode,
    ).toBe(401);
    expect(
      (await login({ username: name.nh, password: 'demo1234', recoveryCode: fresh.recoveryCodes[2] }))
        .statusCode,
    ).toBe(200);
    const id = await idOf(name.nh);
    const [entry] = await rowsOf<{ data: Record<string, unknown> }>(
      t.db,
      sql`select data from audit_log where entity_id = ${id} and action = 'auth.recovery_codes'`,
    );
    expect(entry.data).toEqual({ issued: RECOVERY_CODE_COUNT, unusedReplaced: RECOVERY_CODE_COUNT });
    const off = await c.post('/api/auth/totp/disable', { currentPassword: 'demo1234', code: await code(30) });
    expect(off.statusCode, off.body).toBe(200);
    const left = await t.db
      .select()
      .from(totpRecoveryCodes)
      .where(and(eq(totpRecoveryCodes.userId, id)));
    expect(left).toEqual([]);
    expect((await c.get('/api/auth/me')).json().user.recoveryCodesLeft).toBeNull();
  });

  it('lost phone and lost codes: the operator resets the second factor from the command line (audited)', async () => {
    await awayFromStepEdge();
    const { c } = await enrol(name.lj, '10.40.4.1');
    const id = await idOf(name.lj);
    expect(await resetTotp(t.db, id, null)).toBe(true);
    // Its sessions ended; it logs in with the password alone and may enrol again.
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
    const back = await login({ username: name.lj, password: 'demo1234' }, '10.40.4.2');
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().user).toMatchObject({ totpEnabled: false, recoveryCodesLeft: null });
    expect(await t.db.select().from(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, id))).toEqual([]);
    const [entry] = await rowsOf<{ actor_id: string | null; data: Record<string, unknown> }>(
      t.db,
      sql`select actor_id, data from audit_log where entity_id = ${id} and action = 'auth.totp_disable'`,
    );
    expect(entry).toEqual({
      actor_id: null,
      data: { reset: true, by: 'command line', wasEnabled: true, sessionsEnded: 1 },
    });
    const verify = (await (await office.login()).get('/api/audit/verify')).json();
    expect(verify.problems).toEqual([]);
  });
});
