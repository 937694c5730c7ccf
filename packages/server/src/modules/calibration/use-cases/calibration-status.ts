import { count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { calibrationAnswers, evaluationTasks, users } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { getCycle } from '../../cycles/service';
import { casesOf, statusOf, summaryOf } from './shared';

/** Every rater of the cycle (task holders and anyone who answered) with progress and summary (office). */
export async function calibrationStatus(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, "Raters' calibration status");
  await getCycle(db, cycleId);
  const cases = await casesOf(db, cycleId);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const tasks = await db
    .select({ raterId: evaluationTasks.raterId, n: count() })
    .from(evaluationTasks)
    .where(eq(evaluationTasks.cycleId, cycleId))
    .groupBy(evaluationTasks.raterId);
  const answers = await db.select().from(calibrationAnswers).where(eq(calibrationAnswers.cycleId, cycleId));
  const ids = [...new Set([...tasks.map((t) => t.raterId), ...answers.map((x) => x.raterId)])];
  const people = ids.length
    ? await db
        .select({ id: users.id, username: users.username, displayName: users.displayName })
        .from(users)
        .where(inArray(users.id, ids))
    : [];
  const taskCount = new Map(tasks.map((t) => [t.raterId, Number(t.n)]));
  const raters = people.map((u) => {
    const mine = answers.filter((x) => x.raterId === u.id && byId.has(x.caseId));
    return {
      userId: u.id,
      username: u.username,
      displayName: u.displayName,
      tasks: taskCount.get(u.id) ?? 0,
      answered: mine.length,
      status: statusOf(mine.length, cases.length),
      summary: summaryOf(mine.map((x) => ({ c: byId.get(x.caseId)!, score: x.score }))),
    };
  });
  // Those who answered first (by how far they are), then those who have not started, by name.
  raters.sort(
    (x, y) =>
      (y.answered > 0 ? 1 : 0) - (x.answered > 0 ? 1 : 0) ||
      (y.summary?.meanAbsDeviation ?? 0) - (x.summary?.meanAbsDeviation ?? 0) ||
      x.username.localeCompare(y.username),
  );
  return { cases: cases.length, raters };
}
