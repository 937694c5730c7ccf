/**
 * What the calibration use cases share: who is a trainee of a cycle, a case's feedback and the summary
 * of a trainee's answers, the case as sent, a cycle's cases in order, writing a new case.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { CalibrationCase, CalibrationCaseFeedback, CalibrationSummary } from '@perfcommons/contracts';
import { MAX_CALIBRATION_CASES } from '@perfcommons/contracts';
import { calibrationItemFeedback, calibrationSummary } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { calibrationAnswers, calibrationCases, evaluationTasks } from '../../../db/schema';
import { hasRole, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { getCycle } from '../../cycles/service';

export type CaseRow = typeof calibrationCases.$inferSelect;
export type AnswerRow = typeof calibrationAnswers.$inferSelect;
export type Status = 'not_started' | 'in_progress' | 'completed';

/** Whether the actor is a trainee of the cycle: an evaluator, or anyone holding an evaluation task in it. */
export async function isTrainee(db: Db, actor: Actor, cycleId: string) {
  if (hasRole(actor, 'evaluator')) return true;
  const [task] = await db
    .select({ id: evaluationTasks.id })
    .from(evaluationTasks)
    .where(and(eq(evaluationTasks.cycleId, cycleId), eq(evaluationTasks.raterId, actor.id)))
    .limit(1);
  return !!task;
}

/** Feedback on one answered case (the rubric's bands always given). */
export function feedbackOf(c: CaseRow, score: number): CalibrationCaseFeedback {
  const f = calibrationItemFeedback({
    panelScores: c.panelScores,
    raterScore: score,
    maxScore: 100,
    bands: c.rubric,
  });
  return {
    panelCount: f.panelCount,
    panelMean: f.panelMean,
    panelMedian: f.panelMedian,
    panelSd: f.panelSd,
    panelMin: Math.min(...c.panelScores),
    panelMax: Math.max(...c.panelScores),
    deviation: f.deviation,
    deviationShare: f.deviationShare,
    z: f.z,
    withinPanelRange: f.withinPanelRange,
    panelBand: f.panelBand!,
    raterBand: f.raterBand!,
    withinBand: f.withinBand!,
  };
}

/** The summary of a trainee's answers (null before the first). */
export function summaryOf(pairs: { c: CaseRow; score: number }[]): CalibrationSummary | null {
  if (!pairs.length) return null;
  const s = calibrationSummary(
    pairs.map(({ c, score }) => ({
      panelScores: c.panelScores,
      raterScore: score,
      maxScore: 100,
      bands: c.rubric,
    })),
  );
  return {
    count: s.count,
    bias: s.meanDeviation,
    meanAbsDeviation: s.meanAbsDeviation,
    rmsDeviation: s.rmsDeviation,
    meanAbsZ: s.meanAbsZ,
    withinRangeShare: s.withinRangeShare,
    withinBandShare: s.withinBandShare ?? 0,
    verdict: s.verdict,
  };
}

export const statusOf = (answered: number, total: number): Status =>
  answered === 0 ? 'not_started' : answered >= total ? 'completed' : 'in_progress';

export function view(
  c: CaseRow,
  manage: boolean,
  answer: AnswerRow | undefined,
  answers?: number,
): CalibrationCase {
  return {
    id: c.id,
    cycleId: c.cycleId,
    position: c.position,
    title: c.title,
    titleEn: c.titleEn,
    indicatorName: c.indicatorName,
    indicatorNameEn: c.indicatorNameEn,
    description: c.description,
    descriptionEn: c.descriptionEn,
    rubric: c.rubric,
    source: c.source,
    panelScores: manage ? c.panelScores : null,
    sourcePlanId: manage ? c.sourcePlanId : null,
    sourceIndicatorCode: manage ? c.sourceIndicatorCode : null,
    sourceSubjectType: manage ? c.sourceSubjectType : null,
    answers: manage ? (answers ?? 0) : null,
    answer: answer
      ? {
          score: answer.score,
          answeredAt: answer.answeredAt.toISOString(),
          feedback: feedbackOf(c, answer.score),
        }
      : null,
    createdAt: c.createdAt.toISOString(),
  };
}

export const casesOf = (db: Db, cycleId: string) =>
  db
    .select()
    .from(calibrationCases)
    .where(eq(calibrationCases.cycleId, cycleId))
    .orderBy(asc(calibrationCases.position), asc(calibrationCases.createdAt));

export async function insertCase(
  db: Db,
  a: Actor,
  cycleId: string,
  values: Omit<typeof calibrationCases.$inferInsert, 'cycleId' | 'position' | 'createdBy'>,
  action: 'calibration_case.create' | 'calibration_case.derive',
) {
  return db.transaction(async (tx) => {
    // The cycle row is locked so that concurrent additions keep the count and the positions.
    await getCycle(tx, cycleId, { forUpdate: true });
    const held = await tx
      .select({ position: calibrationCases.position })
      .from(calibrationCases)
      .where(eq(calibrationCases.cycleId, cycleId));
    if (held.length >= MAX_CALIBRATION_CASES)
      throw conflict(`A cycle's calibration exercise holds at most ${MAX_CALIBRATION_CASES} cases`, [
        { path: 'title', message: `${held.length} held` },
      ]);
    const position = held.reduce((m, r) => Math.max(m, r.position), 0) + 1;
    const [row] = await tx
      .insert(calibrationCases)
      .values({ ...values, cycleId, position, createdBy: a.id })
      .returning();
    const { id: _id, createdAt: _t, createdBy: _b, ...data } = row;
    await appendAudit(tx, [
      { actorId: a.id, action, entityType: 'calibration_case', entityId: row.id, data },
    ]);
    return { case: view(row, true, undefined, 0) };
  });
}
