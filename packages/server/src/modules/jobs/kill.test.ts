import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { and, eq } from 'drizzle-orm';
import { afterAll, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { auditLog, jobs, results } from '../../db/schema';
import { factory } from '../../../test/factories';
import { BACKEND, type TestApp } from '../../../test/helper';
import { SNAPSHOT, withDatabase } from '../../../test/global-setup';

/**
 * kill -9 in the middle of a compute job: the compute's transaction had written every result row and
 * not committed; after the kill nothing of it is in the database, and the restarted process runs the
 * job again to completion (PGlite: the orphan is failed and retried at start; PostgreSQL: it expires).
 */
const CHILD = path.resolve(import.meta.dirname, 'kill-child.ts');
let target: string;
let dir: string | undefined;
let dropDb: (() => Promise<void>) | undefined;
const children: ChildProcess[] = [];

async function open(): Promise<Database> {
  if (BACKEND === 'postgres') return openDatabase({ databaseUrl: target });
  return openDatabase({ dataDir: target });
}

/** Starts the child; resolves on the first JSON line that `until` accepts. */
function run(args: string[], until: (e: Record<string, unknown>) => boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, ...args], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, VITEST: '' },
  });
  children.push(child);
  const seen: Record<string, unknown>[] = [];
  const found = new Promise<Record<string, unknown>>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as Record<string, unknown>;
        seen.push(e);
        if (until(e)) resolve(e);
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) after ${JSON.stringify(seen)}`)));
  });
  return { child, found, seen };
}

const exited = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.on('exit', () => r())));

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await dropDb?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('leaves nothing half-applied when killed mid-job, and completes the job after a restart', async () => {
  if (BACKEND === 'postgres') {
    const url = process.env.DATABASE_URL!;
    const name = `pc_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
    await admin.end();
    target = withDatabase(url, name);
    dropDb = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    dir = mkdtempSync(path.join(tmpdir(), 'pc-kill-'));
    target = path.join(dir, 'data');
    const seeded = await openDatabase({ dataDir: target, loadDataDir: new Blob([readFileSync(SNAPSHOT)]) });
    await seeded.close();
  }

  // A cycle in evaluation with three approved plans and verified values (no results yet).
  let database = await open();
  const f = factory({ db: database.db } as TestApp);
  const office = await f.office();
  const reporter = await f.user([{ role: 'office' }]);
  const cycle = await f.cycle({ stage: 'planning' });
  for (let i = 0; i < 3; i++) {
    const org = await f.org();
    const plan = await f.plan({ cycleId: cycle.id, orgUnitId: org.id, status: 'approved' });
    await f.values(plan.id, [{ indicatorCode: 'A1', period: '2031', value: 3 + i }], {
      by: reporter.actor,
      verifyAs: office,
    });
  }
  await f.stage(cycle.id, 'evaluation');
  const audited = async (db: Database) =>
    (
      await db.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'results.compute'), eq(auditLog.entityId, cycle.id)))
    ).length;
  await database.close();

  // First process: queues the compute and is killed once every result is written, before commit.
  const first = run(['start', cycle.id, office.id], (e) => e.message === 'consequences');
  await first.found;
  const jobId = first.seen.find((e) => e.event === 'queued')!.id as string;
  first.child.kill('SIGKILL');
  await exited(first.child);

  database = await open();
  expect(await database.db.select().from(results).where(eq(results.cycleId, cycle.id))).toEqual([]);
  expect(await audited(database)).toBe(0);
  const [killed] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(killed).toMatchObject({ state: 'active', attempts: 1, progress: expect.any(Number) });
  await database.close();

  // The restarted process finds the job and runs it again, to completion.
  const second = run(['resume'], (e) => e.event === 'done' && e.id === jobId);
  await second.found;
  second.child.kill('SIGTERM');
  await exited(second.child);

  database = await open();
  const rows = await database.db.select().from(results).where(eq(results.cycleId, cycle.id));
  expect(rows).toHaveLength(3);
  expect(await audited(database)).toBe(1);
  const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: 100, result: { count: 3 } });
  await database.close();
}, 180_000);
