import type { Readable } from 'node:stream';
import type { FrameMode } from '@perfcommons/contracts';
import type { Db, Tx } from '../../db/client';
import { requireOffice, type Actor } from '../../lib/actor';
import { isLite, storedUpload, storeUpload } from '../jobs/files';
import type { JobDefinition, JobQueue } from '../jobs/queue';
import { importFrameStream, MAX_STREAM_FRAME_BYTES } from './frame-stream';
import { loadSurvey } from './use-cases/shared';

export interface FrameImportInput {
  surveyId: string;
  mode?: FrameMode;
  /** Bytes of the uploaded file (its chunks are in `job_files`). */
  bytes: number;
  /** The upload's name (`.xlsx` or `.csv`); jobs queued before it was recorded had a CSV. */
  filename?: string;
}
type FrameSummary = Awaited<ReturnType<typeof importFrameStream>>;

/**
 * A sampling frame (CSV or XLSX) imported as a durable job: the upload was stored in `job_files` when the
 * job was queued, so any process can run it and a retry reads it again; the import itself is
 * `importFrameStream` (one transaction: all or nothing). Progress follows the bytes read.
 */
export const frameImportJob: JobDefinition<FrameImportInput, FrameSummary> = {
  kind: 'surveys.frame-import',
  retryLimit: 2,
  retryDelaySeconds: 5,
  run: async (ctx) => {
    let read = 0;
    const total = Math.max(1, ctx.input.bytes);
    ctx.progress(0, 'reading');
    // PGlite: the import's transaction holds the one connection, so the chunks are read through it
    // (between two COPY chunks). PostgreSQL: through another connection of the pool, as the
    // transaction's own is busy with COPY FROM STDIN.
    const lite = isLite(ctx.db);
    const file = (tx: Tx) => storedUpload(lite ? tx : ctx.db, ctx.id, (n) => (read += n));
    const summary = await importFrameStream(ctx.db, ctx.actor, ctx.input.surveyId, file, {
      mode: ctx.input.mode,
      filename: ctx.input.filename,
      onProgress: () => ctx.progress((90 * read) / total, 'importing'),
    });
    ctx.progress(100, 'done');
    return summary;
  },
};

/**
 * Stores the upload (chunks of 1 MB in `job_files`, never the whole file in memory) and queues its
 * import; answers the job id. Who may import and whether the survey exists are checked first (a
 * refusal answers at once); the frame's own rules are the job's (its failure names them).
 */
export async function queueFrameImport(
  db: Db,
  queue: JobQueue,
  actor: Actor | null,
  surveyId: string,
  file: Readable & { truncated?: boolean },
  mode: FrameMode | undefined,
  filename = 'frame.csv',
) {
  requireOffice(actor, 'Sampling');
  await loadSurvey(db, surveyId);
  // Sent to the queue after `prepare`, so the job's input carries the size stored.
  const input: FrameImportInput = { surveyId, mode, bytes: 0, filename };
  const job = await queue.enqueue(frameImportJob.kind, actor, input, async (id) => {
    input.bytes = await storeUpload(db, id, file, filename, MAX_STREAM_FRAME_BYTES);
  });
  return { jobId: job.id };
}

/**
 * Queues the import and waits for it (`?wait=true`, for scripts and tests): the import's summary,
 * or its refusal as the same error the synchronous import gave (400 naming rows, 409, 413).
 */
export async function importFrameAndWait(
  db: Db,
  queue: JobQueue,
  actor: Actor | null,
  surveyId: string,
  file: Readable & { truncated?: boolean },
  mode: FrameMode | undefined,
  filename?: string,
) {
  const { jobId } = await queueFrameImport(db, queue, actor, surveyId, file, mode, filename);
  const done = await queue.outcome<FrameSummary>(jobId);
  return done.done ? { jobId, done: true as const, summary: done.result } : done;
}
