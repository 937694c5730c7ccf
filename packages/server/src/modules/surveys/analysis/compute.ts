import type { VarianceMethod } from '@perfcommons/contracts/enums';
import { asc, eq } from 'drizzle-orm';
import {
  kishWeightingEffect,
  replicateDesign,
  scaleItems,
  surveyDesign,
  type ReplicateDesign,
  type ScaleItem,
} from '@perfcommons/domain';
import type { DbOrTx } from '../../../db/client';
import { surveyResponses, surveyVersions } from '../../../db/schema';
import { conflict, errorMessage } from '../../../lib/errors';
import { BOOTSTRAP_REPLICATES, type AnalysisOptions, type Resp } from './options';
import { estimatorOf, indexOver, round } from './estimate';
import { asTotals, buildDesign, eligibleTotals, frameMargins } from './weighting';
import { planNames, strataLabels } from './labels';
import { domainToBadRequest, type SurveyRow } from '../use-cases/shared';
import { analyseQuestions } from './questions';
import { reliabilityOf } from './reliability';
import { isFielded } from '../use-cases/permissions';

/** The full analysis of a survey's answers as they are now. */
export async function computeAnalysis(db: DbOrTx, s: SurveyRow, opts: AnalysisOptions) {
  if (!isFielded(s))
    throw conflict('The survey has not been fielded', [{ path: 'status', message: s.status }]);
  const [v] = await db.select().from(surveyVersions).where(eq(surveyVersions.id, s.fieldedVersionId));
  const def = v.definition;
  const rows: (Resp & { trust: string })[] = await db
    .select({
      id: surveyResponses.id,
      stratum: surveyResponses.stratum,
      profile: surveyResponses.profile,
      designWeight: surveyResponses.designWeight,
      answers: surveyResponses.answers,
      mode: surveyResponses.mode,
      trust: surveyResponses.trust,
    })
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, s.id))
    .orderBy(asc(surveyResponses.submittedAt), asc(surveyResponses.id));
  const resp = rows.filter((r) => r.trust === 'sampled');
  const open = rows.filter((r) => r.trust === 'open');
  const frame = await frameMargins(db, s);
  let w: ReturnType<typeof buildDesign> | null = null;
  try {
    if (resp.length) w = buildDesign(resp, s, frame, opts, await eligibleTotals(db, s.id));
  } catch (err) {
    throw domainToBadRequest(err);
  }
  const design = w?.design ?? null;
  const weights = design?.weights ?? [];
  // Replicate weights when asked (the weighting steps are replayed on each replicate); never silent.
  const variance: VarianceMethod = opts.variance ?? 'taylor';
  let rep: ReplicateDesign | null = null;
  if (design && variance !== 'taylor') {
    try {
      rep = replicateDesign(design, {
        method: variance === 'bootstrap' ? 'bootstrap' : design.strataInfo.length > 1 ? 'JKn' : 'JK1',
        replicates: BOOTSTRAP_REPLICATES,
        seed: s.id,
      });
    } catch (err) {
      w!.warnings.push(`${variance} replicate weights impossible: ${errorMessage(err)}; Taylor used`);
    }
  }
  const usedVariance: VarianceMethod = rep ? variance : 'taylor';
  const estimateOf = design ? estimatorOf(design, rep, usedVariance) : null;
  const wsum = weights.reduce((a, b) => a + b, 0);
  // Open (self-selected) answers: equal weights, no design; their intervals are nominal.
  const openDesign = open.length ? surveyDesign({ weights: open.map(() => 1) }) : null;
  const step = design?.calibration[0];
  const weightSummary =
    w && design
      ? {
          method: w.method,
          min: round(Math.min(...weights)),
          max: round(Math.max(...weights)),
          sum: round(wsum, 2),
          weightingEffect: round(kishWeightingEffect(weights).weightingEffect),
          trim: opts.weighting === 'rake' ? ([opts.trimMin, opts.trimMax] satisfies [number, number]) : null,
          margins:
            w.method === 'rake' ? asTotals(s.margins ?? frame.margins, sumOf(frame.cells) || wsum) : null,
          nonresponse: w.nonresponse
            ? Object.fromEntries(Object.entries(w.nonresponse).map(([k, f]) => [k, round(f)]))
            : null,
          converged: step ? step.converged : null,
          iterations: w.iterations ?? null,
          outsideBounds: step ? step.outsideBounds.length : 0,
          warnings: w.warnings,
        }
      : { method: opts.weighting, warnings: ['no answers yet'] };
  const designSummary = design && {
    type: 'stratified SRS without replacement',
    strata: design.strataInfo.length,
    fpc: design.withFpc,
    lonelyPsu: design.lonelyPsu,
    df: design.df,
    calibration: w!.method,
    variance: rep
      ? `${rep.method === 'bootstrap' ? 'Rao-Wu rescaling bootstrap' : `delete-one jackknife (${rep.method})`}, ${rep.replicates.length} replicates, weighting replayed on each`
      : 'Taylor linearisation, calibration residuals',
    interval: 't on design df; indices and shares on the logit scale',
    varianceMethod: usedVariance,
    replicateMethod: rep?.method ?? null,
    replicates: rep?.replicates.length ?? null,
  };
  const idx = (its: ScaleItem[], domain?: boolean[]) =>
    design ? indexOver(its, resp, design, domain, estimateOf!) : null;

  const items = scaleItems(def);
  const questions = analyseQuestions(def, resp, open, { design, weights, estimateOf, idx, items });

  // Satisfaction index per appraisee (plan) and per appraisee × dimension, on the mapped items.
  const planIds = [...new Set(items.map((i) => i.planId).filter((x): x is string => !!x))];
  const names = await planNames(db, planIds);
  const byPlan = planIds.map((planId) => {
    const its = items.filter((i) => i.planId === planId);
    const dims = [...new Set(its.map((i) => i.dimension ?? ''))].sort();
    return {
      planId,
      appraiseeName: names.get(planId)?.name ?? null,
      appraiseeNameEn: names.get(planId)?.nameEn ?? null,
      index: idx(its),
      openIndex: openDesign ? indexOver(its, open, openDesign) : null,
      dimensions: dims.map((d) => ({
        dimension: d || null,
        index: idx(its.filter((i) => (i.dimension ?? '') === d)),
      })),
    };
  });
  const dimensions = [...new Set(items.map((i) => i.dimension).filter((x): x is string => !!x))]
    .sort()
    .map((d) => ({
      dimension: d,
      index: idx(items.filter((i) => i.dimension === d)),
    }));
  const overall = idx(items);

  const reliability = reliabilityOf(def, resp, items, dimensions);

  const strata = [...new Set(resp.map((r) => r.stratum))].sort().map((stratum) => {
    const domain = resp.map((r) => r.stratum === stratum);
    return {
      stratum,
      n: domain.filter(Boolean).length,
      weightShare: round(weights.reduce((a, x, i) => a + (domain[i] ? x : 0), 0) / (wsum || 1)),
      index: idx(items, domain),
    };
  });

  return {
    generatedAt: new Date().toISOString(),
    responses: { sampled: resp.length, open: open.length },
    weighting: weightSummary,
    design: designSummary,
    satisfaction: {
      overall,
      byPlan,
      dimensions,
      openOverall: openDesign ? indexOver(items, open, openDesign) : null,
    },
    reliability,
    strata,
    questions,
    labels: await strataLabels(
      db,
      s,
      strata.map((x) => x.stratum),
    ),
  };
}

function sumOf(r: Record<string, number>): number {
  return Object.values(r).reduce((a, b) => a + b, 0);
}
