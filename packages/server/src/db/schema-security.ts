/** Security and personal-data tables: login guards, privacy consents, per-cycle disclosure policy. */
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns';
import { cycles, users } from './schema';

/**
 * Failed-login counters shared by every server process: `user:<normalised name>` (account lockout, also for
 * names that do not exist, so a lockout reveals nothing) and `ip:<address>` (per-address throttle).
 */
export const loginGuards = pgTable('login_guards', {
  key: text('key').primaryKey(),
  /** Failures in the current window. */
  failures: integer('failures').notNull().default(0),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull().defaultNow(),
  /** Refused until then without checking the password. */
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/** Consent of a participant to one version of the privacy notice (PIPL art. 14), kept as a record. */
export const privacyConsents = pgTable(
  'privacy_consents',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    noticeVersion: text('notice_version').notNull(),
    consentedAt: createdAt(),
  },
  (t) => [index('privacy_consents_user').on(t.userId)],
);

/**
 * What the public sees of a cycle's results (portal, public API, public accounts). No row: the default
 * (unit results and cadre grades, no personnel consequences).
 */
export const cycleDisclosures = pgTable('cycle_disclosures', {
  cycleId: uuid('cycle_id')
    .primaryKey()
    .references(() => cycles.id, { onDelete: 'cascade' }),
  unitResults: boolean('unit_results').notNull().default(true),
  cadreGrades: boolean('cadre_grades').notNull().default(true),
  cadreConsequences: boolean('cadre_consequences').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by').references(() => users.id),
});

/**
 * One-time recovery codes of an account's second factor, shown once when TOTP is enabled (or the set is
 * regenerated, which deletes the previous set). Only a keyed digest of each code is kept
 * (`lib/crypto.ts` `keyedDigest`, bound to the account). Their own table, not a `users` column: a code
 * being used must not change the account row that the audit chain hashes.
 */
export const totpRecoveryCodes = pgTable(
  'totp_recovery_codes',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: createdAt(),
    /** Set when the code was used to log in; a used code never works again. */
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('totp_recovery_codes_hash').on(t.userId, t.codeHash)],
);
