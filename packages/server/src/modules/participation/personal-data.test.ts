import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { buildTestApp, type TestApp } from '../../../test/helper';

// PIPL (issue 14): a participant downloads their data and deletes their account.
let t: TestApp;
let userId: string;

beforeAll(async () => {
  t = await buildTestApp();
  [{ id: userId }] = await rowsOf<{ id: string }>(
    t.db,
    sql`select id from users where username = 'citizen01'`,
  );
});
afterAll(() => t.close());

const count = async (q: ReturnType<typeof sql>) => Number((await rowsOf<{ n: number }>(t.db, q))[0].n);

describe('personal data', () => {
  it('downloads everything held about the account as JSON, contacts decrypted, and audits it', async () => {
    const me = await t.as('citizen01');
    const res = await me.get('/api/participation/my-data');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    const data = res.json();
    expect(data.account).toMatchObject({ id: userId, username: 'citizen01' });
    const [stored] = await rowsOf<{ email: string | null }>(
      t.db,
      sql`select email from users where id = ${userId}`,
    );
    if (stored.email) {
      expect(stored.email.startsWith('enc:')).toBe(true);
      expect(data.account.email).toContain('@');
    }
    const ratings = await count(sql`select count(*)::int as n from public_ratings where user_id = ${userId}`);
    expect(data.publicRatings.length).toBe(ratings);
    for (const k of ['consents', 'relationships', 'comments', 'needs', 'ratings', 'needSupports'])
      expect(Array.isArray(data[k]), k).toBe(true);
    expect(JSON.stringify(data)).not.toMatch(/password|totp_secret|emailHash/i);
    expect(
      await count(
        sql`select count(*)::int as n from audit_log where action = 'user.data_download' and entity_id = ${userId}`,
      ),
    ).toBe(1);
    expect((await t.anon.get('/api/participation/my-data')).statusCode).toBe(401);
  });

  it('deletes a participant account: contacts and profile erased, login gone, ratings kept, chain valid', async () => {
    const me = await t.as('citizen01');
    const before = await count(sql`select count(*)::int as n from public_ratings where user_id = ${userId}`);
    const wrong = await me.post('/api/participation/delete-account', { currentPassword: 'not-it' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details).toEqual([{ path: 'currentPassword', message: 'does not match' }]);
    const official = await (
      await t.as('leader01')
    ).post('/api/participation/delete-account', {
      currentPassword: 'demo1234',
    });
    expect(official.statusCode).toBe(403);
    const res = await me.post('/api/participation/delete-account', { currentPassword: 'demo1234' });
    expect(res.statusCode, res.body).toBe(200);
    const [u] = await rowsOf<Record<string, unknown>>(
      t.db,
      sql`select username, display_name, email, phone, email_lookup, phone_lookup, disabled, deleted_at from users where id = ${userId}`,
    );
    expect(u).toMatchObject({
      email: null,
      phone: null,
      email_lookup: null,
      phone_lookup: null,
      disabled: true,
    });
    expect(u.username).toMatch(/^deleted-/);
    expect(u.deleted_at).not.toBeNull();
    expect(
      await count(sql`select count(*)::int as n from participant_profiles where user_id = ${userId}`),
    ).toBe(0);
    expect(
      await count(sql`select count(*)::int as n from participant_relationships where user_id = ${userId}`),
    ).toBe(0);
    expect(await count(sql`select count(*)::int as n from public_ratings where user_id = ${userId}`)).toBe(
      before,
    );
    // The session ended and the login is gone.
    expect((await me.get('/api/participation/my-data')).statusCode).toBe(401);
    const login = await t.anon.post('/api/auth/login', { username: 'citizen01', password: 'demo1234' });
    expect(login.statusCode).toBe(401);
    const verify = (await (await t.as('office')).get('/api/audit/verify')).json();
    expect(verify.ok, JSON.stringify(verify)).toBe(true);
  });
});
