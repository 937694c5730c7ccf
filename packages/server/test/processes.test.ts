/**
 * Real server processes (`perfcommons start`, compiled once per run): graceful shutdown on SIGTERM,
 * and two processes on one PostgreSQL database driven alternately (a session opened on one is used
 * on the other, rate limits count across both through Redis, the monitoring sweep job runs once).
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client';
import { users } from '../src/db/schema';
import { hashPassword } from '../src/modules/auth/password';
import { BACKEND } from './helper';
import { withDatabase } from './global-setup';
import { messages, startServer, stopServer, until, type Server } from './server-process';

describe.runIf(BACKEND === 'pglite')('graceful shutdown', () => {
  let s: Server | undefined;
  afterAll(() => stopServer(s));

  it('SIGTERM: stops listening, finishes the request in flight, exits 0', async () => {
    s = await startServer('solo', { DATA_DIR: 'memory://', DATABASE_URL: '' });
    expect((await fetch(s.url('/health/ready'))).status).toBe(200);

    // A login whose body is still arriving when the signal comes: in flight.
    const body = JSON.stringify({ username: 'nobody', password: 'not-the-password' });
    const socket = net.connect(s.port, '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    socket.write(
      `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    s.child.kill('SIGTERM');
    await until('the drain to start', () => messages(s!).some((m) => m.startsWith('SIGTERM: draining')));
    // No new connections: the listener is closed.
    await new Promise((r) => setTimeout(r, 300));
    await expect(fetch(s.url('/health/live'))).rejects.toThrow();
    expect(s.child.exitCode).toBe(null);

    socket.write(body.slice(10));
    await until('the answer', () => answer.includes('\r\n\r\n') && answer.includes('}'), 30_000);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('Wrong username or password');
    expect(await s.exited, s.lines.slice(-8).join('\n')).toBe(0);
    expect(messages(s)).toContain('stopped');
  }, 300_000);
});

const pgUrl = process.env.DATABASE_URL;
if (!pgUrl || BACKEND !== 'postgres')
  console.log('two server processes on one database: skipped (runs with TEST_DB=postgres and DATABASE_URL)');

describe.runIf(!!pgUrl && BACKEND === 'postgres')('two server processes on one PostgreSQL database', () => {
  const dbName = `pc_procs_${randomBytes(5).toString('hex')}`;
  const prefix = `pctest:${randomBytes(5).toString('hex')}:`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const username = `ops-${randomBytes(3).toString('hex')}`;
  const password = 'Correct-horse-battery-9';
  let redis: Redis | null = null;
  let a: Server | undefined;
  let b: Server | undefined;

  beforeAll(async () => {
    const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
    probe.on('error', () => undefined);
    redis = (await probe.connect().then(
      () => true,
      () => false,
    ))
      ? probe
      : null;
    if (!redis) console.log(`Redis at ${redisUrl} unreachable: the shared rate limit is not tested`);

    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = withDatabase(pgUrl!, dbName);
    const database = await openDatabase({ databaseUrl: url });
    await database.db
      .insert(users)
      .values({ username, displayName: '运维测试', passwordHash: await hashPassword(password) });
    await database.close();
    const env = {
      DATABASE_URL: url,
      MONITORING_SWEEP_MINUTES: '60',
      ...(redis ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix } : {}),
    };
    [a, b] = await Promise.all([startServer('A', env), startServer('B', env)]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([stopServer(a), stopServer(b)]);
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('a session opened on A is used and closed on B', async () => {
    const login = await fetch(a!.url('/api/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(login.status).toBe(200);
    const jar = Object.fromEntries(
      login.headers.getSetCookie().map((c) => c.split(';')[0].split('=') as [string, string]),
    );
    const headers = {
      cookie: `pc_session=${jar.pc_session}; pc_csrf=${jar.pc_csrf}`,
      'x-csrf-token': jar.pc_csrf,
    };
    const me = await fetch(b!.url('/api/auth/me'), { headers });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe(username);
    expect((await fetch(b!.url('/api/auth/logout'), { method: 'POST', headers })).status).toBe(200);
    expect((await fetch(a!.url('/api/auth/me'), { headers })).status).toBe(401);
  });

  it('a rate limit counts the requests of both processes', async ({ skip }) => {
    if (!redis) skip();
    // Survey short codes: 30 lookups a minute per address, answered alternately by A and B.
    const statuses: number[] = [];
    for (let i = 0; i < 34; i += 1) {
      const s = i % 2 ? b! : a!;
      statuses.push((await fetch(s.url('/api/public/s/ABCDE-FGHJK'))).status);
    }
    expect(statuses.slice(0, 30).every((st) => st !== 429)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429, 429, 429]);
    // Each process alone has seen 17: without the shared counter neither would refuse.
    const keys = await redis!.keys(`${prefix}rl:*`);
    expect(keys.length).toBeGreaterThanOrEqual(1);
  });

  it('the monitoring sweep of the period is queued by one process and run once', async () => {
    const ran = (s: Server) => messages(s).filter((m) => m.startsWith('monitoring sweep as of')).length;
    const queued = (s: Server) =>
      messages(s).filter((m) => m === 'monitoring sweep of this period queued').length;
    const skipped = (s: Server) =>
      messages(s).filter((m) => m === 'monitoring sweep of this period queued by another process').length;
    await until(
      'both first ticks and the sweep',
      () => queued(a!) + skipped(a!) >= 1 && queued(b!) + skipped(b!) >= 1 && ran(a!) + ran(b!) >= 1,
    );
    expect(queued(a!) + queued(b!)).toBe(1);
    expect(skipped(a!) + skipped(b!)).toBe(1);
    expect(ran(a!) + ran(b!)).toBe(1);
    // One job of the period, its report stored as the result.
    const client = new pg.Client({ connectionString: withDatabase(pgUrl!, dbName) });
    await client.connect();
    try {
      const { rows } = await client.query<{ state: string; result: { asOf: string; cycles: unknown[] } }>(
        `select state, result from jobs where kind = 'monitoring.sweep'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ state: 'completed', result: { cycles: [] } });
      expect(rows[0].result.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    } finally {
      await client.end();
    }
  });

  it('each process reports its own requests at /metrics and is ready', async () => {
    for (const s of [a!, b!]) expect((await fetch(s.url('/health/ready'))).status).toBe(200);
    const text = await (await fetch(a!.url('/metrics'))).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('http_request_duration_seconds_count{') &&
          l.includes('route="/api/auth/login"') &&
          l.includes('status_code="200"'),
      );
    expect(line?.split(' ').pop()).toBe('1');
    const textB = await (await fetch(b!.url('/metrics'))).text();
    expect(textB).not.toMatch(/route="\/api\/auth\/login",status_code="200"/);
  });
});
