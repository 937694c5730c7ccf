/**
 * Publication of a cycle's results 结果公开 as a versioned, frozen snapshot: every publication and
 * withdrawal of a cycle, and every published revision of each result (revision 1 at publication,
 * later ones after an accepted appeal or an office correction).
 */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cycles, plans, results, users } from './schema';
import { appeals } from './schema-evaluation';
import type {
  PublicationOverrideRecord,
  PublishedFigures,
  ResultRevision,
  RevisionChanges,
} from '@perfcommons/contracts';

/** One publication or withdrawal of a cycle's results; the latest row is the cycle's publication state. */
export const cyclePublications = pgTable(
  'cycle_publications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    kind: text('kind').$type<'publish' | 'withdraw'>().notNull(),
    /** Public reason (required for a withdrawal). */
    reason: text('reason'),
    /** Per-appraisee overrides of publication blockers: `[{ planId, reason, blockers }]`. */
    overrides: jsonb('overrides').$type<PublicationOverrideRecord[]>().notNull().default([]),
    actorId: uuid('actor_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('cycle_publications_cycle').on(t.cycleId, t.at)],
);

/** One published revision of a result: the figures as published, what changed, why, who approved it. */
export const resultRevisions = pgTable(
  'result_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    resultId: uuid('result_id')
      .notNull()
      .references(() => results.id, { onDelete: 'cascade' }),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    /** 1, 2, … per result, across publications. */
    revision: integer('revision').notNull(),
    kind: text('kind').$type<ResultRevision['kind']>().notNull(),
    /** The publication this revision belongs to. */
    publicationId: uuid('publication_id').references(() => cyclePublications.id),
    /** The accepted appeal that produced it (kind appeal). */
    appealId: uuid('appeal_id').references(() => appeals.id),
    /** Published figures: total, weightedScore, bonus, deduction, grade, rank, veto, complete, missing, consequences… */
    snapshot: jsonb('snapshot').$type<PublishedFigures>().notNull(),
    /** What changed against the previous revision: `{ fields: {total: {from, to}}, input?, cause }`. */
    changes: jsonb('changes')
      .$type<RevisionChanges>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    reason: text('reason'),
    approvedBy: uuid('approved_by').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('result_revisions_unique').on(t.resultId, t.revision),
    index('result_revisions_cycle').on(t.cycleId),
  ],
);
