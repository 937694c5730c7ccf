import { and, asc, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { PANEL_DISCLOSURE_MINIMUM } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { cycles, indicatorNodes, plans, ratings } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { getCycle } from '../../cycles/service';

/** Panels of published cycles a case may be derived from (at least the disclosure minimum of raters), newest cycle first, at most 500. */
export async function calibrationCandidates(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'The calibration exercise');
  await getCycle(db, cycleId);
  const rows = await db
    .select({
      cycleId: cycles.id,
      cycleName: cycles.name,
      cycleNameEn: cycles.nameEn,
      planId: plans.id,
      planTitle: plans.title,
      planTitleEn: plans.titleEn,
      indicatorCode: ratings.indicatorCode,
      indicatorName: indicatorNodes.name,
      indicatorNameEn: indicatorNodes.nameEn,
      subjectType: ratings.subjectType,
      raters: count(),
      mean: sql<number>`avg(${ratings.score})::float8`,
      sd: sql<number>`coalesce(stddev_samp(${ratings.score}), 0)::float8`,
      hasRubric: sql<boolean>`bool_or(${indicatorNodes.rubric} is not null)`,
    })
    .from(ratings)
    .innerJoin(plans, eq(plans.id, ratings.planId))
    .innerJoin(cycles, eq(cycles.id, plans.cycleId))
    .innerJoin(
      indicatorNodes,
      and(eq(indicatorNodes.planId, ratings.planId), eq(indicatorNodes.code, ratings.indicatorCode)),
    )
    .where(isNotNull(cycles.resultsPublishedAt))
    .groupBy(
      cycles.id,
      cycles.name,
      cycles.nameEn,
      plans.id,
      plans.title,
      plans.titleEn,
      ratings.indicatorCode,
      indicatorNodes.name,
      indicatorNodes.nameEn,
      ratings.subjectType,
    )
    .having(sql`count(*) >= ${PANEL_DISCLOSURE_MINIMUM}`)
    .orderBy(desc(cycles.periodEnd), asc(plans.title), asc(ratings.indicatorCode), asc(ratings.subjectType))
    .limit(500);
  return {
    items: rows.map((r) => ({
      ...r,
      raters: Number(r.raters),
      mean: Number(r.mean),
      sd: Number(r.sd),
      hasRubric: !!r.hasRubric,
    })),
  };
}
