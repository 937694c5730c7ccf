/** Tables of evaluation and results: versioned cycle rules, appeals, consequences applied to results. */
import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, index } from 'drizzle-orm/pg-core';
import type { ConsequenceKind, ConsequenceRule, CycleRules, ScoreSnapshot } from '@perfcommons/contracts';
import type { GradeScheme } from '@perfcommons/domain';
import { cycles, orgUnits, people, plans, results, users } from './schema';

/**
 * One version of a cycle's rules 考核办法 (scoring options, grade scheme, consequence rules);
 * the version in force when evaluation starts is frozen and published as the cycle's regulations.
 */
export const cycleRuleVersions = pgTable(
  'cycle_rule_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    version: integer('version').notNull(),
    rules: jsonb('rules').$type<CycleRules>().notNull(),
    gradeScheme: jsonb('grade_scheme').$type<GradeScheme>(),
    note: text('note'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    frozenAt: timestamp('frozen_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('cycle_rule_versions_unique').on(t.cycleId, t.version)],
);

/** An appeal 申诉 of one score of a result, decided by a reviewer. */
export const appeals = pgTable(
  'appeals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    resultId: uuid('result_id')
      .notNull()
      .references(() => results.id, { onDelete: 'cascade' }),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    indicatorCode: text('indicator_code').notNull(),
    reason: text('reason').notNull(),
    /** Links or descriptions of evidence offered by the appellant. */
    evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
    status: text('status').notNull().default('pending'), // pending | accepted | rejected
    appellantId: uuid('appellant_id')
      .notNull()
      .references(() => users.id),
    reviewerId: uuid('reviewer_id').references(() => users.id),
    decisionReason: text('decision_reason'),
    /** The correction applied when accepted, e.g. `{ value: 97.5, period: '2025' }`. */
    correction: jsonb('correction').$type<{ value: number; period?: string }>(),
    totalBefore: jsonb('total_before').$type<ScoreSnapshot>(),
    totalAfter: jsonb('total_after').$type<ScoreSnapshot>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    index('appeals_plan').on(t.planId),
    // One open appeal per result and indicator, also under concurrent filing.
    uniqueIndex('appeals_one_pending')
      .on(t.resultId, t.indicatorCode)
      .where(sql`status = 'pending'`),
  ],
);

/** A consequence 结果运用 applied to a result by the cycle's consequence rules. */
export const consequences = pgTable(
  'consequences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    resultId: uuid('result_id')
      .notNull()
      .references(() => results.id, { onDelete: 'cascade' }),
    personId: uuid('person_id').references(() => people.id),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    /** commendation | bonus_coefficient | admonishment | accountability_review | promotion_eligible | improvement_plan */
    kind: text('kind').$type<ConsequenceKind>().notNull(),
    /** The rule's value, e.g. the bonus coefficient (null when the rule has none). */
    value: jsonb('value').$type<NonNullable<ConsequenceRule['value']>>(),
    /** Which rule applied and why. */
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('consequences_unique').on(t.resultId, t.kind),
    index('consequences_person').on(t.personId),
  ],
);
