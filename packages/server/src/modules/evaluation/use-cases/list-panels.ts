import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { evaluationTasks, ratings } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';

/** Panels of a cycle: per plan and subject, raters assigned and ratings received (office). */
export async function listPanels(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Rater panels');
  const tasks = await db
    .select({
      planId: evaluationTasks.planId,
      subjectType: evaluationTasks.subjectType,
      n: sql<number>`count(*)::int`,
    })
    .from(evaluationTasks)
    .where(eq(evaluationTasks.cycleId, cycleId))
    .groupBy(evaluationTasks.planId, evaluationTasks.subjectType);
  const rated = await db
    .select({
      planId: ratings.planId,
      subjectType: ratings.subjectType,
      raters: sql<number>`count(distinct ${ratings.raterId})::int`,
    })
    .from(ratings)
    .where(eq(ratings.cycleId, cycleId))
    .groupBy(ratings.planId, ratings.subjectType);
  const key = (p: string, s: string) => `${p}|${s}`;
  const ratedBy = new Map(rated.map((r) => [key(r.planId, r.subjectType), r.raters]));
  return tasks.map((t) => ({ ...t, raters: t.n, rated: ratedBy.get(key(t.planId, t.subjectType)) ?? 0 }));
}
