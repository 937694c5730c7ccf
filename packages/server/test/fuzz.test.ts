import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helper';
import { createFixtures, fill, type Fixtures } from './fixtures';
import { PERMISSIONS } from './permissions';
import { listRoutes, operations, roleClient, sample, type Operation, type RoleClient } from './routes';

/**
 * Fuzzed input: every route with a body or query schema gets malformed bodies, wrong types, huge strings,
 * unicode, negative and NaN-like numbers and prototype-pollution keys (fast-check, seeded, bounded runs),
 * sent by the performance office (the role that gets furthest past permission checks). Never a 5xx;
 * a refused request answers `{error, message, details[]}` and leaves the database exactly as it was
 * (a row trigger on every table counts committed writes).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20260701);

let t: TestApp;
let fx: Fixtures;
let office: RoleClient;
let ops: Map<string, Operation>;
let fuzzed = 0;

/** Routes whose refusals are written down on purpose (failed logins count towards the lockout). */
const RECORDS_REFUSALS = new Set(['POST /api/auth/login']);

async function writes(): Promise<number> {
  const res = (await t.db.execute(sql`select n from fuzz_writes`)) as unknown as { rows: { n: number }[] };
  return Number(res.rows[0].n);
}

beforeAll(async () => {
  t = await buildTestApp();
  fx = await createFixtures(t);
  office = await roleClient(t.app, 'office');
  ops = operations(t.app);
  // Count committed row writes in every table (sessions excepted: logins are not what is fuzzed).
  await t.db.execute(sql`create table fuzz_writes (n bigint not null)`);
  await t.db.execute(sql`insert into fuzz_writes values (0)`);
  await t.db.execute(
    sql.raw(`create function fuzz_count() returns trigger language plpgsql as $$
             begin update fuzz_writes set n = n + 1; return null; end $$`),
  );
  const tables = (await t.db.execute(
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('fuzz_writes', 'sessions')`,
  )) as unknown as { rows: { name: string }[] };
  for (const { name } of tables.rows)
    await t.db.execute(
      sql.raw(`create trigger fuzz_count after insert or update or delete on "${name}"
               for each row execute function fuzz_count()`),
    );
});
afterAll(async () => {
  console.log(`fuzz: ${fuzzed} requests`);
  await t?.close();
});

/** Values that break naive code: wrong types, extremes, unicode, NaN-like strings, pollution keys. */
const nasty = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    -1e308,
    1e308,
    2 ** 53 + 1,
    0.1 + 0.2,
    'NaN',
    'Infinity',
    '-0',
    '',
    ' ',
    '0x1F',
    '1e999',
    '../../etc/passwd',
    "'; drop table plans; --",
    '<img src=x onerror=alert(1)>',
    '\u0000',
    '\ud800',
    '𠀀𝕏👩‍👩‍👧‍👦',
    'é'.normalize('NFD'),
    '\u202eevil',
    [],
    {},
    [[[[[]]]]],
    { __proto__: { polluted: 1 } },
    'x'.repeat(100_000),
    '2026-02-30',
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A raw JSON text: the valid body with one field replaced, pollution keys added, or malformed text. */
function bodyArb(op: Operation, valid: unknown): fc.Arbitrary<{ text: string; type?: string }> {
  const props = valid && typeof valid === 'object' && !Array.isArray(valid) ? Object.keys(valid) : [];
  const replaceOne = fc.tuple(fc.constantFrom('', ...props), nasty).map(([k, v]) => {
    if (!k) return { text: JSON.stringify(v) ?? 'null' };
    return { text: JSON.stringify({ ...(valid as object), [k]: v }) };
  });
  const pollute = fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => ({
    text: `{${JSON.stringify(valid).slice(1, -1)}${props.length ? ',' : ''}"${k}":{"polluted":1,"prototype":{"polluted":1}}}`,
  }));
  const malformed = fc.constantFrom(
    { text: '{"a":' },
    { text: '[' },
    { text: '{"a":1}{"b":2}' },
    { text: 'not json' },
    { text: JSON.stringify(valid), type: 'text/plain' },
    { text: '<x/>', type: 'application/xml' },
    { text: '\uFEFF{}' },
    { text: `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}` },
  );
  const anything = fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v) }));
  return fc.oneof(replaceOne, replaceOne, pollute, malformed, anything);
}

/** URL-encodes, sending a lone surrogate as the invalid UTF-8 it would be on the wire. */
const encode = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
};

const queryArb = (op: Operation) =>
  fc
    .array(fc.tuple(fc.constantFrom(...op.query.map((q) => q.name)), nasty), { minLength: 1, maxLength: 3 })
    .map((pairs) =>
      pairs
        .map(
          ([k, v]) =>
            `${encodeURIComponent(k)}=${encode(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`,
        )
        .join('&'),
    );

/** The URL from the permission table (real ids), or the route path with the missing id. */
const baseUrl = (key: string) =>
  (fill(PERMISSIONS[key]?.url ?? key.split(' ')[1].replace(/:\w+/g, '{missing}'), fx) as string).split(
    '?',
  )[0];

async function check(key: string, method: string, url: string, text?: string, type?: string) {
  const before = await writes();
  const res = await office.request(
    method,
    url,
    text,
    text === undefined ? undefined : { 'content-type': type ?? 'application/json' },
  );
  fuzzed += 1;
  const where = `${key} ${url.slice(0, 200)} ${text?.slice(0, 200) ?? ''} → ${res.statusCode} ${res.body.slice(0, 200)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const body = res.json();
    expect(body, where).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(Array.isArray(body.details), where).toBe(true);
    if (res.statusCode === 400) expect(body.details.length, where).toBeGreaterThan(0);
    // A failed login is itself recorded (security event in the audit log, lockout counter): MLPS level 3.
    if (!RECORDS_REFUSALS.has(key))
      expect(await writes(), `refused request changed the database: ${where}`).toBe(before);
  }
  expect(({} as Record<string, unknown>).polluted, where).toBeUndefined();
}

/**
 * The two sweeps below send RUNS requests to every route that takes input, and six path parameters to
 * every route that has one: their time grows with the routes and with the runner's load (60 s, the
 * default bound, was passed once on a loaded machine), so they get their own bound.
 */
const SWEEP_TIMEOUT = 300_000;

describe('fuzzed input', () => {
  it('covers the routes that take a body or a query', () => {
    const targets = listRoutes(t.app).filter((r) => ops.get(r.key)?.body || ops.get(r.key)?.query.length);
    expect(targets.length).toBeGreaterThan(30);
  });

  it(
    'never answers 5xx, always names the problem, never writes on refusal',
    async () => {
      const routes = listRoutes(t.app);
      for (const [i, r] of routes.entries()) {
        const op = ops.get(r.key);
        if (!op || (!op.body && !op.query.length)) continue;
        const url = baseUrl(r.key);
        const valid = op.body ? sample(op.body, op.components, (n) => fx.hint(n)) : undefined;
        const arb = op.body
          ? bodyArb(op, valid).map((b) => ({ ...b, query: '' }))
          : queryArb(op).map((q) => ({ text: undefined as string | undefined, type: undefined, query: q }));
        await fc.assert(
          fc.asyncProperty(arb, async (req) => {
            await check(r.key, r.method, req.query ? `${url}?${req.query}` : url, req.text, req.type);
          }),
          { numRuns: RUNS, seed: SEED + i, endOnFailure: true },
        );
      }
    },
    SWEEP_TIMEOUT,
  );

  it(
    'refuses nasty path parameters without a 5xx',
    async () => {
      const params = ['..%2F..%2Fetc', 'NaN', '-1', '%00', encodeURIComponent('𠀀<script>'), 'x'.repeat(90)];
      for (const r of listRoutes(t.app).filter((x) => x.url.includes('/:'))) {
        for (const p of params) {
          const url = r.url.replace(/:\w+/g, p);
          const op = ops.get(r.key);
          const body = op?.body
            ? JSON.stringify(sample(op.body, op.components, (n) => fx.hint(n)))
            : undefined;
          await check(r.key, r.method, url, r.method === 'GET' || r.method === 'DELETE' ? undefined : body);
        }
      }
    },
    SWEEP_TIMEOUT,
  );
});
