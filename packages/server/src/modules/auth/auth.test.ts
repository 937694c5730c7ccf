import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';

let t: TestApp;
let officeUser: FactoryUser;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  officeUser = await factory(t, 'auth').user([{ role: 'office' }]);
});
afterAll(async () => t.close());

describe('auth', () => {
  it('reports health and the database kind', async () => {
    const res = await t.anon.get('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: t.database.kind });
  });

  it('logs in, tells who is logged in, and logs out', async () => {
    const office = await officeUser.login();
    const me = await office.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({
      username: officeUser.username,
      roles: [{ role: 'office', orgUnitId: null }],
    });
    expect((await office.post('/api/auth/logout')).statusCode).toBe(200);
    expect((await office.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('refuses a wrong password with 401 and the same message as an unknown user', async () => {
    const wrong = await t.anon.post('/api/auth/login', {
      username: officeUser.username,
      password: 'nope-nope',
    });
    const unknown = await t.anon.post('/api/auth/login', { username: 'nobody', password: 'nope-nope' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().message).toBe(unknown.json().message);
  });

  it('sets an httpOnly session cookie and a fresh token on every login (no session fixation)', async () => {
    const login = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: officeUser.username, password: 'demo1234' },
      });
    const a = await login();
    const b = await login();
    const session = (r: typeof a) => r.cookies.find((c) => c.name === 'pc_session')!;
    expect(session(a).httpOnly).toBe(true);
    expect(session(a).value).not.toBe(session(b).value);
  });

  it('refuses a cookie-authenticated write without the CSRF header', async () => {
    const office = await officeUser.login();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/cycles',
      headers: { cookie: office.headers.cookie },
      payload: { code: 'x', name: 'x', type: 'annual', periodStart: '2027-01-01', periodEnd: '2027-12-31' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'csrf', details: [{ path: 'headers.x-csrf-token' }] });
  });

  it('names each bad field of a malformed login', async () => {
    const res = await t.anon.post('/api/auth/login', { username: 42 });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('validation_error');
    expect(body.details.map((d: { path: string }) => d.path).sort()).toEqual(['password', 'username']);
  });

  it('answers malformed JSON with a 400 error body, not a 5xx', async () => {
    const res = await t.anon.raw({
      method: 'POST',
      url: '/api/auth/login',
      payload: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toHaveProperty('details');
  });
});
