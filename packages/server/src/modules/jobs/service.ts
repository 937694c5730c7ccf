import type { z } from 'zod';
import type { JobError } from '@perfcommons/contracts';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { jobs } from '../../db/schema';
import { isOffice, requireActor, type Actor } from '../../lib/actor';
import { notFound } from '../../lib/errors';
import { TERMINAL, type JobQueue, type JobRow } from './queue';

const present = (j: JobRow) => ({
  id: j.id,
  kind: j.kind,
  state: j.state,
  progress: j.progress,
  message: j.message,
  attempts: j.attempts,
  maxAttempts: j.maxAttempts,
  lastError: j.lastError as z.infer<typeof JobError> | null,
  input: j.input,
  result: j.result,
  createdBy: j.createdBy,
  createdAt: j.createdAt,
  startedAt: j.startedAt,
  finishedAt: j.finishedAt,
  updatedAt: j.updatedAt,
});
export type JobView = ReturnType<typeof present>;

/** A job, for its creator or the office (anyone else: not found, as if it did not exist). */
export async function getJob(db: Db, queue: JobQueue, actor: Actor | null, id: string): Promise<JobView> {
  const a = requireActor(actor);
  let [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!row || (row.createdBy !== a.id && !isOffice(a))) throw notFound('Job');
  if (!TERMINAL.includes(row.state)) {
    // pg-boss may have given it up (expired on its last attempt) without running it again.
    await queue.reconcile(row.id, row.kind);
    [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  }
  return present(row);
}

/** The user's recent jobs, newest first (the office: everyone's with `all`). */
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
  return { items: rows.map(present) };
}

/** Jobs of a kind still waiting or running for an input key (e.g. a cycle's compute). */
export async function runningJobs(db: Db, kind: string) {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, kind), inArray(jobs.state, ['queued', 'active', 'retry'])));
}
