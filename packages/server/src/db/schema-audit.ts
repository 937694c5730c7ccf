/**
 * Seals of the audit log: each seal covers a batch of entries (the seq ranges it lists) with the
 * Merkle root of their `seq:hash` leaves, and carries the previous seal's hash, so that a deleted,
 * added or renumbered sealed entry, or a removed seal, breaks a root or the seals' chain.
 */
import { integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const auditSeals = pgTable('audit_seals', {
  id: serial('id').primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  /** Sealed entries as ascending inclusive seq ranges, e.g. `[[1, 5200], [5202, 5310]]`. */
  ranges: jsonb('ranges').$type<[number, number][]>().notNull(),
  count: integer('count').notNull(),
  /** Merkle root (SHA-256) over the sealed entries' `seq:hash`, in seq order. */
  root: text('root').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});
