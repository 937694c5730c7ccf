import { createHash } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';
import { jobs } from '../../db/schema';
import { txBossDb } from './boss-db';
import type { JobDefinition, JobLog } from './job-definition';
import type { JobRow } from './job-state';

/** What queueing a periodic run needs of the queue. */
export interface PeriodicQueue {
  db: Db;
  boss: PgBoss;
  log?: JobLog;
  /** Wakes the kind's worker up (a job was sent). */
  notify(kind: string): void;
}

/**
 * Queues the platform's run of `def` for the current period of `periodSeconds` (periods counted
 * on the database's clock from the epoch) unless it is queued already: every process may ask, one
 * queues it. The job's id is derived from the kind and the period, so both the `jobs` row and
 * pg-boss's job are keyed by the period (a second insert of either is a no-op). Answers the row
 * when this call queued it, null when the period's run exists (queued, run or failed).
 */
export async function enqueuePeriodicRun(
  q: PeriodicQueue,
  def: JobDefinition,
  periodSeconds: number,
  input: object,
): Promise<JobRow | null> {
  const kind = def.kind;
  const [{ period }] = await rowsOf<{ period: string }>(
    q.db,
    sql`select floor(extract(epoch from now()) / ${periodSeconds})::bigint::text as period`,
  );
  const id = periodicJobId(kind, periodSeconds, period);
  // The row and pg-boss's job in one transaction: a process that dies between the two leaves
  // neither, so the next tick (of any process) queues the period's run again.
  const row = await q.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(jobs)
      .values({
        id,
        kind,
        input: { ...input, period: Number(period), periodSeconds },
        createdBy: null,
        maxAttempts: (def.retryLimit ?? 2) + 1,
      })
      .onConflictDoNothing()
      .returning();
    if (row) await q.boss.send(kind, { ...(row.input as object), actorId: null }, { id, db: txBossDb(tx) });
    return row ?? null;
  });
  if (!row) return requeueLost(q, kind, id);
  q.notify(kind);
  return row;
}

/**
 * The period's row exists: still queued with no pg-boss job at all (written by a process that died
 * between the two, before they were written together), its job is sent again, once (pg-boss keys
 * it by the id). Answers the row when this call sent it, null otherwise.
 */
async function requeueLost(q: PeriodicQueue, kind: string, id: string): Promise<JobRow | null> {
  const [row] = await q.db.select().from(jobs).where(eq(jobs.id, id));
  if (!row || row.state !== 'queued') return null;
  if (await q.boss.getJobById(kind, id, { includeArchive: true })) return null;
  const sent = await q.boss.send(kind, { ...(row.input as object), actorId: null }, { id });
  if (!sent) return null;
  q.log?.warn(`jobs: ${kind} ${id} had no queued job; sent again`);
  q.notify(kind);
  return row;
}

/** The id of a periodic job's run in one period: a UUID (version 8) from a hash of kind and period. */
export function periodicJobId(kind: string, periodSeconds: number, period: string | number): string {
  const h = createHash('sha256').update(`${kind}\n${periodSeconds}\n${period}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
