/**
 * Durable jobs (long work run outside the HTTP request by pg-boss) and notifications that leave the
 * platform (e-mail, SMS) through a transactional outbox, with each user's choice of channels.
 */
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { JobError, JobInput, JobResult } from '@perfcommons/contracts';
import { createdAt, id } from './columns';
import { users } from './schema';
import { bytea } from './schema-monitoring';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * What the API shows of a job: pg-boss delivers and retries it (its own `pgboss` schema), this row
 * carries state, progress, attempts, error and result for its creator.
 */
export const jobs = pgTable(
  'jobs',
  {
    /** The pg-boss job id. */
    id: uuid('id').primaryKey(),
    /**
     * A JobKind of the contract (results.compute, opendata.bundle, …; tests add their own), whose
     * input and result the row holds.
     */
    kind: text('kind').notNull(),
    /** queued | active | retry | completed | failed. */
    state: text('state').notNull().default('queued'),
    /** 0–100, with what the job is doing now. */
    progress: integer('progress').notNull().default(0),
    message: text('message'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /** `{error, message, status, details}` of the latest failed attempt. */
    lastError: jsonb('last_error').$type<JobError>(),
    input: jsonb('input').$type<JobInput>().notNull(),
    result: jsonb('result').$type<JobResult>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('jobs_created_by').on(t.createdBy, t.createdAt), index('jobs_state').on(t.state)],
);

/**
 * Files a job works on (an uploaded import), in chunks of at most 1 MB, kept in the database so
 * that any server process can run the job and a retry finds them; deleted when the job ends.
 */
export const jobFiles = pgTable(
  'job_files',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

/**
 * A file a job made for its creator (an export), in 1 MB chunks: kept after the job ends (unlike
 * `job_files`, its input) and downloaded from `GET /api/jobs/:id/file`; its name, type, size and
 * SHA-256 are in the job's result. Deleted with the job, or when it expires (`OUTPUT_KEEP_HOURS`).
 */
export const jobOutputs = pgTable(
  'job_outputs',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

/** A user's channels; no row means the defaults (in-platform only: e-mail and SMS need consent). */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  inApp: boolean('in_app').notNull().default(true),
  email: boolean('email').notNull().default(false),
  sms: boolean('sms').notNull().default(false),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/**
 * A message to send outside the platform, written in the transaction of its cause and sent by the
 * notifications job. The address is read (and decrypted) at send time, never copied here.
 */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: id(),
    /** Unique per message and channel; the e-mail's Message-ID and the SMS request's key. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The external channel (in-platform messages are not sent through the outbox). */
    channel: text('channel').$type<'email' | 'sms'>().notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    titleEn: text('title_en'),
    body: text('body'),
    bodyEn: text('body_en'),
    /** pending | sent | failed (no attempts left, or no address). */
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: at('next_attempt_at').notNull().defaultNow(),
    /** Set in the transaction that claimed the row and sent it. */
    sentAt: at('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [index('notification_outbox_due').on(t.state, t.nextAttemptAt)],
);
