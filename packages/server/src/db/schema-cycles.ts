/** Tables of the cycle's stage transitions beyond the core: preconditions overridden by the office. */
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { PreconditionOverride } from '@perfcommons/contracts';
import { id } from './columns';
import { cycles, cycleTransitions, users } from './schema';

/**
 * A precondition of a stage transition the office overrode 跳过前置条件, with its written reason
 * and the blockers as they were: public on the portal's cycle page, audited.
 */
export const cyclePreconditionOverrides = pgTable(
  'cycle_precondition_overrides',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    /** The transition that used the override. */
    transitionId: uuid('transition_id')
      .notNull()
      .references(() => cycleTransitions.id),
    fromStage: text('from_stage').notNull(),
    toStage: text('to_stage').notNull(),
    /** Precondition code (domain PRECONDITION_CODES). */
    code: text('code').notNull(),
    /** The failing check when overridden: `{ count, checked, blockers: [{id, label, info}] }`. */
    blockers: jsonb('blockers').$type<PreconditionOverride['blockers']>().notNull(),
    reason: text('reason').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('cycle_precondition_overrides_cycle').on(t.cycleId)],
);
