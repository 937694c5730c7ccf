import type { Db } from '../../db/client';
import type { Actor } from '../../lib/actor';
import { storeUpload, type UploadStream } from './files';
import type { JobContext, JobDefinition, JobQueue } from './queue';

/**
 * A job of the common frame (imports, exports): retried twice, the first retry after 5 s, and
 * reported `done` at 100 % once `run` answers. `run` reports its own steps before that (their names
 * are the console's keys, jobs i18n `step.*`).
 */
export function defineJob<I, R>(kind: string, run: (ctx: JobContext<I>) => Promise<R>): JobDefinition<I, R> {
  return {
    kind,
    retryLimit: 2,
    retryDelaySeconds: 5,
    run: async (ctx) => {
      const result = await run(ctx);
      ctx.progress(100, 'done');
      return result;
    },
  };
}

/**
 * Queues a job on an upload; answers the job id. `authorize` runs first (who may, whether the target
 * exists): a refusal answers at once and the upload is drained unread. Then the upload is stored in
 * `job_files` (chunks of 1 MB, never the whole file in memory) as the job is queued, and its size
 * recorded in the job's input (`bytes`); the file's own problems are the job's answer.
 */
export async function queueUploadJob<I extends { bytes: number }>(
  db: Db,
  queue: JobQueue,
  actor: Actor | null,
  job: {
    kind: string;
    input: I;
    file: UploadStream;
    filename: string;
    maxBytes: number;
    authorize: () => unknown;
  },
): Promise<{ jobId: string }> {
  try {
    await job.authorize();
  } catch (err) {
    job.file.resume();
    throw err;
  }
  const { input, file, filename, maxBytes } = job;
  const queued = await queue.enqueue(job.kind, actor, input, async (id) => {
    input.bytes = await storeUpload(db, id, file, filename, maxBytes);
  });
  return { jobId: queued.id };
}
