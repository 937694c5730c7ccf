/**
 * Tables of process monitoring 过程监控: evidence files, reporting periods and reminders, early
 * warnings and correction tasks, in-platform notifications, and target responsibility agreements
 * (sign-offs and mid-cycle revisions of approved plans).
 */
import {
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { IndicatorNodeInput, RevisionChange } from '@perfcommons/contracts';
import { id } from './columns';
import { actualValues, cycles, plans, users } from './schema';

/** PostgreSQL bytea; PGlite hands back a Uint8Array and pg a Buffer, so both become a Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
  toDriver: (v) => v,
});

const at = (name: string) => timestamp(name, { withTimezone: true });

/** An evidence file 佐证材料 attached to a reported value, stored by the platform in the database. */
export const evidenceFiles = pgTable(
  'evidence_files',
  {
    id: id(),
    valueId: uuid('value_id')
      .notNull()
      .references(() => actualValues.id, { onDelete: 'cascade' }),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    /** Sniffed from the file's first bytes, never taken from the client. */
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    uploadedAt: at('uploaded_at').notNull().defaultNow(),
  },
  (t) => [index('evidence_files_value').on(t.valueId)],
);

/** Reporting periods 填报期 of a cycle (quarters or months) with the deadline for reporting each. */
export const reportingPeriods = pgTable(
  'reporting_periods',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    /** Period label as used by reported values: `2025-Q3` or `2025-09`. */
    period: text('period').notNull(),
    /** 1-based position in the cycle; the trajectory expects index/count of the planned change. */
    position: integer('position').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    /** Last day to report the period's values. */
    deadline: date('deadline').notNull(),
    /** Days after the deadline before a missing report is escalated to the office. */
    graceDays: integer('grace_days').notNull().default(7),
  },
  (t) => [uniqueIndex('reporting_periods_unique').on(t.cycleId, t.period)],
);

/** A reminder or escalation sent for a plan's missing reports of one period: at most one of each kind. */
export const reportingReminders = pgTable(
  'reporting_reminders',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    /** reminder (to the unit) or escalation (to the office). */
    kind: text('kind').notNull(),
    /** Leaf codes still missing when it was sent. */
    missing: jsonb('missing').$type<string[]>().notNull(),
    sentAt: at('sent_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('reporting_reminders_unique').on(t.planId, t.period, t.kind)],
);

/** A message to one user inside the platform. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** reporting_reminder, reporting_escalation, early_warning, correction_task, plan_revision. */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    titleEn: text('title_en'),
    body: text('body'),
    bodyEn: text('body_en'),
    /** What it is about, for a link in the console. */
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    planId: uuid('plan_id').references(() => plans.id, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull().defaultNow(),
    readAt: at('read_at'),
  },
  (t) => [index('notifications_user').on(t.userId, t.readAt)],
);

/** An early warning 预警: a leaf indicator behind its trajectory (yellow or red) at a period. */
export const earlyWarnings = pgTable(
  'early_warnings',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    indicatorCode: text('indicator_code').notNull(),
    period: text('period').notNull(),
    status: text('status').notNull(), // yellow | red
    expected: doublePrecision('expected').notNull(),
    actual: doublePrecision('actual').notNull(),
    shortfallShare: doublePrecision('shortfall_share').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('early_warnings_unique').on(t.planId, t.indicatorCode, t.period)],
);

/** A correction task 整改任务 raised from a warning (at most one per warning) and followed until closed. */
export const correctionTasks = pgTable(
  'correction_tasks',
  {
    id: id(),
    warningId: uuid('warning_id').references(() => earlyWarnings.id, { onDelete: 'set null' }),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    indicatorCode: text('indicator_code'),
    title: text('title').notNull(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    deadline: date('deadline').notNull(),
    /** open → in_progress → closed. */
    status: text('status').notNull().default('open'),
    resolution: text('resolution'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    closedAt: at('closed_at'),
  },
  (t) => [
    index('correction_tasks_plan').on(t.planId),
    uniqueIndex('correction_tasks_warning').on(t.warningId),
  ],
);

/** Sign-off of a target responsibility agreement 目标责任书: one per plan and side. */
export const planSignoffs = pgTable(
  'plan_signoffs',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    /** appraisee (unit manager or the cadre) or office. */
    side: text('side').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Plan version signed. */
    planVersion: integer('plan_version').notNull(),
    signedAt: at('signed_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('plan_signoffs_unique').on(t.planId, t.side)],
);

/** A mid-cycle revision 计划调整 of targets or weights of an approved plan, approved by the office. */
export const planRevisions = pgTable(
  'plan_revisions',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    /** pending | approved | rejected. */
    status: text('status').notNull().default('pending'),
    justification: text('justification').notNull(),
    /** [{code, field: 'target'|'weight', from, to}] */
    changes: jsonb('changes').$type<RevisionChange[]>().notNull(),
    requestedBy: uuid('requested_by').references(() => users.id),
    requestedAt: at('requested_at').notNull().defaultNow(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: at('decided_at'),
    decisionReason: text('decision_reason'),
    /** The tree as it was before the revision was applied (kept for the record). */
    previousTree: jsonb('previous_tree').$type<IndicatorNodeInput[]>(),
    previousVersion: integer('previous_version'),
    newVersion: integer('new_version'),
  },
  (t) => [index('plan_revisions_plan').on(t.planId)],
);
