import type { JobResult } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import type { Actor } from '../../lib/actor';

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
  /**
   * Seconds a stop waits for running jobs before pg-boss fails them for a retry (30): longer than
   * the server's drain bound, so a job that may still commit is never retried beside itself.
   */
  stopSeconds?: number;
  log?: JobLog;
}
