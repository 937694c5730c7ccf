import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { buildApp } from '../../app';
import { loginGuards, sessions } from '../../db/schema';
import { loadEnv } from '../../env';
import { ADDRESS_MAX_FAILURES } from './service';

/**
 * Behind a reverse proxy every request arrives from the proxy's address. TRUST_PROXY names the proxies
 * whose `X-Forwarded-For` is believed: unset, a forwarded address is ignored (so all clients behind a
 * proxy share one address: one rate-limit bucket, one address lockout); set to the proxy's address
 * (here 127.0.0.1, `app.inject`'s default peer), each client is itself in the rate limits, the
 * database lockout, the session and the audit log, while a client that is not the proxy still cannot
 * choose its address.
 */
let t: TestApp;
/** The same database served by an app started with TRUST_PROXY=127.0.0.1. */
let proxied: FastifyInstance;
let user: FactoryUser;

beforeAll(async () => {
  vi.stubEnv('TRUST_PROXY', '');
  t = await buildTestApp({ city: 'empty' });
  vi.stubEnv('TRUST_PROXY', '127.0.0.1');
  proxied = await buildApp({ database: t.database });
  await proxied.ready();
  vi.unstubAllEnvs();
  const f = factory(t, 'tproxy');
  user = await f.user([{ role: 'unit_manager', orgUnitId: (await f.org()).id }]);
});
afterAll(async () => {
  await proxied?.close();
  await t?.close();
});

const login = (
  app: FastifyInstance,
  username: string,
  password: string,
  forwardedFor: string,
  remoteAddress = '127.0.0.1',
) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { username, password },
  });

/** Addresses the audit log recorded for the failed logins of `username`, in order. */
const auditedAddresses = async (username: string) =>
  (
    await t.db.execute(
      sql`select data->>'ip' as ip from audit_log
          where action = 'auth.login_failed' and data->>'username' = ${username} order by seq`,
    )
  ).rows.map((r) => (r as { ip: string }).ip);

/** Fails ADDRESS_MAX_FAILURES logins (each with a name of its own) from one forwarded address. */
async function lockOut(app: FastifyInstance, forwardedFor: string, prefix: string) {
  for (let i = 0; i < ADDRESS_MAX_FAILURES; i++) await login(app, `${prefix}.${i}`, 'wrong', forwardedFor);
}

describe('TRUST_PROXY unset: X-Forwarded-For is ignored', () => {
  it('puts two forwarded clients of one socket in one login rate-limit bucket, audited as the socket', async () => {
    const a = await login(t.app, 'ghost.unset', 'wrong', '203.0.113.1');
    const b = await login(t.app, 'ghost.unset', 'wrong', '203.0.113.2');
    expect([a.statusCode, b.statusCode]).toEqual([401, 401]);
    expect(a.headers['x-ratelimit-limit']).toBe('20');
    // One bucket: the second client's request used the first one's allowance.
    expect([a.headers['x-ratelimit-remaining'], b.headers['x-ratelimit-remaining']]).toEqual(['19', '18']);
    expect(await auditedAddresses('ghost.unset')).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('lets one client behind the proxy lock every other client out', async () => {
    await t.db.delete(loginGuards);
    await lockOut(t.app, '203.0.113.66', 'attack.unset');
    const res = await login(t.app, user.username, 'demo1234', '203.0.113.7');
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toBe('address_locked');
  });
});

describe('TRUST_PROXY=127.0.0.1: the proxy is believed, nobody else', () => {
  it('gives two forwarded clients separate buckets and audits each one’s own address', async () => {
    const a = await login(proxied, 'ghost.proxied', 'wrong', '198.51.100.1');
    const b = await login(proxied, 'ghost.proxied', 'wrong', '198.51.100.2');
    expect([a.statusCode, b.statusCode]).toEqual([401, 401]);
    expect([a.headers['x-ratelimit-remaining'], b.headers['x-ratelimit-remaining']]).toEqual(['19', '19']);
    // A client connecting from elsewhere cannot borrow an address: its header is ignored (else this
    // would be 198.51.100.1's second request, 18 left).
    const direct = await login(proxied, 'ghost.proxied', 'wrong', '198.51.100.1', '192.0.2.50');
    expect(direct.headers['x-ratelimit-remaining']).toBe('19');
    // What a client wrote into the header before the proxy appended its peer is not believed either:
    // the address is the one the trusted proxy saw.
    const chained = await login(proxied, 'ghost.proxied', 'wrong', '198.51.100.1, 198.51.100.3');
    expect(chained.headers['x-ratelimit-remaining']).toBe('19');
    expect(await auditedAddresses('ghost.proxied')).toEqual([
      '198.51.100.1',
      '198.51.100.2',
      '192.0.2.50',
      '198.51.100.3',
    ]);
  });

  it('locks out the failing client only; the others log in, their session holding their address', async () => {
    await t.db.delete(loginGuards);
    await lockOut(proxied, '198.51.100.66', 'attack.proxied');
    const attacker = await login(proxied, user.username, 'demo1234', '198.51.100.66');
    expect(attacker.statusCode).toBe(429);
    expect(attacker.json().error).toBe('address_locked');
    const res = await login(proxied, user.username, 'demo1234', '198.51.100.7');
    expect(res.statusCode).toBe(200);
    const rows = await t.db.select({ ip: sessions.ip }).from(sessions).where(eq(sessions.userId, user.id));
    expect(rows.map((r) => r.ip)).toEqual(['198.51.100.7']);
  });
});

describe('TRUST_PROXY values', () => {
  it('accepts false or a list of addresses, CIDR ranges and range names', () => {
    expect(loadEnv({}).TRUST_PROXY).toBe(false);
    expect(loadEnv({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadEnv({ TRUST_PROXY: ' 127.0.0.1, 172.16.0.0/12,::1 ,loopback' }).TRUST_PROXY).toEqual([
      '127.0.0.1',
      '172.16.0.0/12',
      '::1',
      'loopback',
    ]);
  });

  it.each([
    ['true', /TRUST_PROXY: true would believe any X-Forwarded-For/],
    ['1', /TRUST_PROXY: hop counts are not supported/],
    ['proxy.example', /TRUST_PROXY: "proxy.example" is not an IP address/],
    ['10.0.0.0/33', /TRUST_PROXY: "10.0.0.0\/33": the prefix length must be 1 to 32/],
    ['0.0.0.0/0', /TRUST_PROXY: "0.0.0.0\/0": the prefix length/],
    ['127.0.0.1,,10.0.0.1', /TRUST_PROXY: empty entry/],
  ])('refuses %s, naming the variable', (value, message) => {
    expect(() => loadEnv({ TRUST_PROXY: value })).toThrow(message);
  });

  it('stops the start of the server on an invalid value', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pc-trust-proxy-'));
    try {
      const server = path.resolve(import.meta.dirname, '../../..');
      const child = spawn(process.execPath, [path.join(server, 'bin/perfcommons.js'), 'start'], {
        cwd: server,
        env: { ...process.env, DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', TRUST_PROXY: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(1);
      expect(out).toMatch(/Invalid environment:\n\s+TRUST_PROXY: true would believe/);
      expect(out).not.toMatch(/database open/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
