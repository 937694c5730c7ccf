import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Database } from '../src/db/client';
import { DEMO_PASSWORD } from '../src/seed/demo-city';
import { EMPTY_SNAPSHOT, SNAPSHOT, withDatabase } from './global-setup';

/** Which database this run tests: PGlite by default, PostgreSQL when TEST_DB=postgres. */
export const BACKEND = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  db: Database['db'];
  /** Logs in a demo account and returns a client that sends its cookies and CSRF token. */
  as(username: string): Promise<Client>;
  /** A client without login. */
  anon: Client;
  close(): Promise<void>;
}

export interface Client {
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  raw(opts: {
    method: 'POST' | 'PUT';
    url: string;
    payload: unknown;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse>;
  headers: Record<string, string>;
}

/**
 * PostgreSQL: a job whose process died is taken again once its attempt expires (the queue's
 * maintenance expires it and retries it). Instead of waiting out the expiry, a test moves the attempt's
 * start back past it, as if that time had passed; the next process's maintenance then takes the path
 * a deployment takes. Answers whether the job had an active attempt to move.
 */
export async function expireAttempt(database: Database, jobId: string): Promise<boolean> {
  const moved = await rowsOf<{ id: string }>(
    database.db,
    sql`update pgboss.job set started_on = now() - expire_in - interval '1 second'
        where id = ${jobId} and state = 'active' returning id`,
  );
  return moved.length === 1;
}

/**
 * A PostgreSQL database of its own, cloned from a template the global setup made (the seeded demo city or
 * an empty install) on the server of DATABASE_URL: its URL, and `drop` to remove it.
 */
export async function cloneTemplate(
  template: 'pgTemplate' | 'pgEmptyTemplate',
  prefix = 'pc_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL!;
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject(template)}`);
  await admin.end();
  return {
    url: withDatabase(url, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A fresh app on a fresh database (PGlite snapshot or cloned PostgreSQL template): the seeded demo city by
 * default, or with `{ city: 'empty' }` an empty install (migrations only), where a test builds exactly what it
 * needs with the factories of `test/factories.ts` and so does not depend on the demo city's codes.
 */
export async function buildTestApp(opts: { city?: 'demo' | 'empty' } = {}): Promise<TestApp> {
  const empty = opts.city === 'empty';
  let database: Database;
  let dropDb: (() => Promise<void>) | undefined;
  if (BACKEND === 'postgres') {
    const clone = await cloneTemplate(empty ? 'pgEmptyTemplate' : 'pgTemplate');
    database = await openDatabase({ databaseUrl: clone.url });
    dropDb = clone.drop;
  } else {
    database = await openDatabase({
      dataDir: 'memory://',
      loadDataDir: new Blob([readFileSync(empty ? EMPTY_SNAPSHOT : SNAPSHOT)]),
    });
  }
  const app = await buildApp({ database });
  await app.ready();
  const client = (headers: Record<string, string>): Client => ({
    headers,
    get: (url) => app.inject({ method: 'GET', url, headers }),
    post: (url, body) =>
      app.inject({
        method: 'POST',
        url,
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      }),
    put: (url, body) => app.inject({ method: 'PUT', url, headers, payload: body as object }),
    raw: (o) =>
      app.inject({
        method: o.method,
        url: o.url,
        payload: o.payload as string,
        headers: { ...headers, ...o.headers },
      }),
  });
  return {
    app,
    database,
    db: database.db,
    anon: client({}),
    async as(username) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: DEMO_PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const cookies = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
      return client({
        cookie: `pc_session=${cookies.pc_session}; pc_csrf=${cookies.pc_csrf}`,
        'x-csrf-token': cookies.pc_csrf,
      });
    },
    async close() {
      await app.close();
      await database.close();
      await dropDb?.();
    },
  };
}

/** A multipart/form-data body with one file field named `file`, for upload routes. */
export function multipart(filename: string, content: Buffer) {
  const boundary = '----pc' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
