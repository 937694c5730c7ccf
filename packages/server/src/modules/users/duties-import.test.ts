import { generate } from 'otplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dutyConflicts } from '../../lib/duties';
import { factory } from '../../../test/factories';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';

/**
 * 三员分立 in the account import and at start-up (issue 14): in production an import row giving one
 * account two of admin / security_admin / audit_admin is refused (409 `duties_conflict` naming the row),
 * and the accounts that already hold two are found for the start-up warning.
 */
let t: TestApp;
let admin: Client;
const saved = process.env.NODE_ENV;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  admin = await (await factory(t, 'dui').user([{ role: 'admin' }])).login();
  // Production requires the administrator's second factor: enrol it first (outside production).
  const { secret } = (await admin.post('/api/auth/totp/setup', { currentPassword: 'demo1234' })).json();
  const on = await admin.post('/api/auth/totp/enable', {
    code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) }),
  });
  expect(on.statusCode, on.body).toBe(200);
});
afterEach(() => {
  process.env.NODE_ENV = saved;
});
afterAll(() => t?.close());

const importAccounts = (step: 'preview' | 'commit', lines: string[]) => {
  const { payload, headers } = multipart('accounts.csv', Buffer.from(lines.join('\n') + '\n'));
  return t.app.inject({
    method: 'POST',
    url: `/api/import/accounts/${step}`,
    payload,
    headers: { ...admin.headers, ...headers },
  });
};

describe('separation of duties in the account import', () => {
  it('in production refuses a row with two duty roles, naming it; nothing is created', async () => {
    process.env.NODE_ENV = 'production';
    const res = await importAccounts('commit', [
      'username,displayName,email,roles',
      'sys.ops,系统运维,,admin',
      'aud.two,审计兼系统,,audit_admin; admin',
    ]);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({
      error: 'duties_conflict',
      details: [{ path: 'rows.3.roles', message: 'holds admin and audit_admin' }],
    });
    const users = await t.db.execute(`select username from users where username in ('sys.ops', 'aud.two')`);
    expect((users as unknown as { rows: unknown[] }).rows).toEqual([]);
  });

  it('outside production an install may combine them, and the start-up check then names the account', async () => {
    expect(await dutyConflicts(t.db)).toEqual([]);
    const res = await importAccounts('commit', [
      'username,displayName,email,roles',
      'aud.two,审计兼系统,,audit_admin; admin',
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(await dutyConflicts(t.db)).toEqual([{ username: 'aud.two', roles: ['admin', 'audit_admin'] }]);
  });
});
