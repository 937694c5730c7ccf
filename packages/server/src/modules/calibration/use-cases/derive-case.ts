import { and, eq } from 'drizzle-orm';
import type { CalibrationDeriveBody, RubricBand } from '@perfcommons/contracts';
import { PANEL_DISCLOSURE_MINIMUM } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { cycles, indicatorNodes, plans, ratings } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { badRequest, notFound } from '../../../lib/errors';
import { getCycle } from '../../cycles/service';
import { insertCase } from './shared';

/**
 * A reference case derived from a panel of a published cycle: the individual scores of one subject on one
 * rated leaf of one plan (at least the open-data disclosure minimum of raters), the leaf's name and rubric.
 */
export async function deriveCalibrationCase(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  body: CalibrationDeriveBody,
) {
  const a = requireOffice(actor, 'The calibration exercise');
  await getCycle(db, cycleId);
  const [plan] = await db
    .select({ id: plans.id, cycleId: plans.cycleId, published: cycles.resultsPublishedAt })
    .from(plans)
    .innerJoin(cycles, eq(cycles.id, plans.cycleId))
    .where(eq(plans.id, body.planId))
    .limit(1);
  if (!plan) throw notFound('Plan');
  if (!plan.published)
    throw badRequest('A case is derived from a panel of a cycle whose results are published', [
      { path: 'planId', message: 'results of its cycle not published' },
    ]);
  const [node] = await db
    .select()
    .from(indicatorNodes)
    .where(and(eq(indicatorNodes.planId, plan.id), eq(indicatorNodes.code, body.indicatorCode)))
    .limit(1);
  if (!node)
    throw badRequest('No such indicator in the plan', [{ path: 'indicatorCode', message: 'not found' }]);
  const scores = await db
    .select({ score: ratings.score })
    .from(ratings)
    .where(
      and(
        eq(ratings.planId, plan.id),
        eq(ratings.indicatorCode, body.indicatorCode),
        eq(ratings.subjectType, body.subjectType),
      ),
    );
  if (scores.length < PANEL_DISCLOSURE_MINIMUM)
    throw badRequest(`A reference panel needs at least ${PANEL_DISCLOSURE_MINIMUM} raters`, [
      { path: 'subjectType', message: `${scores.length} ratings` },
    ]);
  const rubric: RubricBand[] | null = body.rubric ?? node.rubric ?? null;
  if (!rubric)
    throw badRequest('The leaf has no rubric: give one', [
      { path: 'rubric', message: 'required for this leaf' },
    ]);
  return insertCase(
    db,
    a,
    cycleId,
    {
      title: body.title,
      titleEn: body.titleEn || null,
      indicatorName: node.name,
      indicatorNameEn: node.nameEn,
      description: body.description,
      descriptionEn: body.descriptionEn || null,
      rubric,
      // Anonymous and sorted: the order of the ratings says nothing about who gave them.
      panelScores: scores.map((s) => s.score).sort((x, y) => x - y),
      source: 'panel',
      sourcePlanId: plan.id,
      sourceIndicatorCode: body.indicatorCode,
      sourceSubjectType: body.subjectType,
    },
    'calibration_case.derive',
  );
}
