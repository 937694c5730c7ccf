import { count, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client';
import { surveyFrameUnits, surveyReports, surveySamples, surveys } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { asStoredJson } from '../../../lib/json';
import { appendAudit } from '../../audit/service';
import { assertCycleNotPublished } from '../../cycles/freeze';
import type { AnalysisOptions } from './options';
import { loadSurvey, presentSurvey, type SurveyRow } from '../use-cases/shared';
import { fieldwork } from '../use-cases/fieldwork';
import { computeAnalysis } from './compute';
import { strataLabels } from './labels';
import { canPublish } from '../use-cases/permissions';

/** Methodology block of a report: frame, sample design, fieldwork, weighting. */
async function methodology(db: DbOrTx, actor: Actor, s: SurveyRow) {
  const [sample] = await db.select().from(surveySamples).where(eq(surveySamples.surveyId, s.id));
  const fw = await fieldwork(db, actor, s.id);
  const [frame] = await db
    .select({ n: count() })
    .from(surveyFrameUnits)
    .where(eq(surveyFrameUnits.surveyId, s.id));
  const keys = [
    ...new Set([...(sample?.strata ?? []).map((x) => x.stratum), ...fw.strata.map((x) => x.stratum)]),
  ].sort();
  return {
    frameSize: frame.n,
    strataFields: s.strataFields,
    labels: await strataLabels(db, s, keys),
    sample: sample
      ? { size: sample.size, allocation: sample.allocation, seed: sample.seed, strata: sample.strata }
      : null,
    fieldwork: {
      fieldingStartedAt: s.fieldingStartedAt,
      closedAt: s.closedAt,
      strata: fw.strata,
      total: fw.total,
      byMode: fw.byMode,
      outcomes: fw.outcomes,
    },
  };
}

/** Publishes the report: the analysis and methodology as of now, stored and shown on the portal as is. */
export async function publishSurvey(db: Db, actor: Actor | null, id: string, opts: AnalysisOptions) {
  const a = requireOffice(actor, 'Publishing surveys');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (!canPublish(s))
      throw conflict('Close fieldwork before publishing', [{ path: 'status', message: s.status }]);
    // A published report is the survey estimate the cycle's results read: frozen with them.
    if (s.cycleId) await assertCycleNotPublished(tx, s.cycleId);
    // As JSON stores it and the portal reads it (times as ISO text).
    const report = asStoredJson({
      survey: presentSurvey(s),
      methodology: await methodology(tx, a, s),
      analysis: await computeAnalysis(tx, s, opts),
    });
    const publishedAt = new Date();
    await tx
      .insert(surveyReports)
      .values({ surveyId: id, report, publishedBy: a.id, publishedAt })
      .onConflictDoUpdate({
        target: surveyReports.surveyId,
        set: { report, publishedBy: a.id, publishedAt },
      });
    const [row] = await tx
      .update(surveys)
      .set({ status: 'published', publishedAt })
      .where(eq(surveys.id, id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.publish',
        entityType: 'survey',
        entityId: id,
        data: {
          responses: report.analysis.responses,
          overall: report.analysis.satisfaction.overall?.mean ?? null,
        },
      },
    ]);
    return { survey: presentSurvey(row), publishedAt };
  });
}
