/** Operations of several server processes on one database. */
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A lease on periodic work that one process in the cluster does per period (the monitoring sweep):
 * a process runs it only after claiming the row whose lease has expired (`src/lib/lease.ts`).
 */
export const opsLeases = pgTable('ops_leases', {
  /** The work, e.g. `monitoring-sweep`. */
  name: text('name').primaryKey(),
  /** The process holding it: `host:pid:random`. */
  holder: text('holder').notNull(),
  /** When it was claimed (database clock). */
  claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull(),
  /** Until when no other process claims it (database clock). */
  until: timestamp('until', { withTimezone: true }).notNull(),
});
