import type { ImportCommitReply } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest } from '../../lib/errors';
import { MAX_STREAM_XLSX_BYTES } from '../../lib/sheet-stream';
import { defineJob, queueUploadJob } from '../jobs/define';
import { storedUpload, type UploadStream } from '../jobs/files';
import type { JobQueue } from '../jobs/queue';
import { commitImport } from './service';
import type { ImportKind } from './sheet';

/**
 * The kinds imported as a job. Accounts are not: their answer carries the new accounts' one-time
 * passwords, which must never be written anywhere (a job's result is a database row, kept in
 * backups and readable by the office), so that import stays in the request and its answer.
 */
export const JOB_IMPORT_KINDS: readonly ImportKind[] = ['units', 'people'];

/** Largest org file (CSV; an XLSX is at most the streaming reader's 64 MB). */
export const MAX_ORG_FILE_BYTES = MAX_STREAM_XLSX_BYTES;

export interface OrgImportInput {
  kind: ImportKind;
  filename: string;
  /** Bytes of the upload (its chunks are in `job_files`). */
  bytes: number;
}

/**
 * An org file (units or cadres) committed as a durable job: the upload was stored in `job_files`
 * when the job was queued; the import is `commitImport` (the same checks as the preview, then one
 * transaction: killed mid-way, nothing of it stays). Its result is the commit's answer, which for
 * these kinds holds no secret (no credentials).
 */
export const orgImportJob = defineJob<OrgImportInput, ImportCommitReply>('onboarding.import', async (ctx) => {
  const { kind, filename, bytes } = ctx.input;
  if (!JOB_IMPORT_KINDS.includes(kind))
    throw badRequest(`A ${kind} file is not imported as a job`, [{ path: 'kind', message: kind }]);
  ctx.progress(0, 'reading');
  // The file is read (and parsed) before the import's transaction opens: through ctx.db on both
  // databases.
  return commitImport(
    ctx.db,
    ctx.actor,
    kind,
    { content: storedUpload(ctx.db, ctx.id), filename },
    { bytes, onProgress: (percent, message) => ctx.progress(percent, message) },
  );
});

/** Stores the upload and queues its commit (the office only, answered before the file is read). */
export async function queueOrgImport(
  db: Db,
  queue: JobQueue,
  actor: Actor | null,
  kind: ImportKind,
  file: UploadStream,
  filename: string,
) {
  return queueUploadJob<OrgImportInput>(db, queue, actor, {
    kind: orgImportJob.kind,
    input: { kind, filename, bytes: 0 },
    file,
    filename,
    maxBytes: MAX_ORG_FILE_BYTES,
    authorize: () => requireOffice(actor, 'Importing the organisation'),
  });
}
