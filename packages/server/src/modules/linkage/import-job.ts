import type { LinkageSource } from '@perfcommons/domain';
import type { Db } from '../../db/client';
import { requireOffice, type Actor } from '../../lib/actor';
import { defineJob, queueUploadJob } from '../jobs/define';
import { storedUpload, type UploadStream } from '../jobs/files';
import type { JobQueue } from '../jobs/queue';
import { commitLinkageImport } from './import';

/** The multipart limit of the app: a linkage file is read whole (20,000 rows at most). */
export const MAX_LINKAGE_FILE_BYTES = 5 * 1024 * 1024;

export interface LinkageImportInput {
  source: LinkageSource;
  filename: string;
  /** Bytes of the upload (its chunks are in `job_files`). */
  bytes: number;
}
type LinkageImportResult = Awaited<ReturnType<typeof commitLinkageImport>>;

/**
 * A 12345 / 好差评 file committed as a durable job: the upload was stored in `job_files` when the job
 * was queued, so any process can run it and a retry reads it again; the commit is
 * `commitLinkageImport` (one transaction: all rows or none; the same file again changes nothing).
 */
export const linkageImportJob = defineJob<LinkageImportInput, LinkageImportResult>(
  'linkage.import',
  async (ctx) => {
    ctx.progress(0, 'reading');
    const parts: Buffer[] = [];
    for await (const chunk of storedUpload(ctx.db, ctx.id) as AsyncIterable<Buffer>) parts.push(chunk);
    ctx.progress(30, 'importing');
    const { source, filename } = ctx.input;
    return commitLinkageImport(ctx.db, ctx.actor, source, { buffer: Buffer.concat(parts), filename }, () =>
      ctx.progress(90, 'importing'),
    );
  },
);

/**
 * Checks that the actor may import (the office: 403 before the upload is read), stores the upload and
 * queues the commit; answers the job id. The file's problems (400 naming rows) are the job's answer.
 */
export async function queueLinkageImport(
  db: Db,
  queue: JobQueue,
  actor: Actor | null,
  source: LinkageSource,
  file: UploadStream,
  filename: string,
) {
  return queueUploadJob<LinkageImportInput>(db, queue, actor, {
    kind: linkageImportJob.kind,
    input: { source, filename, bytes: 0 },
    file,
    filename,
    maxBytes: MAX_LINKAGE_FILE_BYTES,
    authorize: () => requireOffice(actor, 'Importing service data'),
  });
}
