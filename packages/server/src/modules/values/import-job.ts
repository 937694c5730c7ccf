import type { Db, Tx } from '../../db/client';
import type { Actor } from '../../lib/actor';
import type { JobDefinition, JobQueue } from '../jobs/queue';
import { isLite, storedUpload, storeUpload, type UploadStream } from '../jobs/files';
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
export const valueImportJob: JobDefinition<ValueImportInput, ValueImportResult> = {
  kind: 'values.import',
  retryLimit: 2,
  retryDelaySeconds: 5,
  run: async (ctx) => {
    const total = Math.max(1, ctx.input.bytes);
    let parsed = 0;
    // Step names are the console's keys (jobs i18n `step.*`).
    const report = () => ctx.progress((95 * parsed) / total, 'importing');
    ctx.progress(0, 'reading');
    // PGlite: the import's transaction holds the one connection, so the chunks are read through it.
    const lite = isLite(ctx.db);
    const file = (tx: Tx) => storedUpload(lite ? tx : ctx.db, ctx.id);
    const result = await importValues(ctx.db, ctx.actor, ctx.input.planId, file, ctx.input.filename, {
      onBytes: (n) => {
        parsed = n;
        report();
      },
    });
    ctx.progress(100, 'done');
    return result;
  },
};

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
  // Who may: answered before the upload is read (403, 404).
  try {
    assertCanReport(actor, await loadPlanScope(db, planId));
  } catch (err) {
    file.resume();
    throw err;
  }
  const input: ValueImportInput = { planId, filename, bytes: 0 };
  const job = await queue.enqueue(valueImportJob.kind, actor, input, async (id) => {
    input.bytes = await storeUpload(db, id, file, filename, MAX_VALUE_FILE_BYTES);
  });
  return { jobId: job.id };
}

/**
 * Queues the import and waits for it (`?wait=true`, for scripts, tests and the earlier callers): the
 * number stored, or the import's refusal as the same error the synchronous import gave (400 naming
 * rows, 403, 409, 413).
 */
export async function importValuesAndWait(
  db: Db,
  queue: JobQueue,
  actor: Actor | null,
  planId: string,
  file: UploadStream,
  filename: string,
) {
  const { jobId } = await queueValueImport(db, queue, actor, planId, file, filename);
  return queue.outcome<ValueImportResult>(jobId);
}
