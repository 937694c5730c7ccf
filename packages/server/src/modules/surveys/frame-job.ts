import type { FrameMode } from '@perfcommons/contracts';
import type { Db, Tx } from '../../db/client';
import { requireOffice, type Actor } from '../../lib/actor';
import { defineJob, queueUploadJob } from '../jobs/define';
import { isLite, storedUpload, type UploadStream } from '../jobs/files';
import type { JobQueue } from '../jobs/queue';
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
export type FrameSummary = Awaited<ReturnType<typeof importFrameStream>>;

/**
 * A sampling frame (CSV or XLSX) imported as a durable job: the upload was stored in `job_files` when the
 * job was queued, so any process can run it and a retry reads it again; the import itself is
 * `importFrameStream` (one transaction: all or nothing). Progress follows the bytes read.
 */
export const frameImportJob = defineJob<FrameImportInput, FrameSummary>(
  'surveys.frame-import',
  async (ctx) => {
    let read = 0;
    const total = Math.max(1, ctx.input.bytes);
    ctx.progress(0, 'reading');
    // PGlite: the import's transaction holds the one connection, so the chunks are read through it
    // (between two COPY chunks). PostgreSQL: through another connection of the pool, as the
    // transaction's own is busy with COPY FROM STDIN.
    const lite = isLite(ctx.db);
    const file = (tx: Tx) => storedUpload(lite ? tx : ctx.db, ctx.id, (n) => (read += n));
    return importFrameStream(ctx.db, ctx.actor, ctx.input.surveyId, file, {
      mode: ctx.input.mode,
      filename: ctx.input.filename,
      onProgress: () => ctx.progress((90 * read) / total, 'importing'),
    });
  },
);

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
  file: UploadStream,
  mode: FrameMode | undefined,
  filename = 'frame.csv',
) {
  return queueUploadJob<FrameImportInput>(db, queue, actor, {
    kind: frameImportJob.kind,
    input: { surveyId, mode, bytes: 0, filename },
    file,
    filename,
    maxBytes: MAX_STREAM_FRAME_BYTES,
    authorize: async () => {
      requireOffice(actor, 'Sampling');
      await loadSurvey(db, surveyId);
    },
  });
}
