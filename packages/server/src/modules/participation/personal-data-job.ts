import type { JobInput, JobResult } from '@perfcommons/contracts';
import { requireActor, type Actor } from '../../lib/actor';
import { deleteExpiredOutputs, outputWriter } from '../jobs/files';
import { defineJob } from '../jobs/define';
import type { JobQueue } from '../jobs/queue';
import { writePersonalData } from './personal-data';

export type PersonalDataInput = JobInput<'participation.personal-data'>;
export type PersonalDataResult = JobResult<'participation.personal-data'>;

/** The name the download is saved under. */
export const PERSONAL_DATA_FILENAME = 'perfcommons-my-data.json';

/**
 * The PIPL download of one's own data as a durable job (an account with many ratings, comments and
 * posts makes a large file; it no longer holds the request). The JSON file is written as it is read
 * (personal-data.ts `writePersonalData`: a page of rows and a 1 MB chunk in memory at most) into
 * `job_outputs`, each chunk encrypted with the personal-data key (jobs/files.ts `outputWriter`), in
 * the same transaction as its `user.data_download` audit entry (audited and downloadable, or
 * neither). Decrypted only into the download of the job's creator at `GET /api/jobs/:id/file`, for 24
 * hours (jobs/files.ts `OUTPUT_KEEP_HOURS`); files of older jobs are deleted here.
 */
export const personalDataJob = defineJob<PersonalDataInput, PersonalDataResult>(
  'participation.personal-data',
  async (ctx) => {
    await deleteExpiredOutputs(ctx.db);
    ctx.progress(5, 'reading');
    return ctx.db.transaction(async (tx) => {
      const out = await outputWriter(tx, ctx.id, { encrypt: true });
      await writePersonalData(tx, ctx.actor, ctx.input.ip, (text) => out.write(text));
      ctx.progress(90, 'storing');
      const stored = await out.end();
      return {
        file: {
          filename: PERSONAL_DATA_FILENAME,
          type: 'application/json; charset=utf-8',
          ...stored,
          encrypted: true,
        },
      };
    });
  },
);

/**
 * Queues the signed-in account's download (401 at once without a session, nothing queued); answers
 * the job id.
 */
export async function queuePersonalData(queue: JobQueue, actor: Actor | null, ip: string | null) {
  requireActor(actor);
  const job = await queue.enqueue(personalDataJob.kind, actor, { ip } satisfies PersonalDataInput);
  return job.id;
}
