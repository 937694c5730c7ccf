/** The indicator library 指标库: standard indicators, one row per version. */
import { sql } from 'drizzle-orm';
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { IndicatorEntry, RubricBand, ScoringRuleSchema } from '@perfcommons/contracts';
import type { z } from 'zod';
import { createdAt, id } from './columns';
import { orgUnits, users } from './schema';

/**
 * One version of a standard indicator. Editing inserts the next version and marks the previous one
 * `superseded`; versions are never changed or deleted, so a plan node's (code, version) always resolves.
 * Retiring marks the current version `retired` (no longer offered for picking).
 */
export const indicatorLibrary = pgTable(
  'indicator_library',
  {
    id: id(),
    code: text('code').notNull(),
    version: integer('version').notNull(),
    status: text('status').$type<IndicatorEntry['status']>().notNull().default('active'),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    category: text('category').$type<IndicatorEntry['category']>().notNull(),
    measure: text('measure').$type<IndicatorEntry['measure']>().notNull(),
    definition: text('definition').notNull(),
    definitionEn: text('definition_en'),
    unit: text('unit'),
    formula: text('formula'),
    dataSource: text('data_source'),
    ownerOrgUnitId: uuid('owner_org_unit_id').references(() => orgUnits.id),
    polarity: text('polarity').$type<IndicatorEntry['polarity']>().notNull(),
    frequency: text('frequency').$type<IndicatorEntry['frequency']>().notNull(),
    weightMin: doublePrecision('weight_min').notNull(),
    weightMax: doublePrecision('weight_max').notNull(),
    ruleTemplate: jsonb('rule_template').$type<z.infer<typeof ScoringRuleSchema>>(),
    /** The mission or public need the indicator serves. */
    mission: text('mission').notNull(),
    rubric: jsonb('rubric').$type<RubricBand[]>(),
    changeNote: text('change_note'),
    retiredReason: text('retired_reason'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('indicator_library_code_version').on(t.code, t.version),
    // At most one non-superseded version per code: the current one.
    uniqueIndex('indicator_library_current')
      .on(t.code)
      .where(sql`status <> 'superseded'`),
    index('indicator_library_category').on(t.category),
  ],
);
