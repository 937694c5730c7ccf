import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { calibrationAnswers, calibrationCases } from '../../../db/schema';
import { requireActor, type Actor } from '../../../lib/actor';
import { conflict, forbidden, isUniqueViolation, notFound } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { feedbackOf, isTrainee } from './shared';
import { getCalibration } from './get-calibration';

/** A trainee's score of a case, given once; answers with the case's feedback and the summary so far. */
export async function answerCalibrationCase(
  db: Db,
  actor: Actor | null,
  caseId: string,
  body: { score: number },
) {
  const a = requireActor(actor);
  const [c] = await db.select().from(calibrationCases).where(eq(calibrationCases.id, caseId)).limit(1);
  if (!c) throw notFound('Calibration case');
  if (!(await isTrainee(db, a, c.cycleId)))
    throw forbidden('The calibration exercise is for the raters of the cycle');
  try {
    await db.transaction(async (tx) => {
      const [prior] = await tx
        .select({ id: calibrationAnswers.id })
        .from(calibrationAnswers)
        .where(and(eq(calibrationAnswers.caseId, caseId), eq(calibrationAnswers.raterId, a.id)))
        .limit(1);
      if (prior) throw answeredConflict();
      const [row] = await tx
        .insert(calibrationAnswers)
        .values({ caseId, cycleId: c.cycleId, raterId: a.id, score: body.score })
        .returning();
      const f = feedbackOf(c, body.score);
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'calibration.answer',
          entityType: 'calibration_answer',
          entityId: row.id,
          data: {
            caseId,
            cycleId: c.cycleId,
            score: body.score,
            deviation: f.deviation,
            withinBand: f.withinBand,
          },
        },
      ]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw answeredConflict();
    throw err;
  }
  const all = await getCalibration(db, a, c.cycleId);
  return {
    case: all.cases.find((x) => x.id === caseId)!,
    answered: all.answered,
    status: all.status,
    summary: all.summary!,
  };
}

const answeredConflict = () =>
  conflict(
    'You have answered this case: a calibration score is given once',
    [{ path: 'score', message: 'already answered' }],
    'calibration_answered',
  );
