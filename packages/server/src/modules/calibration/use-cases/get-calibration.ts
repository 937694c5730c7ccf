import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { calibrationAnswers } from '../../../db/schema';
import { isOffice, requireActor, type Actor } from '../../../lib/actor';
import { forbidden } from '../../../lib/errors';
import { getCycle } from '../../cycles/service';
import { casesOf, isTrainee, statusOf, summaryOf, view } from './shared';

/** The exercise of a cycle: the office sees the panel's scores; a trainee sees own answers with feedback. */
export async function getCalibration(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireActor(actor);
  await getCycle(db, cycleId);
  const manage = isOffice(a);
  const answer = await isTrainee(db, a, cycleId);
  if (!manage && !answer)
    throw forbidden("The cycle's calibration exercise is for its raters and the performance office");
  const cases = await casesOf(db, cycleId);
  const mine = await db
    .select()
    .from(calibrationAnswers)
    .where(and(eq(calibrationAnswers.cycleId, cycleId), eq(calibrationAnswers.raterId, a.id)));
  const byCase = new Map(mine.map((x) => [x.caseId, x]));
  const counts = manage
    ? new Map(
        (
          await db
            .select({ caseId: calibrationAnswers.caseId, n: count() })
            .from(calibrationAnswers)
            .where(eq(calibrationAnswers.cycleId, cycleId))
            .groupBy(calibrationAnswers.caseId)
        ).map((r) => [r.caseId, Number(r.n)]),
      )
    : new Map<string, number>();
  const answered = cases.filter((c) => byCase.has(c.id));
  return {
    cycleId,
    cases: cases.map((c) => view(c, manage, byCase.get(c.id), counts.get(c.id))),
    answered: answered.length,
    status: statusOf(answered.length, cases.length),
    summary: summaryOf(answered.map((c) => ({ c, score: byCase.get(c.id)!.score }))),
    can: { manage, answer },
  };
}
