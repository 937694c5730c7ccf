import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { and, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { afterAll, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import {
  actualValues,
  auditLog,
  cycles,
  jobFiles,
  jobOutputs,
  jobs,
  linkageBatches,
  linkageRecords,
  orgUnits,
  plans,
  results,
  surveyFrameUnits,
  surveys,
  users,
} from '../../db/schema';
import { loadActor } from '../auth/service';
import { jobOutput } from './service';
import { createSurvey, type CreateSurveyInput } from '../surveys/use-cases/create-survey';
import { sweepMonitoring, type SweepReport } from '../monitoring/scheduler';
import { resetMonitoring } from '../monitoring/test-util';
import { factory } from '../../../test/factories';
import { BACKEND, cloneTemplate, expireAttempt, type TestApp } from '../../../test/helper';
import { SNAPSHOT } from '../../../test/global-setup';

/**
 * kill -9 in the middle of a job: what its transaction wrote is not committed, so after the kill
 * nothing of it is in the database, and the restarted process runs the job again to completion
 * (PGlite: the orphan is failed and retried at start; PostgreSQL: it expires). One database per test
 * (the first process to start fixes the queues' expiry). The child is kill-child.ts as the global setup
 * compiled it (test/compile-server.ts).
 */
const CHILD = inject('compiledServer').killChild;
let target: string;
const cleanUps: (() => Promise<void>)[] = [];
const children: ChildProcess[] = [];

async function open(): Promise<Database> {
  if (BACKEND === 'postgres') return openDatabase({ databaseUrl: target });
  return openDatabase({ dataDir: target });
}

/**
 * Starts the child; resolves on the first JSON line that `until` accepts. The queues' expiry is long
 * (PostgreSQL: 30 s; PGlite, where the restarted process fails the orphan at start: 600 s), so that a
 * resumed job slower than it on a loaded machine is never expired while it runs and run a second time
 * beside itself. On PostgreSQL the test does not wait out the killed attempt's expiry: {@link resume}
 * moves that attempt's start back past it.
 */
function run(args: string[], until: (e: Record<string, unknown>) => boolean) {
  const expire = BACKEND === 'postgres' ? 30 : 600;
  const child = spawn(process.execPath, [CHILD, target, ...args], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, VITEST: '', KILL_EXPIRE_SECONDS: String(expire) },
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
  for (const clean of cleanUps) await clean();
});

/**
 * A database of its own (a copy of the seeded demo city) as `target`, opened for the test's set-up
 * (PGlite: the copy loaded is the database opened, no second start of it).
 */
async function freshTarget(): Promise<Database> {
  if (BACKEND === 'postgres') {
    const clone = await cloneTemplate('pgTemplate');
    target = clone.url;
    cleanUps.push(clone.drop);
    return open();
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-kill-'));
  cleanUps.push(async () => rmSync(dir, { recursive: true, force: true }));
  target = path.join(dir, 'data');
  return openDatabase({ dataDir: target, loadDataDir: new Blob([readFileSync(SNAPSHOT)]) });
}

/** Kills the first process once `kind`'s job stopped part-way; answers the job's id. */
async function killMidJob(args: string[]) {
  const first = run(['start', ...args], (e) => e.event === 'stopped');
  await first.found;
  const jobId = first.seen.find((e) => e.event === 'queued')!.id as string;
  first.child.kill('SIGKILL');
  await exited(first.child);
  return jobId;
}

/**
 * A restarted process works the queue until the job is done. On PostgreSQL a killed job is taken
 * again once its attempt expires: the attempt is expired at once ({@link expireAttempt}) instead of
 * waited out, and the restarted process's queue maintenance (every second) retries it.
 */
async function resume(jobId: string) {
  if (BACKEND === 'postgres') {
    const database = await open();
    const moved = await expireAttempt(database, jobId);
    await database.close();
    expect(moved, 'the killed attempt is still active').toBe(true);
  }
  const second = run(['resume'], (e) => e.event === 'done' && e.id === jobId);
  await second.found;
  second.child.kill('SIGTERM');
  await exited(second.child);
}

/** A killed upload import: still active on its first attempt, its upload kept for the next one. */
async function expectKilledKeepingUpload(database: Database, jobId: string) {
  const [killed] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(killed).toMatchObject({ state: 'active', attempts: 1 });
  expect(
    (await database.db.select({ n: count() }).from(jobFiles).where(eq(jobFiles.jobId, jobId)))[0].n,
  ).toBe(1);
}

it('leaves nothing half-applied when killed mid-job, and completes the job after a restart', async () => {
  // A cycle in evaluation with three approved plans and verified values (no results yet).
  let database = await freshTarget();
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
  const jobId = await killMidJob(['results.compute', cycle.id, office.id]);

  database = await open();
  expect(await database.db.select().from(results).where(eq(results.cycleId, cycle.id))).toEqual([]);
  expect(await audited(database)).toBe(0);
  const [killed] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(killed).toMatchObject({ state: 'active', attempts: 1, progress: expect.any(Number) });
  await database.close();

  // The restarted process finds the job and runs it again, to completion.
  await resume(jobId);

  database = await open();
  const rows = await database.db.select().from(results).where(eq(results.cycleId, cycle.id));
  expect(rows).toHaveLength(3);
  expect(await audited(database)).toBe(1);
  const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: 100, result: { count: 3 } });
  await database.close();
}, 180_000);

it('a values import killed mid-file stores nothing; after a restart it stores every row once', async () => {
  let database = await freshTarget();
  const f = factory({ db: database.db } as TestApp);
  const cycle = await f.cycle({ stage: 'planning' });
  const org = await f.org();
  const manager = await f.user([{ role: 'unit_manager', orgUnitId: org.id }]);
  const plan = await f.plan({ cycleId: cycle.id, orgUnitId: org.id, status: 'approved' });
  await f.stage(cycle.id, 'execution');
  await database.close();
  // Three batches of 10,000 rows: A1 for 30,000 months from January 1000.
  const rows = 30_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-kill-values-'));
  cleanUps.push(async () => rmSync(dir, { recursive: true, force: true }));
  const csv = path.join(dir, 'values.csv');
  const lines = ['indicatorCode,period,value,note'];
  for (let i = 0; i < rows; i++)
    lines.push(`A1,${1000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${i % 97},`);
  writeFileSync(csv, lines.join('\n'));
  const stored = async (db: Database) => ({
    values: (await db.db.select({ n: count() }).from(actualValues).where(eq(actualValues.planId, plan.id)))[0]
      .n,
    audited: (
      await db.db
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.action, 'value.report'), sql`${auditLog.data}->>'planId' = ${plan.id}`))
    )[0].n,
  });

  const jobId = await killMidJob(['values.import', plan.id, manager.actor.id, csv]);
  database = await open();
  expect(await stored(database)).toEqual({ values: 0, audited: 0 });
  await expectKilledKeepingUpload(database, jobId);
  await database.close();

  await resume(jobId);
  database = await open();
  expect(await stored(database)).toEqual({ values: rows, audited: rows });
  const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: 100, result: { inserted: rows } });
  await database.close();
}, 240_000);

it('a monitoring sweep killed between cycles is run again to the end, each step applied once', async () => {
  let database = await freshTarget();
  // The demo's two cycles with monitored plans back in execution, 2025 unpublished (as in
  // monitoring/scheduler.test.ts), swept as of a day both have reporting periods past due.
  await database.db.execute(sql`update cycles set results_published_at = null, stage = 'execution'
    where code in ('2025-annual', '2021-2025-term')`);
  const inExecution = await database.db.select().from(cycles).where(eq(cycles.stage, 'execution'));
  const swept = inExecution.length;
  expect(swept).toBeGreaterThanOrEqual(2);
  // Their plans without quarterly values, reminders, warnings or tasks: the sweep has work to do.
  const planIds = (
    await database.db
      .select({ id: plans.id })
      .from(plans)
      .where(
        inArray(
          plans.cycleId,
          inExecution.map((c) => c.id),
        ),
      )
  ).map((p) => p.id);
  await resetMonitoring(database.db, planIds);
  const counts = async (db: Database) =>
    (
      await db.db.execute<Record<string, number>>(
        sql`select ${sql.join(
          ['reporting_reminders', 'early_warnings', 'correction_tasks', 'notifications'].map(
            (name) => sql`(select count(*)::int from ${sql.identifier(name)}) as ${sql.identifier(name)}`,
          ),
          sql`, `,
        )}`,
      )
    ).rows[0];
  const before = await counts(database);
  await database.close();

  const at = '2025-07-30T08:00:00Z';
  const jobId = await killMidJob(['monitoring.sweep', at]);
  database = await open();
  const [killed] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(killed).toMatchObject({ state: 'active', attempts: 1, kind: 'monitoring.sweep' });
  await database.close();

  await resume(jobId);
  database = await open();
  const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: 100 });
  expect((job.result as SweepReport).cycles).toHaveLength(swept);
  const after = await counts(database);
  expect(after.reporting_reminders).toBeGreaterThan(before.reporting_reminders);
  // The resumed sweep did all of it: sweeping again as of the same day adds nothing.
  await sweepMonitoring(database.db, { now: new Date(at) });
  expect(await counts(database)).toEqual(after);
  await database.close();
}, 240_000);

it('a frame import killed mid-file stores no unit; after a restart it stores the whole frame once', async () => {
  let database = await freshTarget();
  const f = factory({ db: database.db } as TestApp);
  const office = await f.office();
  const { survey } = await createSurvey(database.db, office, {
    code: 'kill-frame',
    title: '抽样框',
    strataFields: ['district'],
    definition: {
      sections: [
        {
          id: 's1',
          title: '满意度',
          questions: [{ id: 'q1', type: 'likert5', text: '总体', required: true }],
        },
      ],
    },
  } as CreateSurveyInput);
  await database.close();
  // 120,000 units: progress is reported every 50,000 rows, inside the import's transaction.
  const rows = 120_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-kill-frame-'));
  cleanUps.push(async () => rmSync(dir, { recursive: true, force: true }));
  const csv = path.join(dir, 'frame.csv');
  const lines = ['id,district'];
  for (let i = 0; i < rows; i++)
    lines.push(`K${String(i).padStart(7, '0')},${['东城', '西城', '新区'][i % 3]}`);
  writeFileSync(csv, lines.join('\n'));
  const units = async (db: Database) =>
    (
      await db.db
        .select({ n: count() })
        .from(surveyFrameUnits)
        .where(eq(surveyFrameUnits.surveyId, survey.id))
    )[0].n;

  const jobId = await killMidJob(['surveys.frame-import', survey.id, office.id, csv]);
  database = await open();
  expect(await units(database)).toBe(0);
  const [killed] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(killed).toMatchObject({ state: 'active', attempts: 1 });
  await database.close();

  await resume(jobId);
  database = await open();
  expect(await units(database)).toBe(rows);
  const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: 100, result: { inserted: rows } });
  await database.close();
}, 240_000);

it('a linkage import killed before commit stores no record or audit; after a restart all once', async () => {
  let database = await freshTarget();
  const [unit] = await database.db.select({ code: orgUnits.code }).from(orgUnits).limit(1);
  const [office] = await database.db.select({ id: users.id }).from(users).where(eq(users.username, 'office'));
  const counts = async (db: Database) => ({
    records: (await db.db.select({ n: count() }).from(linkageRecords))[0].n,
    batches: (await db.db.select({ n: count() }).from(linkageBatches))[0].n,
    audited: (
      await db.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, 'linkage.import'))
    )[0].n,
  });
  const before = await counts(database);
  await database.close();
  // 5,000 work orders of March 2031 for one unit, each its own id.
  const rows = 5_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'pc-kill-linkage-'));
  cleanUps.push(async () => rmSync(dir, { recursive: true, force: true }));
  const csv = path.join(dir, 'orders.csv');
  const lines = [
    '工单编号,来电时间,诉求类型,诉求分类,承办单位,签收时间,办理时限,办结时间,是否按期办结,是否解决,满意度',
  ];
  for (let i = 0; i < rows; i++) {
    const d = `2031-03-${String((i % 28) + 1).padStart(2, '0')}`;
    lines.push(
      [`K2031${String(i).padStart(6, '0')}`, `${d} 09:00`, '求助', '教育', unit.code, `${d} 10:00`]
        .concat([d, `${d} 16:00`, '', '已解决', '满意'])
        .join(','),
    );
  }
  writeFileSync(csv, lines.join('\n') + '\n');

  const jobId = await killMidJob(['linkage.import', office.id, csv]);
  database = await open();
  expect(await counts(database)).toEqual(before);
  await expectKilledKeepingUpload(database, jobId);
  await database.close();

  await resume(jobId);
  database = await open();
  expect(await counts(database)).toEqual({
    records: before.records + rows,
    batches: before.batches + 1,
    audited: before.audited + 1,
  });
  const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(job).toMatchObject({
    state: 'completed',
    attempts: 2,
    progress: 100,
    result: { ok: true, summary: { create: rows, update: 0, unchanged: 0, error: 0 } },
  });
  await database.close();
}, 240_000);

it('a survey export killed before commit serves no file and audits nothing; resumed, it completes', async () => {
  let database = await freshTarget();
  const [survey] = await database.db
    .select({ id: surveys.id })
    .from(surveys)
    .where(isNotNull(surveys.fieldedVersionId))
    .limit(1);
  const [office] = await database.db.select({ id: users.id }).from(users).where(eq(users.username, 'office'));
  const audited = async (db: Database) =>
    (
      await db.db
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.action, 'survey.export'), eq(auditLog.entityId, survey.id)))
    )[0].n;
  const chunks = async (db: Database, jobId: string) =>
    (await db.db.select({ n: count() }).from(jobOutputs).where(eq(jobOutputs.jobId, jobId)))[0].n;
  expect(await audited(database)).toBe(0);
  await database.close();

  // Killed once the audit entry and the file's chunks are written, before commit.
  const jobId = await killMidJob(['surveys.export', survey.id, office.id]);
  database = await open();
  expect(await audited(database)).toBe(0);
  expect(await chunks(database, jobId)).toBe(0);
  const [killed] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(killed).toMatchObject({ state: 'active', attempts: 1, result: null });
  // What GET /api/jobs/:id/file answers: no file (409), not a part of one.
  const actor = await loadActor(database.db, office.id);
  await expect(jobOutput(database.db, actor, jobId)).rejects.toMatchObject({
    statusCode: 409,
    error: 'job_not_done',
  });
  await database.close();

  await resume(jobId);
  database = await open();
  expect(await audited(database)).toBe(1);
  const [job] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: 100 });
  const { file, stream } = await jobOutput(database.db, await loadActor(database.db, office.id), jobId);
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
  const body = Buffer.concat(parts);
  expect(file).toMatchObject({ filename: 'survey-answers.csv', bytes: body.length });
  expect(createHash('sha256').update(body).digest('hex')).toBe(file.sha256);
  expect(body.toString().split('\r\n').length - 1).toBeGreaterThan(0);
  await database.close();
}, 240_000);
