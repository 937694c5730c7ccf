import { count, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { calibrationAnswers, calibrationCases } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict, notFound } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';

/** Removes a case nobody has answered yet (office); an answered case keeps its feedback. */
export async function deleteCalibrationCase(db: Db, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'The calibration exercise');
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(calibrationCases).where(eq(calibrationCases.id, id)).for('update');
    if (!row) throw notFound('Calibration case');
    const [answered] = await tx
      .select({ n: count() })
      .from(calibrationAnswers)
      .where(eq(calibrationAnswers.caseId, id));
    if (Number(answered.n) > 0)
      throw conflict(
        'Raters have answered this case: it stays so that their feedback holds',
        [{ path: 'id', message: `${answered.n} answers` }],
        'calibration_answered',
      );
    await tx.delete(calibrationCases).where(eq(calibrationCases.id, id));
    const { id: _id, createdAt: _t, ...data } = row;
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'calibration_case.delete',
        entityType: 'calibration_case',
        entityId: id,
        data,
      },
    ]);
    return { ok: true as const };
  });
}
