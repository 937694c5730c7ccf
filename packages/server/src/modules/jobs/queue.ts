import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { JobError } from '@perfcommons/contracts';
import { withStartupLock, type Database, type Db } from '../../db/client';
import { jobFiles, jobs } from '../../db/schema';
import { observeJob } from '../../lib/metrics';
import { throttleLatest } from '../../lib/throttle';
import type { Actor } from '../../lib/actor';
import { AppError } from '../../lib/errors';
import { loadActor } from '../auth/service';
import { bossDb } from './boss-db';
import type { JobContext, JobDefinition, JobLog, JobsOptions } from './job-definition';
import { errorOf, TERMINAL, type JobRow } from './job-state';
import { enqueuePeriodicRun } from './periodic';
import { outcomeOf, waitForJob } from './wait';

export type { JobContext, JobDefinition, JobLog, JobsOptions } from './job-definition';
export { errorOf, TERMINAL, type JobRow } from './job-state';
export { periodicJobId } from './periodic';

const silent: JobLog = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Durable jobs: pg-boss queues in the same database (its `pgboss` schema), worked by every server
 * process (a job is fetched by one of them, FOR UPDATE SKIP LOCKED), retried with backoff, expired
 * and retried when its process died. The `jobs` table is what users see: state, progress, attempts,
 * error, result.
 */
export class JobQueue {
  readonly events = new EventEmitter();
  private boss: PgBoss;
  private defs = new Map<string, JobDefinition>();
  private workers = new Map<string, string>();
  private pendingWrites = new Set<Promise<unknown>>();
  private timers: NodeJS.Timeout[] = [];
  /** Jobs this process is running now. */
  private running = new Set<string>();
  /** Set by {@link pause}: the process is shutting down and takes no more jobs. */
  private draining = false;

  constructor(
    readonly database: Database,
    private options: JobsOptions = {},
  ) {
    this.boss = new PgBoss({
      db: bossDb(database),
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: options.maintenanceSeconds ?? 60,
    } as PgBoss.ConstructorOptions);
    this.boss.on('error', (err) => options.log?.error(`jobs: ${err.message}`));
  }

  get db(): Db {
    return this.database.db;
  }

  async start(definitions: JobDefinition<never, unknown>[]) {
    // Processes starting together would race on pg-boss's schema and queue tables (a unique
    // violation on the catalog, or a deadlock between their DDL): they set up one after the other.
    await withStartupLock(this.database.db, async () => {
      await this.boss.start();
      for (const def of definitions) await this.createQueue(def as JobDefinition);
    });
    // PGlite is one process by construction (it holds its data directory): an active job found at
    // start belonged to a process that died, so it fails now (and is retried if it has attempts left).
    if (this.database.kind === 'pglite') await this.failOrphans();
    for (const def of definitions) await this.define(def);
    return this;
  }

  private async createQueue(def: JobDefinition) {
    await this.boss.createQueue(def.kind, {
      name: def.kind,
      // stately: one waiting and one running at most, so processes ticking together queue it once.
      ...(def.system ? { policy: 'stately' } : {}),
      retryLimit: def.retryLimit ?? 2,
      retryDelay: this.retryDelay(def),
      retryBackoff: true,
      expireInSeconds: this.options.expireSeconds ?? 900,
    });
  }

  private retryDelay(def: JobDefinition) {
    return this.options.retryDelaySeconds ?? def.retryDelaySeconds ?? 5;
  }

  /** Adds a kind of job and starts working its queue. */
  async define<I, R>(definition: JobDefinition<I, R>) {
    const def = definition as JobDefinition;
    this.defs.set(def.kind, def);
    await this.createQueue(def);
    const workerId = await this.boss.work(
      def.kind,
      { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollSeconds ?? 2 },
      async ([job]) => this.runOne(def, job as PgBoss.JobWithMetadata<Record<string, unknown>>),
    );
    this.workers.set(def.kind, workerId);
    if (def.everySeconds) {
      const timer = setInterval(() => {
        this.trigger(def.kind).catch((err: Error) => this.options.log?.warn(`jobs: ${err.message}`));
      }, def.everySeconds() * 1000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Queues a run of a system job now (none when one is already waiting). */
  async trigger(kind: string) {
    await this.boss.send(kind, {});
    this.notify(kind);
  }

  private async failOrphans() {
    const active = await this.db
      .select({ id: jobs.id, kind: jobs.kind })
      .from(jobs)
      .where(inArray(jobs.state, ['active']));
    for (const j of active) {
      const error = { error: 'interrupted', message: 'The process running it stopped', status: 500 };
      const job = await this.boss.getJobById(j.kind, j.id);
      if (job?.state === 'active') await this.boss.fail(j.kind, j.id, error);
      await this.reconcile(j.id, j.kind, error);
    }
  }

  /**
   * Enqueues a job for the actor; its row exists (queued) before the worker can see it. `prepare`
   * runs between the two with the job's id (an upload stored in `job_files`); if it throws, the job
   * is failed with its error, its files deleted, and the error rethrown.
   */
  async enqueue(
    kind: string,
    actor: Actor | null,
    input: object,
    prepare?: (id: string) => Promise<void>,
  ): Promise<JobRow> {
    const def = this.defs.get(kind);
    if (!def) throw new Error(`No job kind ${kind}`);
    const id = randomUUID();
    const [row] = await this.db
      .insert(jobs)
      .values({ id, kind, input, createdBy: actor?.id ?? null, maxAttempts: (def.retryLimit ?? 2) + 1 })
      .returning();
    try {
      await prepare?.(id);
      await this.boss.send(kind, { ...input, actorId: actor?.id ?? null }, { id });
    } catch (err) {
      await this.finish(id, 'failed', { lastError: errorOf(err) });
      throw err;
    }
    this.notify(kind);
    return row;
  }

  /**
   * Queues the platform's run of `kind` for the current period of `periodSeconds` (periods counted
   * on the database's clock from the epoch) unless it is queued already (see enqueuePeriodicRun).
   * Answers the row when this call queued it, null when the period's run exists.
   */
  async enqueuePeriodic(kind: string, periodSeconds: number, input: object): Promise<JobRow | null> {
    const def = this.defs.get(kind);
    if (!def) throw new Error(`No job kind ${kind}`);
    const q = { db: this.db, boss: this.boss, log: this.options.log, notify: (k: string) => this.notify(k) };
    return enqueuePeriodicRun(q, def, periodSeconds, input);
  }

  /** Wakes the kind's worker up rather than waiting for its next poll. */
  private notify(kind: string) {
    const worker = this.workers.get(kind);
    if (worker) this.boss.notifyWorker(worker);
  }

  private async runOne(def: JobDefinition, job: PgBoss.JobWithMetadata<Record<string, unknown>>) {
    this.running.add(job.id);
    try {
      return await this.runJob(def, job);
    } finally {
      this.running.delete(job.id);
    }
  }

  private async runJob(def: JobDefinition, job: PgBoss.JobWithMetadata<Record<string, unknown>>) {
    const { actorId, ...input } = job.data;
    const attempt = job.retryCount + 1;
    await this.db
      .update(jobs)
      .set({
        state: 'active',
        attempts: attempt,
        startedAt: new Date(),
        updatedAt: new Date(),
        message: null,
      })
      .where(eq(jobs.id, job.id));
    this.events.emit('start', { id: job.id, kind: def.kind, attempt });
    if (!def.system) this.options.log?.info({ jobId: job.id, kind: def.kind, attempt }, 'job started');
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    // At most four writes a second; the last report is always written.
    const reports = throttleLatest<{ progress: number; message: string | null }>(250, (set) =>
      this.track(
        this.db
          .update(jobs)
          .set({ ...set, updatedAt: new Date() })
          .where(and(eq(jobs.id, job.id), eq(jobs.state, 'active'))),
      ),
    );
    const ctx: JobContext<unknown> = {
      id: job.id,
      input,
      attempt,
      db: this.db,
      actor: typeof actorId === 'string' ? await loadActor(this.db, actorId) : null,
      log: this.options.log ?? silent,
      progress: (percent, message) => {
        const progress = Math.max(0, Math.min(100, Math.round(percent)));
        this.events.emit('progress', { id: job.id, progress, message });
        reports.push({ progress, message: message ?? null });
      },
    };
    try {
      const result = await def.run(ctx);
      reports.cancel();
      await this.finish(job.id, 'completed', { result: result ?? null, progress: 100 });
      observeJob(def.kind, 'completed', seconds());
      return result;
    } catch (err) {
      reports.cancel();
      const lastError = errorOf(err);
      // The caller's mistake (a 4xx) fails at once: another attempt would meet the same refusal.
      if (err instanceof AppError) {
        await this.finish(job.id, 'failed', { lastError });
        observeJob(def.kind, 'failed', seconds());
        return { failed: lastError };
      }
      const retrying = job.retryCount < job.retryLimit;
      observeJob(def.kind, retrying ? 'retry' : 'failed', seconds());
      if (retrying) {
        await this.db
          .update(jobs)
          .set({ state: 'retry', lastError, updatedAt: new Date() })
          .where(eq(jobs.id, job.id));
        this.events.emit('retry', { id: job.id, error: lastError });
        // Look for it again when its delay is over rather than at the next poll.
        const delay = this.retryDelay(def) * 2 ** job.retryCount * 1000;
        const worker = this.workers.get(def.kind);
        if (worker) setTimeout(() => this.boss.notifyWorker(worker), delay + 50).unref();
      } else await this.finish(job.id, 'failed', { lastError });
      throw err;
    }
  }

  private track(p: Promise<unknown>) {
    const tracked = p.catch((err: Error) =>
      this.options.log?.warn(`jobs: progress not saved: ${err.message}`),
    );
    this.pendingWrites.add(tracked);
    void tracked.finally(() => this.pendingWrites.delete(tracked));
  }

  private async finish(id: string, state: 'completed' | 'failed', set: Partial<JobRow>) {
    // Progress writes still queued (PGlite: behind the job's transaction) land before the final state.
    await Promise.all(this.pendingWrites);
    await this.db
      .update(jobs)
      .set({ ...set, state, finishedAt: new Date(), updatedAt: new Date() })
      .where(eq(jobs.id, id));
    // An ended job's files (an upload it imported) are of no further use.
    await this.db.delete(jobFiles).where(eq(jobFiles.jobId, id));
    this.events.emit('done', { id, state });
  }

  /**
   * Brings a row that still looks alive in line with pg-boss when pg-boss gave the job up without
   * running it again (expired on its last attempt, or failed as an orphan).
   */
  async reconcile(id: string, kind: string, fallback?: JobError) {
    const job = await this.boss.getJobById(kind, id, { includeArchive: true });
    if (!job || job.state !== 'failed') return;
    const [row] = await this.db.select().from(jobs).where(eq(jobs.id, id));
    if (!row || TERMINAL.includes(row.state)) return;
    const output = job.output as { message?: string; value?: string } | null;
    await this.finish(id, 'failed', {
      lastError: fallback ?? {
        error: 'expired',
        message: output?.message ?? output?.value ?? 'The job did not finish in time',
        status: 500,
      },
    });
  }

  /**
   * Resolves with the job's row once it is completed or failed (or when `timeoutMs` passed, or once
   * this process drains while the job is not running here: another process will run it).
   */
  async wait(id: string, timeoutMs = 600_000): Promise<JobRow> {
    return waitForJob(this.db, this.events, id, timeoutMs, () => this.draining && !this.running.has(id));
  }

  /**
   * Waits for the job (`?wait=true` answers, scripts and tests): its result once completed, the job's
   * own error (as the AppError the request would have answered) when it failed, or `done: false`
   * while it is still running when the wait ends.
   */
  async outcome<R>(
    id: string,
    timeoutMs?: number,
  ): Promise<{ jobId: string; done: false } | { jobId: string; done: true; result: R }> {
    return outcomeOf<R>(id, await this.wait(id, timeoutMs));
  }

  /**
   * The start of a shutdown's drain: takes no more jobs (those queued now wait for another process,
   * or this one's next start) while the running ones go on; waits for jobs not running here end
   * (their requests answer 202 with the job's id). Answers the number of jobs still running here.
   */
  async pause() {
    if (this.draining) return this.running.size;
    this.draining = true;
    for (const t of this.timers) clearInterval(t);
    for (const kind of this.workers.keys()) await this.boss.offWork(kind);
    this.events.emit('draining');
    if (this.running.size)
      this.options.log?.info(
        { jobs: [...this.running] },
        `jobs: draining, ${this.running.size} running here, no more taken`,
      );
    return this.running.size;
  }

  /**
   * Stops taking jobs; with `graceful`, waits for the running ones, up to `timeoutMs` (default
   * {@link JobsOptions.stopSeconds}): pg-boss then fails those still running for another process to
   * retry, which is why the default outlasts the server's drain bound (a job that may still commit
   * is never handed to a second process; a process cut at its bound leaves it to expire).
   */
  async stop(graceful = true, timeoutMs = (this.options.stopSeconds ?? 30) * 1000) {
    await this.pause();
    await this.boss.stop({ graceful, wait: true, timeout: timeoutMs, close: false });
    await Promise.all(this.pendingWrites);
  }

  /** Jobs waiting or running, by kind (queue depth). */
  async depth(): Promise<Record<string, number>> {
    const rows = await this.db
      .select({ kind: jobs.kind, n: sql<number>`count(*)::int` })
      .from(jobs)
      .where(inArray(jobs.state, ['queued', 'active', 'retry']))
      .groupBy(jobs.kind);
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }
}

export interface StartJobsOptions extends JobsOptions {
  definitions: JobDefinition<never, unknown>[];
}

/** Starts the queue and its workers on the app's database. */
export async function startJobs(database: Database, options: StartJobsOptions): Promise<JobQueue> {
  const queue = new JobQueue(database, options);
  return queue.start(options.definitions);
}
