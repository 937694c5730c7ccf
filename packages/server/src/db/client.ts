import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import * as schema from './schema';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package's drizzle/ folder, seen from src/db/ (tsx) or from dist/ (the compiled server). */
export const MIGRATIONS_DIR =
  [path.resolve(here, '../../drizzle'), path.resolve(here, '../drizzle')].find((d) =>
    existsSync(path.join(d, 'meta/_journal.json')),
  ) ?? path.resolve(here, '../../drizzle');

/** The Drizzle database both drivers expose; queries are written once against it. */
export type Db = ReturnType<typeof drizzlePglite<typeof schema>>;
/** A transaction handle, accepted wherever a Db is. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/**
 * Rows of a raw statement on either driver (node-postgres and PGlite both answer `{ rows }`), typed
 * as the columns the caller selected: the one place a raw statement's rows get their type.
 */
export async function rowsOf<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return (await db.execute(query)).rows as T[];
}

/** Whether the handle runs on the PostgreSQL pool rather than PGlite (Db is typed as PGlite's). */
export function onPostgres(db: Db): boolean {
  const client: unknown = db.$client;
  return client instanceof pg.Pool;
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  /** PGlite only: a compressed dump of the data directory. */
  dump?: () => Promise<Blob>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory; `memory://` for an in-memory database. */
  dataDir?: string;
  /** PGlite: start from this data-directory dump (tests start from a seeded snapshot). */
  loadDataDir?: Blob;
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection that the server drops (restart, admin command) is removed from the pool;
    // without a listener the pool's 'error' event would crash the process.
    pool.on('error', (err) => console.warn(`PostgreSQL idle connection closed: ${err.message}`));
    const pgDb = drizzlePg(pool, { schema });
    const db = pgDb as unknown as Db;
    // Processes starting together on one database migrate one after the other.
    await withStartupLock(db, () => migratePg(pgDb, { migrationsFolder: MIGRATIONS_DIR }));
    return { db, kind: 'postgres', close: () => endPool(pool) };
  }
  const dataDir = options.dataDir ?? './data';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(
    dataDir,
    options.loadDataDir ? { loadDataDir: options.loadDataDir } : {},
  );
  giveWayToIo(client);
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db, kind: 'pglite', close: () => client.close(), dump: () => client.dumpDataDir('gzip') };
}

/**
 * PGlite runs each statement on this thread, and the statements of a transaction follow one another
 * as microtasks: without a pause the process would answer no request, see no signal and fire no timer
 * until a long job's transaction ends (a SIGTERM and its drain bound included). A statement that comes
 * more than `everyMs` after the last pause first gives way to I/O (one setImmediate).
 */
function giveWayToIo(client: PGlite, everyMs = 50) {
  const exec = client.execProtocolStream.bind(client);
  let last = performance.now();
  client.execProtocolStream = async (message, options) => {
    if (performance.now() - last > everyMs) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
    return exec(message, options);
  };
}

/** Ends the pool and waits until every connection is really closed (pool.end() resolves earlier). */
/** Key of the session advisory lock that serialises start-up work (migrations, queue set-up). */
const STARTUP_LOCK = 7_301_966_501;

/**
 * Runs `fn` holding a PostgreSQL session advisory lock taken on one pooled connection, so several
 * server processes starting on one database do their schema work one after the other (concurrent
 * DDL on the same catalog rows deadlocks). On PGlite (one process by construction) it just runs `fn`.
 */
export async function withStartupLock<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  // Typed as PGlite's (Db is PGlite's type); a pg.Pool under PostgreSQL.
  const pool: unknown = db.$client;
  if (!(pool instanceof pg.Pool)) return fn();
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK]);
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [STARTUP_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function endPool(pool: pg.Pool) {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (--open <= 0) resolve();
    });
  });
  await pool.end();
  await closed;
}
