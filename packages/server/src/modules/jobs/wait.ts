import type { EventEmitter } from 'node:events';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { jobs } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { errorOf, TERMINAL, type JobRow } from './job-state';

/**
 * Resolves with the job's row once it is completed or failed (or when `timeoutMs` passed, or when
 * `leftToOthers` says this process will not run it: it drains), woken by the queue's `done` and
 * `draining` events.
 */
export async function waitForJob(
  db: Db,
  events: EventEmitter,
  id: string,
  timeoutMs = 600_000,
  leftToOthers: () => boolean = () => false,
): Promise<JobRow> {
  const read = async () => (await db.select().from(jobs).where(eq(jobs.id, id)))[0];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let off = () => {};
    const done = new Promise<void>((resolve) => {
      const on = (e: { id: string }) => e.id === id && resolve();
      // Another process may run it: look again now and then.
      const timer = setTimeout(resolve, 500);
      const draining = () => resolve();
      events.on('done', on);
      events.on('draining', draining);
      off = () => (clearTimeout(timer), events.off('done', on), events.off('draining', draining));
    });
    const row = await read();
    if (!row || TERMINAL.includes(row.state) || Date.now() > deadline || leftToOthers()) {
      off();
      return row;
    }
    await done;
    off();
  }
}

/**
 * What a wait for the job answers: its result once completed, the job's own error (as the AppError
 * the request would have answered) when it failed, or `done: false` while it is still running.
 */
export function outcomeOf<R>(
  id: string,
  job: JobRow,
): { jobId: string; done: false } | { jobId: string; done: true; result: R } {
  if (job.state === 'failed') {
    const e = job.lastError ?? errorOf(new Error('The job failed'));
    throw new AppError(e.status, e.error, e.message, e.details ?? []);
  }
  if (job.state !== 'completed') return { jobId: id, done: false };
  return { jobId: id, done: true, result: job.result as R };
}
