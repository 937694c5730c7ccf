/**
 * Tables of data linkage 数据联动: imported 12345 hotline work orders and 好差评 reviews (deduplicated
 * by their id), the import batches, the mapping of a cycle's indicators to computed rates, the feeds
 * that entered rates as reported values, and findings of audit, discipline inspection and finance
 * that deduct points from an appraisee's plan.
 */
import {
  boolean,
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
import type { Finding, LinkageFeedItem } from '@perfcommons/contracts';
import type {
  FindingKind,
  LinkageMetric,
  LinkageSource,
  Resolution,
  SatisfactionLevel,
} from '@perfcommons/domain';
import { createdAt, id } from './columns';
import { bytea } from './schema-monitoring';
import { cycles, orgUnits, plans, users } from './schema';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** One committed import file (a month's export of the hotline centre or of the 好差评 system). */
export const linkageBatches = pgTable('linkage_batches', {
  id: id(),
  /** hotline | review */
  source: text('source').$type<LinkageSource>().notNull(),
  filename: text('filename').notNull(),
  sha256: text('sha256').notNull(),
  /** Data rows in the file. */
  rows: integer('rows').notNull(),
  created: integer('created').notNull(),
  updated: integer('updated').notNull(),
  unchanged: integer('unchanged').notNull(),
  importedBy: uuid('imported_by').references(() => users.id),
  importedAt: createdAt(),
});

/**
 * The latest state of one work order or review: the same id in a later export replaces the fields
 * (version + 1, batch = the batch that changed it); an identical row changes nothing.
 */
export const linkageRecords = pgTable(
  'linkage_records',
  {
    id: id(),
    source: text('source').$type<LinkageSource>().notNull(),
    /** 工单编号 / 评价编号. */
    externalId: text('external_id').notNull(),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    requestType: text('request_type'),
    category: text('category'),
    channel: text('channel'),
    receivedAt: at('received_at').notNull(),
    acceptedAt: at('accepted_at'),
    /** Local calendar date of the deadline. */
    deadline: date('deadline', { mode: 'string' }),
    closedAt: at('closed_at'),
    onTime: boolean('on_time'),
    /** resolved | partial | unresolved */
    resolution: text('resolution').$type<Resolution>(),
    /** very_satisfied | satisfied | basic | dissatisfied | very_dissatisfied */
    satisfaction: text('satisfaction').$type<SatisfactionLevel>(),
    upheld: boolean('upheld'),
    rectified: boolean('rectified'),
    /** The batch that first brought the record, and the one that last changed it. */
    firstBatchId: uuid('first_batch_id')
      .notNull()
      .references(() => linkageBatches.id),
    batchId: uuid('batch_id')
      .notNull()
      .references(() => linkageBatches.id),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('linkage_records_source_id').on(t.source, t.externalId),
    index('linkage_records_unit').on(t.orgUnitId, t.receivedAt),
  ],
);

/** A cycle's indicator (by code, in every plan of the cycle) measured by a computed rate. */
export const linkageMappings = pgTable(
  'linkage_mappings',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    indicatorCode: text('indicator_code').notNull(),
    /** A metric of the domain's LINKAGE_METRICS. */
    metric: text('metric').$type<LinkageMetric>().notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('linkage_mappings_cycle_code').on(t.cycleId, t.indicatorCode)],
);

/** One feed of rates into a cycle: what was entered where, from which records and batches. */
export const linkageFeeds = pgTable(
  'linkage_feeds',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    period: text('period').notNull(),
    /** Per value: plan, indicator, metric, numerator, denominator, rate, value id, batch ids. */
    items: jsonb('items').$type<LinkageFeedItem[]>().notNull(),
    /** Plan leaves mapped but not entered, each with its reason (no records, zero denominator, …). */
    skipped: jsonb('skipped').$type<LinkageFeedItem[]>().notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('linkage_feeds_cycle').on(t.cycleId)],
);

/**
 * A finding 问题 of audit (审计), discipline inspection (纪检/巡察) or finance (财政) against an appraisee
 * in a cycle, with its source document; while active it deducts `points` through a deduction item of
 * the appraisee's plan. Never deleted: withdrawn with a reason.
 */
export const linkageFindings = pgTable(
  'linkage_findings',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    /** The deduction item (kind 'deduction') of the plan the points go to. */
    indicatorCode: text('indicator_code').notNull(),
    /** audit | discipline | finance */
    kind: text('kind').$type<FindingKind>().notNull(),
    docTitle: text('doc_title').notNull(),
    docNumber: text('doc_number').notNull(),
    docDate: date('doc_date', { mode: 'string' }).notNull(),
    description: text('description').notNull(),
    points: doublePrecision('points').notNull(),
    status: text('status').$type<Finding['status']>().notNull().default('active'),
    withdrawnReason: text('withdrawn_reason'),
    withdrawnBy: uuid('withdrawn_by').references(() => users.id),
    withdrawnAt: at('withdrawn_at'),
    fileName: text('file_name'),
    fileMime: text('file_mime'),
    fileSize: integer('file_size'),
    fileSha256: text('file_sha256'),
    fileContent: bytea('file_content'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('linkage_findings_plan').on(t.planId), index('linkage_findings_cycle').on(t.cycleId)],
);

/**
 * The city's cut-offs of the rates (口径): response limit, weight of 部分解决 and of 基本满意, consultations
 * left out of the on-time closure rate. One row (`id` 1); without it the defaults of docs/linkage.md hold.
 * Rates read them when computed; a feed records the cut-offs it used.
 */
export const linkageSettings = pgTable('linkage_settings', {
  id: integer('id').primaryKey(),
  responseLimitMinutes: integer('response_limit_minutes').notNull(),
  partialResolution: doublePrecision('partial_resolution').notNull(),
  basicSatisfaction: doublePrecision('basic_satisfaction').notNull(),
  excludeConsultations: boolean('exclude_consultations').notNull(),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
