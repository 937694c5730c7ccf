import type { Db, Tx } from '../../db/client';
import type { Actor } from '../../lib/actor';
import { defineJob, queueUploadJob } from '../jobs/define';
import { isLite, storedUpload, type UploadStream } from '../jobs/files';
import type { JobQueue } from '../jobs/queue';
import { assertCanReport, loadPlanScope } from '../plans/access';
import { importValues, MAX_VALUE_FILE_BYTES } from './import';

export interface ValueImportInput {
  planId: string;
  filename: string;
  /** Bytes of the upload (its chunks are in `job_files`). */
  bytes: number;
}
type ValueImportResult = { inserted: number };

/**
 * A values file imported as a durable job: the upload was stored in `job_files` when the job was
 * queued, so any process can run it and a retry reads it again; the import is `importValues` (one
 * transaction: killed mid-way, nothing of it stays). Progress follows the bytes of the file parsed.
 */
export const valueImportJob = defineJob<ValueImportInput, ValueImportResult>('values.import', async (ctx) => {
  const total = Math.max(1, ctx.input.bytes);
  ctx.progress(0, 'reading');
  // PGlite: the import's transaction holds the one connection, so the chunks are read through it.
  const lite = isLite(ctx.db);
  const file = (tx: Tx) => storedUpload(lite ? tx : ctx.db, ctx.id);
  return importValues(ctx.db, ctx.actor, ctx.input.planId, file, ctx.input.filename, {
    onBytes: (parsed) => ctx.progress((95 * parsed) / total, 'importing'),
  });
});

/**
 * Checks that the actor may report values for the plan (403 before the upload is read), stores the
 * upload (a renamed file: 400 at once, the job failed with it and its upload deleted) and queues the
 * import; answers the job id. Whether the plan takes values now (409) is the job's answer, after the
 * file's own problems (400), as when the sheet was parsed first.
 */
export async function queueValueImport(
  db: Db,
  queue: JobQueue,
  actor: Actor | null,
  planId: string,
  file: UploadStream,
  filename: string,
) {
  return queueUploadJob<ValueImportInput>(db, queue, actor, {
    kind: valueImportJob.kind,
    input: { planId, filename, bytes: 0 },
    file,
    filename,
    maxBytes: MAX_VALUE_FILE_BYTES,
    // Who may: answered before the upload is read (403, 404).
    authorize: async () => assertCanReport(actor, await loadPlanScope(db, planId)),
  });
}
