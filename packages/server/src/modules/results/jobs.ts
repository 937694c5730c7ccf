import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { jobs } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import type { JobDefinition, JobQueue } from '../jobs/queue';
import { assertComputable, computeCycleResults, listResults } from './service';

export interface ComputeInput {
  cycleId: string;
}
type ComputeSummary = Awaited<ReturnType<typeof computeCycleResults>>;

/** A full compute of a cycle's results as a durable job: one transaction, so all or nothing. */
export const computeResultsJob: JobDefinition<ComputeInput, ComputeSummary> = {
  kind: 'results.compute',
  retryLimit: 2,
  retryDelaySeconds: 5,
  run: (ctx) =>
    computeCycleResults(ctx.db, ctx.actor, ctx.input.cycleId, {
      onProgress: (percent, step) => ctx.progress(percent, step),
    }),
};

/**
 * Queues the compute of a cycle (refusals such as a published cycle answer at once); a compute of
 * the cycle already waiting or running is returned instead of a second one.
 */
export async function queueCompute(db: Db, queue: JobQueue, actor: Actor | null, cycleId: string) {
  await assertComputable(db, actor, cycleId);
  const [running] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        eq(jobs.kind, computeResultsJob.kind),
        inArray(jobs.state, ['queued', 'active', 'retry']),
        sql`${jobs.input}->>'cycleId' = ${cycleId}`,
      ),
    )
    .limit(1);
  if (running) return { jobId: running.id };
  const job = await queue.enqueue(computeResultsJob.kind, actor, { cycleId });
  return { jobId: job.id };
}

/**
 * Queues the compute and waits for it (`?wait=true`, for scripts and tests): the summary and the
 * results as before jobs, the job's own error when it failed, or null while it is still running.
 */
export async function computeAndWait(db: Db, queue: JobQueue, actor: Actor | null, cycleId: string) {
  const { jobId } = await queueCompute(db, queue, actor, cycleId);
  const done = await queue.outcome<ComputeSummary>(jobId);
  if (!done.done) return done;
  return { jobId, done: true as const, ...done.result, items: await listResults(db, actor, cycleId) };
}
