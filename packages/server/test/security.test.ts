import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { factory, type FactoryUser } from './factories';
import { MISSING_ID } from './fixtures';
import { buildTestApp, multipart, type TestApp } from './helper';
import { listRoutes, nextAddress, roleClient } from './routes';

/**
 * Web security of the API: helmet headers, cookie flags, CSRF on every cookie-authenticated write,
 * session fixation and logout, rate limits on login and public submissions, file uploads checked by
 * content and size. (Stored XSS is checked in the browser: packages/e2e/specs/xss.test.ts.)
 */
let t: TestApp;
/** What the tests name, built by the factories and the API (test/factories.ts), not the demo city's. */
const fx = {
  missing: MISSING_ID,
  /** A survey open to answers without invitation. */
  survey: '',
  /** The unit's plan published for comment. */
  eduPlan: '',
  /** The unit's plan of a cycle whose results are published, one of its values and a PNG evidence file. */
  edu2025: '',
  c2025: '',
  eduValue: '',
  evidence: '',
};
/** Accounts by what they are: two residents, so one starts with empty submission windows. */
const who = {} as Record<'office' | 'eduManager' | 'verifier' | 'resident' | 'freshResident', FactoryUser>;
const username = (k: keyof typeof who) => who[k].username;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'sec');
  const edu = await f.org();
  who.office = await f.user([{ role: 'office' }]);
  who.eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  who.verifier = await f.user([{ role: 'verifier' }]);
  who.resident = await f.user([{ role: 'public' }]);
  who.freshResident = await f.user([{ role: 'public' }]);
  const office = await who.office.login();
  const manager = await who.eduManager.login();

  // A published cycle: the unit's plan with verified values and an evidence file, results published.
  const published = await f.cycle({ year: 2031, stage: 'planning' });
  fx.c2025 = published.id;
  fx.edu2025 = (await f.plan({ cycleId: published.id, orgUnitId: edu.id })).id;
  await f.stage(published.id, 'execution');
  [{ id: fx.eduValue }] = await f.values(
    fx.edu2025,
    [
      { indicatorCode: 'A1', period: '2031', value: 5.2 },
      { indicatorCode: 'A2', period: '2031', value: 97 },
    ],
    { by: who.eduManager.actor, verifyAs: who.verifier.actor },
  );
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  const evidence = await manager.raw({
    method: 'POST',
    url: `/api/values/${fx.eduValue}/evidence`,
    ...multipart('scan.png', png),
  });
  expect(evidence.statusCode, evidence.body).toBe(201);
  fx.evidence = evidence.json().file.id;
  await f.results(published.id, { publish: true });

  // A cycle being planned: the unit's plan published for comment.
  const planning = await f.cycle({ year: 2032, stage: 'planning' });
  fx.eduPlan = (
    await f.plan({ cycleId: planning.id, orgUnitId: edu.id, status: 'published_for_comment' })
  ).id;

  // A survey of that cycle open to answers without invitation.
  const survey = await office.post('/api/surveys', {
    code: 'sec-open',
    title: '安全测试问卷',
    cycleId: planning.id,
    strataFields: ['district'],
    openMode: true,
    definition: {
      sections: [
        {
          id: 's1',
          title: '满意度',
          questions: [{ id: 'q1', type: 'likert5', text: '总体满意度', required: true }],
        },
      ],
    },
  });
  expect(survey.statusCode, survey.body).toBe(201);
  fx.survey = survey.json().survey.id;
});
afterAll(async () => t?.close());

const login = (username: string, headers: Record<string, string> = {}, remoteAddress = nextAddress()) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: 'demo1234' },
    headers,
    remoteAddress,
  });

describe('headers and cookies', () => {
  it('sends the security headers on API answers and errors', async () => {
    for (const url of ['/api/health', '/api/no-such-route', '/api/auth/me']) {
      const res = await t.anon.get(url);
      expect(res.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      // Plain HTTP (COOKIE_SECURE unset): no HSTS, which only an HTTPS site may promise.
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    const secure = await buildApp({ database: t.database, cookieSecure: true });
    try {
      const res = await secure.inject({ method: 'GET', url: '/api/health' });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await secure.close();
    }
  });

  it('keeps the session cookie from scripts and from cross-site requests', async () => {
    const res = await login(username('office'));
    const session = res.cookies.find((c) => c.name === 'pc_session')!;
    const csrf = res.cookies.find((c) => c.name === 'pc_csrf')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(csrf.httpOnly).toBeFalsy();
    expect(session.value).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
  });
});

describe("citizens and the officials' console (issue 14)", () => {
  it("refuses the officials' result API to an account whose only role is public participant", async () => {
    const citizen = await roleClient(t.app, username('resident'));
    const c = { id: fx.c2025 };
    const res = await citizen.request('GET', `/api/cycles/${c.id}/results`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'officials_only', details: [{ path: 'url' }] });
    const [r] = (await t.db.execute(sql`select id from results limit 1`)).rows as { id: string }[];
    expect((await citizen.request('GET', `/api/results/${r.id}`)).statusCode).toBe(403);
    // The portal's public API stays open to them.
    expect((await citizen.request('GET', `/api/public/results?cycleId=${c.id}`)).statusCode).toBe(200);
    // An official with the same request is served.
    const office = await roleClient(t.app, username('office'));
    expect((await office.request('GET', `/api/cycles/${c.id}/results`)).statusCode).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses every cookie-authenticated write without the right x-csrf-token', async () => {
    const office = await roleClient(t.app, username('office'));
    const other = await roleClient(t.app, username('eduManager'));
    const writes = listRoutes(t.app).filter((r) => r.method !== 'GET' && r.url !== '/api/auth/login');
    expect(writes.length).toBeGreaterThan(40);
    for (const r of writes) {
      const url = r.url.replace(/:\w+/g, fx.missing);
      for (const token of [undefined, 'forged', other.headers['x-csrf-token']]) {
        const headers: Record<string, string> = { cookie: office.headers.cookie };
        if (token) headers['x-csrf-token'] = token;
        const res = await t.app.inject({
          method: r.method as 'POST',
          url,
          headers,
          payload: {},
          remoteAddress: nextAddress(),
        });
        expect(res.statusCode, `${r.key} token=${token}`).toBe(403);
        expect(res.json()).toMatchObject({ error: 'csrf', details: [{ path: 'headers.x-csrf-token' }] });
      }
    }
  });
});

describe('sessions', () => {
  it('issues a new session at every login and ignores a planted one (no fixation)', async () => {
    const planted = 'attacker-chosen-session-token-000000000000';
    const a = await login(username('eduManager'), { cookie: `pc_session=${planted}` });
    const b = await login(username('eduManager'));
    const token = (r: typeof a) => r.cookies.find((c) => c.name === 'pc_session')!.value;
    expect(token(a)).not.toBe(planted);
    expect(token(a)).not.toBe(token(b));
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `pc_session=${planted}` },
    });
    expect(me.statusCode).toBe(401);
  });

  it('ends the session at logout: the old cookie reads and writes nothing', async () => {
    const c = await roleClient(t.app, username('office'));
    expect((await c.request('GET', '/api/auth/me')).statusCode).toBe(200);
    const out = await c.request('POST', '/api/auth/logout');
    expect(out.statusCode).toBe(200);
    expect(out.cookies.find((x) => x.name === 'pc_session')?.value).toBe('');
    expect((await c.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await c.request('GET', '/api/audit?limit=1')).statusCode).toBe(401);
    const write = await c.request('POST', '/api/cycles', {
      code: 'after-logout',
      name: 'x',
      type: 'annual',
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
    });
    expect(write.statusCode).toBe(401);
  });

  it('answers the same for an unknown user and a wrong password', async () => {
    const bad = (username: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: 'wrong-password' },
        remoteAddress: nextAddress(),
      });
    const [unknown, wrong] = [await bad('no-such-user'), await bad(username('office'))];
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });
});

describe('rate limits', () => {
  it('limits login attempts per address and account, whatever the spelling of the name', async () => {
    // Issue 14: padding the name with spaces gave a fresh allowance per variant; the right password with
    // 77 trailing spaces logged in. Now every spelling is one account: 5 failures lock it for 15 minutes.
    const address = nextAddress();
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: `${username('verifier')}${' '.repeat(i)}`, password: `guess-${i}` },
        remoteAddress: address,
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const last = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: `${username('verifier').toUpperCase()}${' '.repeat(77)}`, password: 'demo1234' },
      remoteAddress: nextAddress(),
    });
    expect(last.statusCode).toBe(429);
    expect(last.json()).toMatchObject({ error: 'account_locked', details: [{ path: 'username' }] });
    // The in-memory limiter (20 a minute per address and normalised name) stays as a first line.
    const flood: number[] = [];
    const other = nextAddress();
    for (let i = 0; i < 22; i++)
      flood.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username: ` Nobody.${i % 2 ? 'X' : 'x'} `, password: 'x' },
            remoteAddress: other,
          })
        ).statusCode,
      );
    expect(flood.slice(20)).toEqual([429, 429]);
  });

  it('limits every public submission route', async () => {
    // A participant the fixtures did not use: the per-participant windows start empty.
    const citizen = await roleClient(t.app, username('freshResident'));
    const cases: { url: string; body?: unknown; max: number; anon?: boolean }[] = [
      { url: '/api/participation/register', body: {}, max: 10, anon: true },
      {
        url: `/api/public/surveys/${fx.survey}/open`,
        body: { answers: {}, profile: {} },
        max: 5,
        anon: true,
      },
      { url: '/api/public/s/ABCD-EFGH', body: { answers: {} }, max: 30, anon: true },
      { url: '/api/participation/needs', body: {}, max: 30 },
      { url: `/api/participation/needs/${fx.missing}/support`, max: 30 },
      { url: `/api/participation/plans/${fx.eduPlan}/comments`, body: {}, max: 30 },
      { url: `/api/participation/plans/${fx.eduPlan}/threads`, body: {}, max: 30 },
      { url: `/api/participation/threads/${fx.missing}/posts`, body: {}, max: 30 },
      { url: `/api/participation/plans/${fx.edu2025}/public-ratings`, body: {}, max: 20 },
    ];
    for (const c of cases) {
      const address = nextAddress();
      const codes: number[] = [];
      for (let i = 0; i <= c.max; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: c.url,
          headers: c.anon ? {} : citizen.headers,
          remoteAddress: address,
          ...(c.body === undefined ? {} : { payload: c.body as object }),
        });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, c.max), c.url).not.toContain(429);
      expect(codes[c.max], c.url).toBe(429);
    }
  });
});

describe('uploads', () => {
  const upload = async (url: string, filename: string, type: string, content: Buffer) => {
    const c = await roleClient(t.app, username('eduManager'));
    const boundary = '----pcupload';
    return c.request(
      'POST',
      url,
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
        ),
        content,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
    );
  };
  const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(200)]);
  const html = Buffer.from('<html><script>alert(1)</script></html>');

  it('accepts evidence by its content, not by its name or declared type', async () => {
    const url = `/api/values/${fx.eduValue}/evidence`;
    // The value belongs to the published cycle, whose inputs are frozen: upload while unpublished.
    await t.db.execute(sql`update cycles set results_published_at = null where id = ${fx.c2025}`);
    for (const [name, type, body] of [
      ['scan.png', 'image/png', exe],
      ['scan.pdf', 'application/pdf', exe],
      ['sheet.xlsx', 'application/vnd.ms-excel', Buffer.from('PK\x03\x04not-an-office-file', 'latin1')],
    ] as const) {
      const res = await upload(url, name, type, body);
      expect(res.statusCode, name).toBe(400);
      expect(res.json().details[0].path).toBe('file');
    }
    // Markup is only ever text: stored and served as text/plain, as an attachment, never as HTML or SVG.
    for (const [name, type, body] of [
      ['report.html', 'text/html', html],
      ['x.svg', 'image/svg+xml', Buffer.from('<svg onload="alert(1)"/>')],
    ] as const) {
      const res = await upload(url, name, type, body);
      expect(res.statusCode, name).toBe(201);
      const id = JSON.stringify(res.json()).match(/"id":"([0-9a-f-]{36})"/)![1];
      const dl = await (
        await roleClient(t.app, username('eduManager'))
      ).request('GET', `/api/evidence/${id}`);
      expect(dl.headers['content-type'], name).toMatch(/^text\/plain/);
      expect(dl.headers['content-disposition']).toMatch(/^attachment/);
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
    }
    await t.db.execute(sql`update cycles set results_published_at = now() where id = ${fx.c2025}`);
  });

  it('refuses files over 5 MB with 413 and the error body', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024 + 10, 0x20)]);
    for (const url of [`/api/values/${fx.eduValue}/evidence`, `/api/plans/${fx.edu2025}/values/import`]) {
      const res = await upload(url, 'big.pdf', 'application/pdf', big);
      // The multipart limit answers 413; the sheet import reports the truncated file as a bad `file`.
      expect([413, 400], url).toContain(res.statusCode);
      expect(res.json()).toMatchObject({ error: expect.any(String), details: [expect.anything()] });
      if (res.statusCode === 400) expect(res.json().details[0].path).toBe('file');
    }
  });

  it('imports values only from spreadsheets', async () => {
    const res = await upload(
      `/api/plans/${fx.edu2025}/values/import`,
      'values.exe',
      'application/octet-stream',
      exe,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('file');
    const fake = await upload(
      `/api/plans/${fx.edu2025}/values/import`,
      'values.xlsx',
      'application/vnd.ms-excel',
      exe,
    );
    expect(fake.statusCode).toBe(400);
  });

  it('serves downloads as attachments that the browser will not sniff into HTML', async () => {
    const c = await roleClient(t.app, username('eduManager'));
    const res = await c.request('GET', `/api/evidence/${fx.evidence}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toMatch(/^attachment/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
