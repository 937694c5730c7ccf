import { count, eq, sql } from 'drizzle-orm';
import {
  nonresponseAdjust,
  postStratify,
  rakeDesign,
  surveyDesign,
  type SurveyDesign,
} from '@perfcommons/domain';
import type { DbOrTx } from '../../../db/client';
import { surveyFrameUnits, surveyInvitations } from '../../../db/schema';
import { errorMessage } from '../../../lib/errors';
import type { AnalysisOptions, Resp, WeightingMethod } from './options';
import type { SurveyRow } from '../use-cases/shared';

/** Frame counts per strata field, the default population margins for raking. */
export async function frameMargins(db: DbOrTx, s: SurveyRow) {
  const rows = await db
    .select({ stratum: surveyFrameUnits.stratum, n: count() })
    .from(surveyFrameUnits)
    .where(eq(surveyFrameUnits.surveyId, s.id))
    .groupBy(surveyFrameUnits.stratum);
  const cells: Record<string, number> = {};
  const margins: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    cells[r.stratum] = r.n;
    r.stratum.split('|').forEach((v, k) => {
      const f = s.strataFields[k];
      margins[f] ??= {};
      margins[f][v] = (margins[f][v] ?? 0) + r.n;
    });
  }
  return { cells, margins };
}

/** Margins given as shares (summing to 1) become totals of the population. */
export function asTotals(margins: Record<string, Record<string, number>>, population: number) {
  const out: Record<string, Record<string, number>> = {};
  for (const [f, cats] of Object.entries(margins)) {
    const sum = Object.values(cats).reduce((a, b) => a + b, 0);
    const k = Math.abs(sum - 1) < 1e-6 ? population : 1;
    out[f] = Object.fromEntries(Object.entries(cats).map(([c, v]) => [c, v * k]));
  }
  return out;
}

/**
 * The design the sample was drawn with — stratified simple random sampling without replacement,
 * strata as stored on each response, fpc = the stratum's count in the frame — then the chosen
 * weighting step. A stratum with a single respondent is centred at the grand mean (lonely PSU
 * rule `adjust`). Falls back to fewer steps with a warning, never silently.
 */
export function buildDesign(
  resp: Resp[],
  s: SurveyRow,
  frame: { cells: Record<string, number>; margins: Record<string, Record<string, number>> },
  opts: AnalysisOptions,
  eligible: Record<string, number> = {},
) {
  const warnings: string[] = [];
  const strata = resp.map((r) => r.stratum);
  // Nonresponse adjustment within strata (weighting classes) before any calibration.
  let weights = resp.map((r) => r.designWeight);
  let nonresponse: Record<string, number> | null = null;
  if (Object.keys(eligible).length) {
    try {
      const adj = nonresponseAdjust(weights, strata, eligible);
      weights = adj.weights;
      nonresponse = adj.factors;
      if (adj.emptyClasses.length)
        warnings.push(`strata without respondents, not represented: ${adj.emptyClasses.join(', ')}`);
    } catch (err) {
      warnings.push(`nonresponse adjustment impossible: ${errorMessage(err)}; design weights used`);
    }
  }
  const counts = new Map<string, number>();
  for (const st of strata) counts.set(st, (counts.get(st) ?? 0) + 1);
  const fpcOk =
    Object.keys(frame.cells).length > 0 &&
    strata.every((st) => (frame.cells[st] ?? 0) >= (counts.get(st) ?? 0));
  if (!fpcOk) warnings.push('frame counts do not cover the respondents: no finite population correction');
  const base = surveyDesign({
    weights,
    strata,
    fpc: fpcOk ? strata.map((st) => frame.cells[st]) : undefined,
    lonelyPsu: 'adjust',
  });
  const lonely = [...counts.entries()].filter(([, n]) => n === 1).map(([st]) => st);
  if (lonely.length)
    warnings.push(
      `one respondent in stratum ${lonely.join(', ')}: its variance is centred at the overall mean`,
    );
  let design: SurveyDesign = base;
  let method: WeightingMethod = 'design';
  let iterations: number | undefined;
  if (opts.weighting === 'poststrat') {
    if (!Object.keys(frame.cells).length) warnings.push('no frame: design weights used');
    else if (strata.some((st) => !(st in frame.cells)))
      warnings.push('respondents outside the frame cells: design weights used');
    else {
      design = postStratify(base, strata, frame.cells, { partial: true });
      method = 'poststrat';
      const empty = design.calibration[0].emptyCells;
      if (empty.length) warnings.push(`cells without respondents, not represented: ${empty.join(', ')}`);
    }
  }
  if (opts.weighting === 'rake') {
    const population =
      Object.values(frame.cells).reduce((a, b) => a + b, 0) || weights.reduce((a, b) => a + b, 0);
    const margins = asTotals(s.margins ?? frame.margins, population);
    if (Object.keys(margins).length === 0) warnings.push('no margins: design weights used');
    else {
      try {
        design = rakeDesign(
          base,
          Object.entries(margins).map(([f, totals]) => ({
            variable: resp.map((r) => r.profile[f]),
            totals,
          })),
          { trim: { min: opts.trimMin, max: opts.trimMax } },
        );
        method = 'rake';
        const step = design.calibration[0];
        iterations = step.iterations;
        if (!step.converged)
          warnings.push(
            step.outsideBounds.length
              ? `raking did not converge: ${step.outsideBounds.length} weight(s) outside the trim bounds`
              : `raking did not converge within the trim bounds (max margin error ${step.maxMarginError.toExponential(2)})`,
          );
      } catch (err) {
        warnings.push(`raking impossible: ${errorMessage(err)}; design weights used`);
      }
    }
  }
  return { design, warnings, method, iterations, nonresponse };
}

/**
 * Σ design weight of the eligible sampled units per stratum: every invitation but those recorded
 * ineligible without an answer (unknown eligibility counts as eligible).
 */
export async function eligibleTotals(db: DbOrTx, surveyId: string) {
  const rows = await db
    .select({
      stratum: surveyInvitations.stratum,
      total: sql<number>`coalesce(sum(${surveyInvitations.designWeight}) filter (where ${surveyInvitations.outcome} is distinct from 'ineligible' or exists (select 1 from survey_responses r where r.invitation_id = survey_invitations.id)), 0)::float8`,
    })
    .from(surveyInvitations)
    .where(eq(surveyInvitations.surveyId, surveyId))
    .groupBy(surveyInvitations.stratum);
  return Object.fromEntries(rows.map((r) => [r.stratum, Number(r.total)]));
}
