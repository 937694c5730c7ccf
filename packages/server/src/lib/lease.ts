import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';

/** This process, as named in the leases it holds. */
export const PROCESS_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Claims the lease `name` for `ms` milliseconds when nobody holds it (no row, or its lease ran out),
 * in one statement on the database's clock, so of several processes asking at once exactly one
 * gets it. Returns whether this call got it.
 */
export async function claimLease(db: Db, name: string, ms: number, holder = PROCESS_ID): Promise<boolean> {
  const rows = await rowsOf<{ holder: string }>(
    db,
    sql`insert into ops_leases (name, holder, claimed_at, until)
        values (${name}, ${holder}, now(), now() + ${ms} * interval '1 millisecond')
        on conflict (name) do update set holder = excluded.holder, claimed_at = excluded.claimed_at,
          until = excluded.until
        where ops_leases.until <= now()
        returning holder`,
  );
  return rows.length === 1;
}

/**
 * Runs `fn` when this process claims the lease of the period (`periodMs`): periodic work that every
 * process schedules but one does per period. The lease lasts 90% of the period, so the next period
 * is claimable even when timers drift. (A run longer than that may meet the next period's run of
 * another process: the monitoring sweep, the user here, is idempotent through unique constraints.)
 */
export async function onceAcrossProcesses<T>(
  db: Db,
  name: string,
  periodMs: number,
  fn: () => Promise<T>,
  holder = PROCESS_ID,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (!(await claimLease(db, name, Math.max(1, Math.floor(periodMs * 0.9)), holder))) return { ran: false };
  return { ran: true, value: await fn() };
}
