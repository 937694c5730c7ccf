import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from '../db/client';

/**
 * Backups of both databases. PGlite: a gzip tarball of the data directory (`dumpDataDir`); PostgreSQL:
 * a custom-format `pg_dump` archive restored with `pg_restore` in one transaction. Stop the server first
 * when it runs on PGlite: the embedded database belongs to one process at a time.
 */
export interface BackupTarget {
  databaseUrl?: string;
  dataDir: string;
}

const PG_MAGIC = 'PGDMP';
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

export async function backup(target: BackupTarget, file: string): Promise<string> {
  if (target.databaseUrl) {
    pgTool('pg_dump', ['--format=custom', '--no-owner', '--no-acl', `--file=${file}`, target.databaseUrl]);
    return `PostgreSQL dump written to ${file}`;
  }
  if (!existsSync(target.dataDir) || readdirSync(target.dataDir).length === 0)
    throw new Error(`No PGlite database in ${target.dataDir}`);
  const db = await PGlite.create(target.dataDir);
  try {
    const blob = await db.dumpDataDir('gzip');
    // Written to a side file and renamed: a crash never leaves a truncated backup under the final name.
    writeFileSync(`${file}.partial`, Buffer.from(await blob.arrayBuffer()));
    renameSync(`${file}.partial`, file);
  } finally {
    await db.close();
  }
  return `PGlite data directory ${target.dataDir} dumped to ${file}`;
}

/**
 * Restores a backup into an empty database, or over a non-empty one with `force` (PGlite: the old
 * directory is kept beside it as `<dir>.before-restore-<time>`; PostgreSQL: objects are replaced in one
 * transaction). Migrations newer than the backup are applied afterwards.
 */
export async function restore(target: BackupTarget, file: string, force = false): Promise<string> {
  if (!existsSync(file)) throw new Error(`No backup file ${file}`);
  const head = readHead(file, 5);
  if (target.databaseUrl) {
    if (head.toString('latin1') !== PG_MAGIC)
      throw new Error(`${file} is not a pg_dump custom-format archive`);
    if (!force && !(await pgEmpty(target.databaseUrl)))
      throw new Error('The database is not empty; use --force to replace its contents');
    pgTool('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-acl',
      '--single-transaction',
      '--exit-on-error',
      `--dbname=${target.databaseUrl}`,
      file,
    ]);
    await (await openDatabase({ databaseUrl: target.databaseUrl })).close();
    return `PostgreSQL database restored from ${file}`;
  }
  if (!head.subarray(0, 2).equals(GZIP_MAGIC)) throw new Error(`${file} is not a PGlite data-directory dump`);
  let kept = '';
  if (existsSync(target.dataDir) && readdirSync(target.dataDir).length > 0) {
    if (!force) throw new Error(`${target.dataDir} is not empty; use --force to replace it`);
    kept = `${target.dataDir.replace(/\/+$/, '')}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target.dataDir, kept);
  }
  mkdirSync(target.dataDir, { recursive: true });
  const database: Database = await openDatabase({
    dataDir: target.dataDir,
    loadDataDir: new Blob([readFileSync(file)]),
  });
  await database.close();
  return `PGlite database in ${target.dataDir} restored from ${file}${kept ? ` (previous data kept in ${kept})` : ''}`;
}

function readHead(file: string, n: number) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

function pgTool(tool: string, args: string[]) {
  const r = spawnSync(tool, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `${tool} could not run (${r.error.message}); install the PostgreSQL client (apt-get install postgresql-client)`,
    );
  if (r.status !== 0) throw new Error(`${tool} failed (exit ${r.status}): ${r.stderr.trim()}`);
}

async function pgEmpty(url: string) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(
      `select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
    );
    return r.rows[0].n === 0;
  } finally {
    await c.end();
  }
}
