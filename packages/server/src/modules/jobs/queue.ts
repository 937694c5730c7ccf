import { EventEmitter } from 'node:events';
import { createHash, randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import type { JobError, JobResult } from '@perfcommons/contracts';
import { rowsOf, withStartupLock, type Database, type Db, type Tx } from '../../db/client';
import { jobFiles, jobs } from '../../db/schema';
import { observeJob } from '../../lib/metrics';
import type { Actor } from '../../lib/actor';
import { AppError } from '../../lib/errors';
import { loadActor } from '../auth/service';

/** What a job's handler gets: its input, the creator (as an actor), and a progress reporter. */
export interface JobContext<I> {
  id: string;
  input: I;
  actor: Actor | null;
  db: Db;
  /** Attempt number, from 1. */
  attempt: number;
  /**
   * Reports progress (0–100) and what is being done. Synchronous and never awaited by the handler:
   * the row is written outside the handler's own transaction (on PGlite it lands after it commits).
   */
  progress(percent: number, message?: string): void;
  /** The server's log (pino under Fastify). */
  log: JobLog;
}

/** The part of a pino / Fastify logger that jobs write to. */
export interface JobLog {
  info(obj: object, msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  error(obj: object, msg: string): void;
}

const silent: JobLog = { info: () => {}, warn: () => {}, error: () => {} };

/** A kind of job: its input I and result R (the contract's JobInput and JobResult of its kind). */
export interface JobDefinition<I = unknown, R = JobResult> {
  kind: string;
  run(ctx: JobContext<I>): Promise<R>;
  /** Retries after a failed attempt (AppErrors, the caller's mistakes, are never retried). */
  retryLimit?: number;
  /** Seconds before the first retry (doubled after each one). */
  retryDelaySeconds?: number;
  /** The platform's own work (no creator, no row in `jobs`): at most one waiting at a time. */
  system?: boolean;
  /** Queued by every process this often (seconds); with `system`, still run once at a time. */
  everySeconds?: () => number;
}

export interface JobsOptions {
  /** Seconds an active job may run before it is taken for dead and retried (a killed process). */
  expireSeconds?: number;
  /** Seconds between the supervisor's passes (expiring dead jobs). */
  maintenanceSeconds?: number;
  /** Seconds between a worker's polls for new jobs. */
  pollSeconds?: number;
  /** Seconds before the first retry of every kind (instead of each kind's own). */
  retryDelaySeconds?: number;
  log?: JobLog;
}

export type JobRow = typeof jobs.$inferSelect;
export const TERMINAL = ['completed', 'failed'];

/** The error as stored with the job and answered by a waiting request. */
export function errorOf(err: unknown): JobError {
  if (err instanceof AppError)
    return { error: err.error, message: err.message, status: err.statusCode, details: err.details };
  // The database's own words, not Drizzle's wrapper (which quotes the query and its parameters).
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e && e.cause instanceof Error) e = e.cause;
  const message = e?.message ?? String(err);
  return { error: 'internal', message, status: 500, details: [] };
}

/** pg-boss's SQL through the app's own connections: PGlite in process or the node-postgres pool. */
function bossDb(database: Database): PgBoss.Db {
  const client = (database.db as unknown as { $client: PGlite | pg.Pool }).$client;
  if (database.kind === 'pglite') {
    const lite = client as PGlite;
    return {
      async executeSql(text, values) {
        // Its schema scripts are several statements without parameters: the simple protocol (exec).
        if (!values || values.length === 0) return { rows: (await lite.exec(text)).at(-1)?.rows ?? [] };
        return lite.query(text, values);
      },
    };
  }
  const pool = client as pg.Pool;
  return {
    async executeSql(text, values) {
      const r = (await pool.query(text, values)) as unknown as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(r) ? (r.at(-1) ?? { rows: [] }) : r;
    },
  };
}

/** pg-boss's SQL inside a Drizzle transaction (its `db` option): on the transaction's own connection. */
function txBossDb(tx: Tx): PgBoss.Db {
  const client = (tx as unknown as { session: { client: pg.PoolClient | PGliteTransaction } }).session.client;
  return {
    executeSql: async (text, values) => {
      const r = await (client as pg.PoolClient).query(text, values);
      return { rows: r.rows };
    },
  };
}

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
    const worker = this.workers.get(kind);
    if (worker) this.boss.notifyWorker(worker);
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
    const worker = this.workers.get(kind);
    if (worker) this.boss.notifyWorker(worker);
    return row;
  }

  /**
   * Queues the platform's run of `kind` for the current period of `periodSeconds` (periods counted
   * on the database's clock from the epoch) unless it is queued already: every process may ask, one
   * queues it. The job's id is derived from the kind and the period, so both the `jobs` row and
   * pg-boss's job are keyed by the period (a second insert of either is a no-op). Answers the row
   * when this call queued it, null when the period's run exists (queued, run or failed).
   */
  async enqueuePeriodic(kind: string, periodSeconds: number, input: object): Promise<JobRow | null> {
    const def = this.defs.get(kind);
    if (!def) throw new Error(`No job kind ${kind}`);
    const [{ period }] = await rowsOf<{ period: string }>(
      this.db,
      sql`select floor(extract(epoch from now()) / ${periodSeconds})::bigint::text as period`,
    );
    const id = periodicJobId(kind, periodSeconds, period);
    // The row and pg-boss's job in one transaction: a process that dies between the two leaves
    // neither, so the next tick (of any process) queues the period's run again.
    const row = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(jobs)
        .values({
          id,
          kind,
          input: { ...input, period: Number(period), periodSeconds },
          createdBy: null,
          maxAttempts: (def.retryLimit ?? 2) + 1,
        })
        .onConflictDoNothing()
        .returning();
      if (row)
        await this.boss.send(kind, { ...(row.input as object), actorId: null }, { id, db: txBossDb(tx) });
      return row ?? null;
    });
    if (!row) return this.requeueLost(kind, id);
    const worker = this.workers.get(kind);
    if (worker) this.boss.notifyWorker(worker);
    return row;
  }

  /**
   * The period's row exists: still queued with no pg-boss job at all (written by a process that died
   * between the two, before they were written together), its job is sent again, once (pg-boss keys
   * it by the id). Answers the row when this call sent it, null otherwise.
   */
  private async requeueLost(kind: string, id: string): Promise<JobRow | null> {
    const [row] = await this.db.select().from(jobs).where(eq(jobs.id, id));
    if (!row || row.state !== 'queued') return null;
    if (await this.boss.getJobById(kind, id, { includeArchive: true })) return null;
    const sent = await this.boss.send(kind, { ...(row.input as object), actorId: null }, { id });
    if (!sent) return null;
    this.options.log?.warn(`jobs: ${kind} ${id} had no queued job; sent again`);
    const worker = this.workers.get(kind);
    if (worker) this.boss.notifyWorker(worker);
    return row;
  }

  private async runOne(def: JobDefinition, job: PgBoss.JobWithMetadata<Record<string, unknown>>) {
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
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let last = 0;
    let timer: NodeJS.Timeout | undefined;
    let latest: { progress: number; message: string | null } | null = null;
    const flush = () => {
      timer = undefined;
      if (!latest) return;
      const set = latest;
      latest = null;
      last = Date.now();
      this.track(
        this.db
          .update(jobs)
          .set({ ...set, updatedAt: new Date() })
          .where(and(eq(jobs.id, job.id), eq(jobs.state, 'active'))),
      );
    };
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
        latest = { progress, message: message ?? null };
        // At most four writes a second; the last report is always written.
        if (!timer) timer = setTimeout(flush, Math.max(0, 250 - (Date.now() - last)));
      },
    };
    try {
      const result = await def.run(ctx);
      clearTimeout(timer);
      latest = null;
      await this.finish(job.id, 'completed', { result: result ?? null, progress: 100 });
      observeJob(def.kind, 'completed', seconds());
      return result;
    } catch (err) {
      clearTimeout(timer);
      latest = null;
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

  /** Resolves with the job's row once it is completed or failed (or when `timeoutMs` passed). */
  async wait(id: string, timeoutMs = 600_000): Promise<JobRow> {
    const read = async () => (await this.db.select().from(jobs).where(eq(jobs.id, id)))[0];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let off = () => {};
      const done = new Promise<void>((resolve) => {
        const on = (e: { id: string }) => e.id === id && resolve();
        // Another process may run it: look again now and then.
        const timer = setTimeout(resolve, 500);
        this.events.on('done', on);
        off = () => (clearTimeout(timer), this.events.off('done', on));
      });
      const row = await read();
      if (!row || TERMINAL.includes(row.state) || Date.now() > deadline) {
        off();
        return row;
      }
      await done;
      off();
    }
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
    const job = await this.wait(id, timeoutMs);
    if (job.state === 'failed') {
      const e = job.lastError ?? errorOf(new Error('The job failed'));
      throw new AppError(e.status, e.error, e.message, e.details ?? []);
    }
    if (job.state !== 'completed') return { jobId: id, done: false };
    return { jobId: id, done: true, result: job.result as R };
  }

  /** Stops taking jobs; with `graceful`, waits for the running ones (up to `timeoutMs`). */
  async stop(graceful = true, timeoutMs = 30_000) {
    for (const t of this.timers) clearInterval(t);
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

/** The id of a periodic job's run in one period: a UUID (version 8) from a hash of kind and period. */
export function periodicJobId(kind: string, periodSeconds: number, period: string | number): string {
  const h = createHash('sha256').update(`${kind}\n${periodSeconds}\n${period}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export interface StartJobsOptions extends JobsOptions {
  definitions: JobDefinition<never, unknown>[];
}

/** Starts the queue and its workers on the app's database. */
export async function startJobs(database: Database, options: StartJobsOptions): Promise<JobQueue> {
  const queue = new JobQueue(database, options);
  return queue.start(options.definitions);
}
