/**
 * Raters' calibration exercise 评分校准 of a cycle: reference cases with the panel's scores (defined by the
 * office, or derived from a panel of a published cycle) and each trainee's answers. Guidance only: nothing
 * here feeds a score, so it is not in AUDIT_COVERAGE, but every change and every answer is audited.
 */
import {
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
import type { CalibrationCase, RubricBand } from '@perfcommons/contracts';
import { id } from './columns';
import { cycles, plans, users } from './schema';

/** One reference case: a described performance of a qualitative indicator, its rubric and the panel's scores. */
export const calibrationCases = pgTable(
  'calibration_cases',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    titleEn: text('title_en'),
    /** The indicator the case is scored on (its name as raters see it). */
    indicatorName: text('indicator_name').notNull(),
    indicatorNameEn: text('indicator_name_en'),
    /** What the appraisee did: the facts the trainee scores. */
    description: text('description').notNull(),
    descriptionEn: text('description_en'),
    rubric: jsonb('rubric').$type<RubricBand[]>().notNull(),
    /** The panel's individual scores (0–100), anonymous; their mean is the consensus. */
    panelScores: jsonb('panel_scores').$type<number[]>().notNull(),
    /** `office` (written by the office) or `panel` (derived from a published panel). */
    source: text('source').$type<CalibrationCase['source']>().notNull(),
    /** A derived case: the plan, indicator and subject of the panel it was taken from. */
    sourcePlanId: uuid('source_plan_id').references(() => plans.id, { onDelete: 'set null' }),
    sourceIndicatorCode: text('source_indicator_code'),
    sourceSubjectType: text('source_subject_type'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('calibration_cases_cycle').on(t.cycleId, t.position)],
);

/** A trainee's score of one reference case; one per trainee and case, never changed. */
export const calibrationAnswers = pgTable(
  'calibration_answers',
  {
    id: id(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => calibrationCases.id, { onDelete: 'cascade' }),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    raterId: uuid('rater_id')
      .notNull()
      .references(() => users.id),
    score: doublePrecision('score').notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('calibration_answers_unique').on(t.caseId, t.raterId),
    index('calibration_answers_cycle').on(t.cycleId, t.raterId),
  ],
);
