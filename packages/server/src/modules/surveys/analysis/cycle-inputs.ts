import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { subjectsOf } from '@perfcommons/domain';
import type { DbOrTx } from '../../../db/client';
import { indicatorNodes, surveyReports, surveys } from '../../../db/schema';

/** A satisfaction figure from a published survey for one leaf indicator of a plan. */
export interface SurveyInput {
  planId: string;
  indicatorCode: string;
  /** Weighted satisfaction index 0–100 of the plan's mapped items. */
  score: number;
  /** Kish effective sample size: the survey counts in the public panel as that many raters. */
  weight: number;
  raterId: string;
}

/**
 * What published surveys of a cycle contribute to results: for each plan with a survey index,
 * one 'public' rating on every leaf of that plan whose evaluation subjects include the public.
 * The snapshot published is used, so results do not move until a report is (re)published.
 *
 * Decision: a survey index is an estimate over a weighted sample, not one rater. The cycle rule
 * trimEachSide (drop the highest and lowest raters) guards against single outlying raters and must
 * not drop the survey as the public panel's "highest" or "lowest" rating; results therefore enter
 * these figures as ratings with `estimate: true` (domain `Rating.estimate`), which trimming skips:
 * the individual public raters are trimmed among themselves and the survey is kept with its weight.
 */
export async function surveyInputsForCycle(tx: DbOrTx, cycleId: string): Promise<SurveyInput[]> {
  const reports = await tx
    .select({ surveyId: surveys.id, report: surveyReports.report })
    .from(surveys)
    .innerJoin(surveyReports, eq(surveyReports.surveyId, surveys.id))
    .where(
      and(eq(surveys.cycleId, cycleId), eq(surveys.status, 'published'), isNotNull(surveys.publishedAt)),
    );
  const feeds: { surveyId: string; planId: string; score: number; weight: number }[] = [];
  for (const r of reports) {
    const byPlan = r.report.analysis.satisfaction?.byPlan ?? [];
    for (const p of byPlan)
      if (p.index?.mean != null && p.index.effectiveN)
        feeds.push({
          surveyId: r.surveyId,
          planId: p.planId,
          score: p.index.mean,
          weight: p.index.effectiveN,
        });
  }
  if (!feeds.length) return [];
  const nodes = await tx
    .select({
      planId: indicatorNodes.planId,
      code: indicatorNodes.code,
      parentCode: indicatorNodes.parentCode,
      subjects: indicatorNodes.subjects,
    })
    .from(indicatorNodes)
    .where(inArray(indicatorNodes.planId, [...new Set(feeds.map((f) => f.planId))]));
  const out: SurveyInput[] = [];
  for (const f of feeds) {
    const mine = nodes.filter((n) => n.planId === f.planId);
    const parents = new Set(mine.map((n) => n.parentCode));
    for (const n of mine) {
      if (parents.has(n.code)) continue;
      const subjects = subjectsOf({ subjects: n.subjects ?? undefined });
      if (subjects.some((x) => x.type === 'public'))
        out.push({
          planId: f.planId,
          indicatorCode: n.code,
          score: Math.min(100, Math.max(0, f.score)),
          weight: f.weight,
          raterId: `survey:${f.surveyId}`,
        });
    }
  }
  return out;
}
