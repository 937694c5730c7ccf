import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helper';
import { PERMISSIONS, ROLE_USERS, type PermissionCase, type RoleUser } from './permissions';
import { listRoutes, operations, roleClient, sample, type RoleClient } from './routes';
import { createFixtures, fill, type Fixtures } from './fixtures';

/**
 * The permission matrix: every route of the app, called as every role against real ids of the demo city,
 * answers as `permissions.ts` declares (allowed: anything but 401/403; denied: 401 or 403; never 5xx or 429).
 */
let t: TestApp;
let clients: Record<RoleUser, RoleClient>;
let fx: Fixtures;
let ops: ReturnType<typeof operations>;

beforeAll(async () => {
  t = await buildTestApp();
  const entries = await Promise.all(ROLE_USERS.map(async (r) => [r, await roleClient(t.app, r)] as const));
  clients = Object.fromEntries(entries) as Record<RoleUser, RoleClient>;
  fx = await createFixtures(t);
  ops = operations(t.app);
});
afterAll(async () => t?.close());

const REPORT = !!process.env.PERM_REPORT;

it('declares every route of the app in permissions.ts, and nothing else', () => {
  const routes = listRoutes(t.app).map((r) => r.key);
  expect(routes.length).toBeGreaterThan(50);
  const undeclared = routes.filter((k) => !PERMISSIONS[k]);
  if (REPORT) console.log('undeclared', undeclared);
  const stale = Object.keys(PERMISSIONS).filter((k) => !routes.includes(k));
  expect(undeclared, 'routes without an entry in test/permissions.ts').toEqual([]);
  expect(stale, 'entries in test/permissions.ts for routes the app does not serve').toEqual([]);
});

/** Calls the route as one role; returns the status and a short body for the failure message. */
async function call(key: string, c: PermissionCase, role: RoleUser) {
  const method = key.split(' ')[0];
  const client = c.fresh ? await roleClient(t.app, role) : clients[role];
  const url = fill(c.url, fx) as string;
  let res;
  if (c.file) {
    const boundary = '----pcmatrix';
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${c.file.name}"\r\n` +
      `Content-Type: ${c.file.type}\r\n\r\n${fill(c.file.content, fx) as string}\r\n--${boundary}--\r\n`;
    res = await client.request(method, url, payload, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
  } else {
    let body = c.body === undefined ? undefined : fill(c.body, fx);
    if (body === undefined && method !== 'GET' && method !== 'DELETE') {
      const op = ops.get(key);
      body = op?.body ? sample(op.body, op.components, (n) => fx.hint(n)) : undefined;
    }
    res = await client.request(method, url, body);
  }
  return { status: res.statusCode, body: res.body.slice(0, 160) };
}

const keys = Object.keys(PERMISSIONS);
describe.each(keys)('%s', (key) => {
  it('allows and denies as declared', async (ctx) => {
    if (!listRoutes(t.app).some((r) => r.key === key)) ctx.skip();
    const c = PERMISSIONS[key];
    const wrong: string[] = [];
    for (const role of ROLE_USERS) {
      const { status, body } = await call(key, c, role);
      const allowed = c.allow.includes(role);
      const denials = c.hidden?.includes(role) ? [401, 403, 404] : [401, 403];
      const ok =
        status < 500 &&
        status !== 429 &&
        (allowed ? status !== 401 && status !== 403 : denials.includes(status));
      if (!ok) wrong.push(`${role}: expected ${allowed ? 'allow' : 'deny'}, got ${status} ${body}`);
    }
    if (REPORT && wrong.length) console.log(`\n### ${key}\n${wrong.join('\n')}`);
    expect(wrong).toEqual([]);
  });
});
