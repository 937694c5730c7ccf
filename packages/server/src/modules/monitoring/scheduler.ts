import { asc, inArray } from 'drizzle-orm';
import type { Stage } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import { cycles } from '../../db/schema';
import { systemActor } from '../../lib/system';
import { deleteExpiredOutputs } from '../jobs/files';
import type { JobDefinition, JobQueue } from '../jobs/queue';
import { runReminders } from './discipline';
import { todayUtc } from './periods';
import { runCorrectionTasks } from './tasks';
import { runWarnings } from './trajectory';

/** Stages whose cycles are swept: communication and counseling 绩效沟通与辅导, when progress is reported. */
export const SWEPT_STAGES: Stage[] = ['execution'];

/** The part of a pino / Fastify logger the sweep writes to. */
export interface SweepLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface CycleSweep {
  cycleId: string;
  code: string;
  reminders?: number;
  escalations?: number;
  warnings?: number;
  tasks?: number;
  notified: number;
  /** Steps that failed, with their error; the other steps and cycles still ran. */
  errors: { step: string; message: string }[];
}

export interface SweepReport {
  asOf: string;
  cycles: CycleSweep[];
}

/**
 * One monitoring sweep as the system actor, for every cycle in a swept stage: reporting reminders and
 * escalations as of the clock's day, then early warnings, then correction tasks for red leaves. Each
 * step is the service function the office's endpoints call, idempotent through unique constraints, so
 * sweeps of several server processes at once send and open everything once. A failing step is
 * recorded and logged; the sweep goes on.
 */
export async function sweepMonitoring(
  db: Db,
  opts: {
    now?: Date;
    log?: SweepLog;
    taskDays?: number;
    /** Called after each cycle with the cycles done and their number. */
    progress?: (done: number, total: number) => void;
  } = {},
): Promise<SweepReport> {
  const actor = systemActor();
  const asOf = todayUtc(opts.now ?? new Date());
  const list = await db
    .select({ id: cycles.id, code: cycles.code })
    .from(cycles)
    .where(inArray(cycles.stage, SWEPT_STAGES))
    .orderBy(asc(cycles.code));
  const report: SweepReport = { asOf, cycles: [] };
  for (const c of list) {
    const done: CycleSweep = { cycleId: c.id, code: c.code, notified: 0, errors: [] };
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        done.errors.push({ step: name, message });
        opts.log?.error({ cycle: c.code, step: name, err }, `monitoring sweep: ${name} failed`);
      }
    };
    await step('reminders', async () => {
      const r = await runReminders(db, actor, c.id, asOf);
      Object.assign(done, { reminders: r.reminders, escalations: r.escalations });
      done.notified += r.notified;
    });
    await step('warnings', async () => {
      const r = await runWarnings(db, actor, c.id);
      done.warnings = r.raised;
      done.notified += r.notified;
    });
    await step('tasks', async () => {
      const r = await runCorrectionTasks(db, actor, c.id, { today: asOf, deadlineDays: opts.taskDays });
      done.tasks = r.opened;
      done.notified += r.opened;
      if (r.withoutOwner)
        opts.log?.info(
          { cycle: c.code, withoutOwner: r.withoutOwner },
          'monitoring sweep: red leaves of units without a manager got no correction task',
        );
    });
    report.cycles.push(done);
    opts.progress?.(report.cycles.length, list.length);
  }
  opts.log?.info(report, `monitoring sweep as of ${asOf}: ${list.length} cycle(s)`);
  return report;
}

export const SWEEP_KIND = 'monitoring.sweep';

/**
 * The sweep as a durable job: queued once per period for all processes ({@link queueSweep}), run by
 * one of them, its report stored as the job's result (`GET /api/jobs/:id`, the office). `at` is the
 * moment it was queued for, so a retry sweeps as of the same day. A failing step is in the report,
 * not a failure of the job; a sweep that cannot run at all (the database gone) is retried once, then
 * failed with its reason, and the next period queues a new one. It also deletes the files of jobs
 * past their keeping time (`deleteExpiredOutputs`).
 */
export const monitoringSweepJob: JobDefinition<{ at: string }, SweepReport> = {
  kind: SWEEP_KIND,
  retryLimit: 1,
  retryDelaySeconds: 30,
  run: async (ctx) => {
    // Housekeeping of the period too: files of jobs past their keeping time (exports) go.
    await deleteExpiredOutputs(ctx.db);
    return sweepMonitoring(ctx.db, {
      now: new Date(ctx.input.at),
      log: ctx.log,
      progress: (done, total) => ctx.progress((done / Math.max(total, 1)) * 100, 'sweeping'),
    });
  },
};

/**
 * Queues the sweep of the current period (`minutes` long, on the database's clock) unless this or
 * another process queued it already; answers the job id, or null when it was queued elsewhere.
 */
export async function queueSweep(jobs: JobQueue, minutes: number, at: Date): Promise<string | null> {
  const job = await jobs.enqueuePeriodic(SWEEP_KIND, Math.max(1, Math.round(minutes * 60)), {
    at: at.toISOString(),
  });
  return job?.id ?? null;
}

/** Timer functions, injectable so a test drives the schedule without waiting. */
export interface Timers {
  set(fn: () => Promise<void>, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface MonitoringScheduler {
  /** Runs a sweep now unless one is running (then resolves when that one ends, without another). */
  runNow(): Promise<void>;
  /** Cancels the next sweep and waits for a running one to end. */
  stop(): Promise<void>;
}

/**
 * Runs {@link sweepMonitoring} shortly after start and then every `minutes` (0 disables), measured
 * from the end of the previous sweep, so sweeps never overlap. An error is logged and the schedule
 * goes on.
 */
export function startMonitoringScheduler(opts: {
  db: Db;
  minutes: number;
  log: SweepLog;
  now?: () => Date;
  timers?: Timers;
  /** Delay of the first sweep after start. */
  firstDelayMs?: number;
  sweep?: (now: Date) => Promise<unknown>;
}): MonitoringScheduler {
  const timers = opts.timers ?? realTimers;
  const now = opts.now ?? (() => new Date());
  const sweep = opts.sweep ?? ((at: Date) => sweepMonitoring(opts.db, { now: at, log: opts.log }));
  if (!(opts.minutes > 0)) {
    opts.log.info({}, 'monitoring sweep disabled (MONITORING_SWEEP_MINUTES=0)');
    return { runNow: async () => {}, stop: async () => {} };
  }
  const interval = opts.minutes * 60_000;
  let stopped = false;
  let handle: unknown = null;
  let running: Promise<void> | null = null;

  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      opts.log.info({}, 'monitoring sweep still running; not starting another');
      return running;
    }
    timers.clear(handle);
    handle = null;
    const run = async () => {
      try {
        await sweep(now());
      } catch (err) {
        opts.log.error({ err }, 'monitoring sweep failed; next one as scheduled');
      }
    };
    // `finally` runs after `running` is set, even when the sweep fails at once.
    running = run().finally(() => {
      running = null;
      if (!stopped) handle = timers.set(tick, interval);
    });
    return running;
  };

  handle = timers.set(tick, opts.firstDelayMs ?? 5_000);
  opts.log.info({ minutes: opts.minutes }, `monitoring sweep every ${opts.minutes} minute(s)`);
  return {
    runNow: tick,
    stop: async () => {
      stopped = true;
      timers.clear(handle);
      handle = null;
      await running;
    },
  };
}
