import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { correctionTasks, earlyWarnings } from '../../db/schema';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { verifyAudit } from '../audit/service';
import { jobOutputs, jobs } from '../../db/schema';
import { periodicJobId } from '../jobs/queue';
import {
  queueSweep,
  startMonitoringScheduler,
  sweepMonitoring,
  SWEEP_KIND,
  type SweepLog,
  type Timers,
} from './scheduler';

process.env.JOB_POLL_SECONDS = '0.5';
process.env.JOB_RETRY_DELAY_SECONDS = '0';

let t: TestApp;
let office: Client;
let cycleId: string;
let cycleCode: string;
let eduPlan: string;
let eduManager: FactoryUser;

/** A day of the 2025 cycle: Q1 (due 04-15) and Q2 (due 07-15) are past their 7 grace days. */
const NOW = new Date('2025-07-30T08:00:00Z');

/** Three leaves, each planned from 80 to 100 over the year's quarters. */
const TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '维度 A',
    weight: 100,
    children: ['A1', 'A2', 'A3'].map((code, i) => ({
      code,
      name: `指标 ${code}`,
      weight: [40, 30, 30][i],
      rule: { type: 'linear' as const, baseline: 80, target: 100, direction: 'higher' as const },
      subjects: [{ type: 'data' as const, weight: 100 }],
    })),
  },
];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own city (test/factories.ts): the 2025 cycle in execution, with quarterly reporting, an
  // education unit and another unit; a cycle in evaluation and one in planning, which are not swept.
  const f = factory(t, 'sweep');
  office = await (await f.user([{ role: 'office' }])).login();
  const cycle = await f.cycle({ year: 2025, stage: 'planning' });
  cycleId = cycle.id;
  cycleCode = cycle.code;
  await f.cycle({ year: 2024, stage: 'evaluation' });
  await f.cycle({ year: 2026, stage: 'planning' });
  const [edu, other] = [await f.org(), await f.org()];
  eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  const otherManager = await (await f.user([{ role: 'unit_manager', orgUnitId: other.id }])).login();
  eduPlan = (await f.plan({ cycleId, orgUnitId: edu.id, tree: TREE })).id;
  const otherPlan = (await f.plan({ cycleId, orgUnitId: other.id, tree: TREE })).id;
  await f.stage(cycleId, 'execution');
  const periods = { cycleId, frequency: 'quarterly', deadlineDays: 15, graceDays: 7 };
  expect((await office.put('/api/monitoring/periods', periods)).statusCode).toBe(200);
  // The other unit reported both quarters, on its line except A2 at Q2 (82: 8 short of 90, 40 % of the
  // planned change → red); its warning was raised before, with no task yet.
  const reported = ['A1', 'A2', 'A3'].flatMap((indicatorCode) => [
    { indicatorCode, period: '2025-Q1', value: 85 },
    { indicatorCode, period: '2025-Q2', value: indicatorCode === 'A2' ? 82 : 90 },
  ]);
  expect(
    (await otherManager.post(`/api/plans/${otherPlan}/values/bulk`, { rows: reported })).statusCode,
  ).toBe(200);
  expect((await office.post('/api/monitoring/warnings/run', { cycleId })).json()).toMatchObject({
    raised: 1,
  });
  // Education starts the year: A1 on its line at Q1 (85 of 80 → 100), A2 far behind (78: 7 short
  // of 85, 35 % of the planned change → red), the rest of Q1 and all of Q2 unreported.
  const manager = await eduManager.login();
  const rows = [
    { indicatorCode: 'A1', period: '2025-Q1', value: 85 },
    { indicatorCode: 'A2', period: '2025-Q1', value: 78 },
  ];
  expect((await manager.post(`/api/plans/${eduPlan}/values/bulk`, { rows })).statusCode).toBe(200);
  await manager.post('/api/notifications/read-all');
});
afterAll(async () => t.close());

const counts = async () =>
  (
    await t.db.execute<Record<string, number>>(
      sql`select ${sql.join(
        ['reporting_reminders', 'early_warnings', 'correction_tasks', 'notifications', 'audit_log'].map(
          (name) => sql`(select count(*)::int from ${sql.identifier(name)}) as ${sql.identifier(name)}`,
        ),
        sql`, `,
      )}`,
    )
  ).rows[0];

function recorder() {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const log: SweepLog = {
    info: (obj, msg) => lines.push({ level: 'info', msg, obj }),
    error: (obj, msg) => lines.push({ level: 'error', msg, obj }),
  };
  return { lines, log };
}

describe('monitoring sweep', () => {
  it('sends reminders and escalations, raises warnings and opens correction tasks as the system', async () => {
    const { lines, log } = recorder();
    const report = await sweepMonitoring(t.db, { now: NOW, log });
    expect(report.asOf).toBe('2025-07-30');
    // Only cycles in the execution stage are swept (not the term cycle in evaluation, nor 2026 in planning).
    expect(report.cycles.map((c) => c.code)).toEqual([cycleCode]);
    const [swept] = report.cycles;
    expect(swept.errors).toEqual([]);
    // Education missed Q1 (partly) and Q2, both past grace: a reminder and an escalation each.
    expect(swept).toMatchObject({ reminders: 2, escalations: 2, warnings: 1 });
    // Every leaf red at its latest period now has a task: education's A2, and the other unit's A2
    // (raised before, without a task).
    const [a2] = await t.db
      .select()
      .from(earlyWarnings)
      .where(sql`${earlyWarnings.planId} = ${eduPlan} and ${earlyWarnings.indicatorCode} = 'A2'`);
    expect(a2).toMatchObject({ period: '2025-Q1', status: 'red' });
    const [task] = await t.db.select().from(correctionTasks).where(eq(correctionTasks.warningId, a2.id));
    expect(task).toMatchObject({ status: 'open', deadline: '2025-08-29', createdBy: null });
    expect(swept.tasks).toBe(2);
    const manager = await eduManager.login();
    const inbox = (await manager.get('/api/notifications?unread=true')).json().items;
    expect(inbox.map((n: { kind: string }) => n.kind).sort()).toEqual([
      'correction_task',
      'early_warning',
      'reporting_reminder',
      'reporting_reminder',
    ]);
    // The manager's login above is audited too; the sweep's last entry is the one before it.
    const audit = (await office.get('/api/audit?limit=10'))
      .json()
      .items.find((e: { action: string }) => !e.action.startsWith('auth.'));
    expect(audit).toMatchObject({ action: 'task.create', actorId: '00000000-0000-0000-0000-000000000000' });
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'info monitoring sweep as of 2025-07-30: 1 cycle(s)',
    ]);
    // Everything, the set-up included, was written through the platform.
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });

  it('creates nothing new when it runs again, also from another process at the same time', async () => {
    const before = await counts();
    const [again, parallel] = await Promise.all([
      sweepMonitoring(t.db, { now: NOW }),
      sweepMonitoring(t.db, { now: NOW }),
    ]);
    for (const r of [again, parallel])
      expect(r.cycles).toEqual([
        expect.objectContaining({
          reminders: 0,
          escalations: 0,
          warnings: 0,
          tasks: 0,
          notified: 0,
          errors: [],
        }),
      ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a second task on a warning that has one (409)', async () => {
    const [warning] = await t.db
      .select({ id: earlyWarnings.id })
      .from(earlyWarnings)
      .where(sql`${earlyWarnings.planId} = ${eduPlan} and ${earlyWarnings.indicatorCode} = 'A2'`);
    const res = await office.post(`/api/monitoring/warnings/${warning.id}/tasks`, { deadline: '2099-01-01' });
    expect(res.statusCode).toBe(409);
    expect(res.json().details).toEqual([{ path: 'warningId', message: 'task exists' }]);
  });

  it('logs a failing step and goes on with the next ones', async () => {
    const { lines, log } = recorder();
    // A day in the future is refused by the reminders; warnings and tasks still run.
    const report = await sweepMonitoring(t.db, { now: new Date('2999-01-01T00:00:00Z'), log });
    expect(report.cycles[0]).toMatchObject({
      errors: [{ step: 'reminders', message: 'asOf cannot be in the future' }],
      warnings: 0,
      tasks: 0,
    });
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'error monitoring sweep: reminders failed',
      'info monitoring sweep as of 2999-01-01: 1 cycle(s)',
    ]);
  });
});

describe('monitoring sweep as a job', () => {
  it('is queued once per period by any number of processes and stores its report', async () => {
    // An export's file past its keeping time: the sweep's housekeeping deletes it.
    const [old] = await t.db
      .insert(jobs)
      .values({
        id: randomUUID(),
        kind: 'surveys.export',
        state: 'completed',
        input: {},
        maxAttempts: 3,
        finishedAt: new Date(Date.now() - 25 * 3_600_000),
      })
      .returning();
    await t.db.insert(jobOutputs).values({ jobId: old.id, seq: 0, data: Buffer.from('old export') });
    // Three processes ticking at once (a period of a year: the test runs well inside one).
    const ids = await Promise.all([0, 1, 2].map(() => queueSweep(t.app.jobs, 525_600, NOW)));
    const queued = ids.filter((id): id is string => id !== null);
    expect(queued).toHaveLength(1);
    const job = await t.app.jobs.wait(queued[0]);
    expect(job).toMatchObject({
      kind: SWEEP_KIND,
      state: 'completed',
      progress: 100,
      attempts: 1,
      createdBy: null,
      input: { at: NOW.toISOString(), periodSeconds: 31_536_000 },
    });
    // Everything was swept by the tests above: the report says so.
    expect(job.result).toEqual({
      asOf: '2025-07-30',
      cycles: [
        {
          cycleId,
          code: cycleCode,
          reminders: 0,
          escalations: 0,
          warnings: 0,
          tasks: 0,
          notified: 0,
          errors: [],
        },
      ],
    });
    // The office reads it like any job; a manager does not see it.
    const seen = await office.get(`/api/jobs/${job.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ kind: SWEEP_KIND, state: 'completed', result: job.result });
    expect((await (await eduManager.login()).get(`/api/jobs/${job.id}`)).statusCode).toBe(404);
    // Done, the period still has its run: no second one.
    expect(await queueSweep(t.app.jobs, 525_600, NOW)).toBeNull();
    const rows = await t.db.select().from(jobs).where(eq(jobs.kind, SWEEP_KIND));
    const ofYear = rows.filter((r) => (r.input as { periodSeconds: number }).periodSeconds === 31_536_000);
    expect(ofYear).toHaveLength(1);
    expect(await t.db.select().from(jobOutputs).where(eq(jobOutputs.jobId, old.id))).toEqual([]);
  });

  it('a period whose job row was written by a process that died before queueing it is queued again', async () => {
    // The row alone, as a process killed between writing it and sending pg-boss's job left it
    // before the two were written in one transaction.
    const periodSeconds = 86_398;
    const [{ period }] = (
      await t.db.execute<{ period: string }>(
        sql`select floor(extract(epoch from now()) / ${periodSeconds})::bigint::text as period`,
      )
    ).rows;
    const id = periodicJobId(SWEEP_KIND, periodSeconds, period);
    await t.db.insert(jobs).values({
      id,
      kind: SWEEP_KIND,
      input: { at: NOW.toISOString(), period: Number(period), periodSeconds },
      maxAttempts: 2,
    });
    const [again, twice] = await Promise.all([
      t.app.jobs.enqueuePeriodic(SWEEP_KIND, periodSeconds, { at: NOW.toISOString() }),
      t.app.jobs.enqueuePeriodic(SWEEP_KIND, periodSeconds, { at: NOW.toISOString() }),
    ]);
    // Sent once (pg-boss keys the job by its id), by one of the callers.
    expect([again?.id, twice?.id].filter(Boolean)).toEqual([id]);
    expect(await t.app.jobs.wait(id)).toMatchObject({ state: 'completed', attempts: 1, progress: 100 });
    expect(await t.app.jobs.enqueuePeriodic(SWEEP_KIND, periodSeconds, { at: NOW.toISOString() })).toBeNull();
  });

  it('a sweep that cannot run is retried once, then failed with its reason', async () => {
    const job = await t.app.jobs.enqueuePeriodic(SWEEP_KIND, 86_399, { at: 'not a date' });
    const done = await t.app.jobs.wait(job!.id);
    expect(done).toMatchObject({
      state: 'failed',
      attempts: 2,
      maxAttempts: 2,
      lastError: { error: 'internal', message: 'Invalid time value', status: 500 },
    });
  });
});

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending = new Map<number, { fn: () => Promise<void>; ms: number }>();
  let next = 1;
  const timers: Timers = {
    set: (fn, ms) => {
      pending.set(next, { fn, ms });
      return next++;
    },
    clear: (handle) => pending.delete(handle as number),
  };
  const fire = async () => {
    expect(pending.size).toBe(1);
    const [[handle, { fn }]] = [...pending];
    pending.delete(handle);
    await fn();
  };
  return { timers, pending, fire };
}

describe('monitoring scheduler', () => {
  it('sweeps after start and then every interval, with the injected clock, surviving errors', async () => {
    const { timers, pending, fire } = manualTimers();
    const { lines, log } = recorder();
    const seen: string[] = [];
    let fail = true;
    const scheduler = startMonitoringScheduler({
      db: t.db,
      minutes: 15,
      log,
      timers,
      now: () => NOW,
      firstDelayMs: 1000,
      sweep: async (now) => {
        seen.push(now.toISOString());
        if (fail) {
          fail = false;
          throw new Error('database gone');
        }
      },
    });
    expect([...pending.values()].map((p) => p.ms)).toEqual([1000]);
    await fire();
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      'monitoring sweep failed; next one as scheduled',
    ]);
    expect([...pending.values()].map((p) => p.ms)).toEqual([15 * 60_000]);
    await fire();
    expect(seen).toEqual([NOW.toISOString(), NOW.toISOString()]);
    expect(pending.size).toBe(1);
    await scheduler.stop();
    expect(pending.size).toBe(0);
  });

  it('never overlaps itself, and stop waits for the running sweep', async () => {
    const { timers, pending, fire } = manualTimers();
    const { log } = recorder();
    let release!: () => void;
    let runs = 0;
    const scheduler = startMonitoringScheduler({
      db: t.db,
      minutes: 60,
      log,
      timers,
      sweep: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const first = fire();
    const second = scheduler.runNow();
    expect(runs).toBe(1);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await Promise.all([first, second, stopping]);
    expect(runs).toBe(1);
    // Stopped: nothing scheduled after the running sweep ended.
    expect(pending.size).toBe(0);
    await scheduler.runNow();
    expect(runs).toBe(1);
  });

  it('does nothing when disabled (0 minutes)', async () => {
    const { timers, pending } = manualTimers();
    const { lines, log } = recorder();
    const scheduler = startMonitoringScheduler({ db: t.db, minutes: 0, log, timers });
    expect(pending.size).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(['monitoring sweep disabled (MONITORING_SWEEP_MINUTES=0)']);
    await scheduler.stop();
  });
});
