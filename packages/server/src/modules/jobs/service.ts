import { and, desc, eq, inArray } from 'drizzle-orm';
import { JOB_KINDS, type JobInput, type JobKind, type JobResult } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import { jobOutputs, jobs } from '../../db/schema';
import { isOffice, requireActor, type Actor } from '../../lib/actor';
import { AppError, conflict, notFound } from '../../lib/errors';
import { OUTPUT_KEEP_HOURS, outputsExpireBefore, storedOutput } from './files';
import { TERMINAL, type JobQueue, type JobRow } from './queue';

/** A row of one of the contract's kinds: its input and result are that kind's. */
type KnownJobRow = {
  [K in JobKind]: Omit<JobRow, 'kind' | 'input' | 'result'> & {
    kind: K;
    input: JobInput<K>;
    result: JobResult<K> | null;
  };
}[JobKind];

const isJobKind = (kind: string): kind is JobKind => JOB_KINDS.some((k) => k === kind);

/**
 * The row typed by its kind; null for a kind the contract does not know (a test's own). The queue
 * stores each kind's input as enqueued for it and its handler's result (JobDefinition<I, R> of the
 * kind), which is what the columns' union types cannot say per row.
 */
function knownJob(row: JobRow): KnownJobRow | null {
  return isJobKind(row.kind) ? (row as KnownJobRow) : null;
}

/** A job as the API shows it: every column of `jobs` is a field of the contract's Job. */
export type JobView = KnownJobRow;

/**
 * Kinds that are a person's own business (a PIPL download of their data, with the address they asked
 * from): only the creator sees them, the office neither lists nor reads them.
 */
export const PRIVATE_KINDS: readonly JobKind[] = ['participation.personal-data'];
const isPrivateKind = (kind: string) => PRIVATE_KINDS.some((k) => k === kind);

/** Whether `a` may see the job: its creator, or the office for a kind that is not private. */
const maySee = (a: Actor, row: Pick<JobRow, 'createdBy' | 'kind'>) =>
  row.createdBy === a.id || (isOffice(a) && !isPrivateKind(row.kind));

/** A job, for its creator or the office (anyone else: not found, as if it did not exist). */
export async function getJob(db: Db, queue: JobQueue, actor: Actor | null, id: string): Promise<JobView> {
  const a = requireActor(actor);
  let [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!row || !maySee(a, row)) throw notFound('Job');
  if (!TERMINAL.includes(row.state)) {
    // pg-boss may have given it up (expired on its last attempt) without running it again.
    await queue.reconcile(row.id, row.kind);
    [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  }
  const job = knownJob(row);
  if (!job) throw notFound('Job');
  return job;
}

/** The user's recent jobs, newest first (the office: everyone's but private kinds with `all`). */
export async function listJobs(
  db: Db,
  actor: Actor | null,
  opts: { kind?: string; limit: number; all?: boolean },
) {
  const a = requireActor(actor);
  const conditions = [];
  if (!(opts.all && isOffice(a))) conditions.push(eq(jobs.createdBy, a.id));
  if (opts.kind) conditions.push(eq(jobs.kind, opts.kind));
  const rows = await db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.createdAt))
    .limit(opts.limit);
  return {
    items: rows
      .filter((r) => maySee(a, r))
      .map(knownJob)
      .filter((j) => j !== null),
  };
}

/** Jobs of a kind still waiting or running for an input key (e.g. a cycle's compute). */
export async function runningJobs(db: Db, kind: string) {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, kind), inArray(jobs.state, ['queued', 'active', 'retry'])));
}

/**
 * The file a completed job made (an export), for its creator only: anyone else, the office included,
 * is answered 404 as if the job did not exist (the file holds what the creator was allowed to read).
 * 409 while the job is not completed, 410 once the file was deleted (kept {@link OUTPUT_KEEP_HOURS}).
 */
export async function jobOutput(db: Db, actor: Actor | null, id: string) {
  const a = requireActor(actor);
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!row || row.createdBy !== a.id) throw notFound('Job');
  const file = row.result && 'file' in row.result ? row.result.file : undefined;
  if (row.state !== 'completed' || !file)
    throw conflict('The job has made no file', [{ path: 'state', message: row.state }], 'job_not_done');
  const kept = row.finishedAt && row.finishedAt > outputsExpireBefore();
  const [chunk] = kept
    ? await db.select({ seq: jobOutputs.seq }).from(jobOutputs).where(eq(jobOutputs.jobId, id)).limit(1)
    : [];
  if (!chunk)
    throw new AppError(410, 'expired', `Files of jobs are kept ${OUTPUT_KEEP_HOURS} hours: run it again`);
  return { file, stream: storedOutput(db, id, { decrypt: file.encrypted === true }) };
}
