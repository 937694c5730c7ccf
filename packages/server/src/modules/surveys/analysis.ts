/**
 * Survey analysis: the sample design the survey was drawn with (strata from the frame, finite
 * population correction from the frame's stratum counts) and its weighting step (design weights,
 * post-stratification, or raking with trimming), design-based estimates (domain `svyMean`,
 * `svyProportion`: linearised SE with calibration, t interval on the design df kept within the
 * scale, margin of error, true design effect), satisfaction index per appraisee and dimension,
 * Cronbach's alpha, cross-tabs by stratum, keywords; exports; the published report and the
 * satisfaction figures it feeds into the cycle's results. All statistics are domain functions.
 */
import type { SurveyReport } from '@perfcommons/contracts';
import type { VarianceMethod } from '@perfcommons/contracts/enums';
import { exportTable, type Cell } from '../../lib/export';
import { and, asc, count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import {
  allQuestions,
  crossTab,
  cronbachAlphaInterval,
  distribution,
  keywordCounts,
  kishWeightingEffect,
  labelStrata,
  likertPoints,
  nonresponseAdjust,
  postStratify,
  rakeDesign,
  replicateDesign,
  satisfactionIndex,
  scaleAnswer,
  scaleItems,
  subjectsOf,
  surveyDesign,
  svyChisq,
  svyMean,
  svyProportion,
  svyRepMean,
  tQuantile,
  type Answers,
  type IndicatorNode,
  type Questionnaire,
  type ReplicateDesign,
  type ScaleItem,
  type SurveyDesign,
  type SurveyEstimate,
} from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import {
  indicatorNodes,
  orgUnits,
  people,
  plans,
  surveyFrameUnits,
  surveyInvitations,
  surveyReports,
  surveyResponses,
  surveySamples,
  surveyVersions,
  surveys,
} from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { conflict, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { fieldwork } from './use-cases/fieldwork';
import { domainToBadRequest, loadSurvey, presentSurvey, type SurveyRow } from './use-cases/shared';

export type WeightingMethod = 'design' | 'poststrat' | 'rake';

export interface AnalysisOptions {
  weighting: WeightingMethod;
  /** Raking: weights kept within [trimMin, trimMax] × mean weight. */
  trimMin: number;
  trimMax: number;
  /** Standard errors by Taylor linearisation (default) or replicate weights. */
  variance?: VarianceMethod;
}

/** Bootstrap replicates of a report (R's default for `as.svrepdesign(type = "subbootstrap")` is 50). */
export const BOOTSTRAP_REPLICATES = 200;

export { DEFAULT_ANALYSIS } from '@perfcommons/contracts';

interface Resp {
  id: string;
  stratum: string;
  profile: Record<string, string>;
  designWeight: number;
  answers: Answers;
  mode: string;
}

/**
 * Estimate rounded for transport; NaN (one answer) becomes null. `ci95` is the t interval on the
 * design df, kept within the scale (logit-transformed for bounded measures); `moe` the margin of
 * error t·SE; `designEffect` the true design effect (variance over SRS without replacement of the
 * same size, R's deff = TRUE) and `effectiveN` = n / designEffect; Kish's weighting effect is
 * reported separately as `weightingEffect`.
 */
const est = (e: SurveyEstimate, weights: number[], member: boolean[], method: VarianceMethod = 'taylor') => {
  const r = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);
  const kish = kishWeightingEffect(weights.map((w, i) => (member[i] ? w : 0)));
  const deffOk = Number.isFinite(e.deff) && e.deff > 0;
  const t = Number.isFinite(e.se) ? tQuantile(0.975, Math.max(1, e.df)) : NaN;
  return {
    mean: r(e.estimate),
    se: r(e.se),
    ci95: [r(e.ci[0]), r(e.ci[1])] as [number | null, number | null],
    moe: r(t * e.se),
    df: e.df,
    n: e.n,
    effectiveN: r(deffOk ? e.n / e.deff : kish.effectiveN),
    designEffect: deffOk ? r(e.deff) : null,
    weightingEffect: r(kish.weightingEffect),
    method,
  };
};

/**
 * The estimator of an analysis: the design-based mean (or proportion) with its Taylor SE, or — with
 * replicate weights — the same point estimate with the replicate SE, interval (logit scale within the
 * bounds) and df; the design effect then is the replicate variance over the same SRS variance
 * (Taylor deff × (SE_rep / SE_taylor)²).
 */
function estimatorOf(design: SurveyDesign, rep: ReplicateDesign | null, method: VarianceMethod) {
  return (ys: (number | boolean | null)[], bounds: [number, number]) => {
    const member = ys.map((y) => y !== null);
    const proportion = ys.some((y) => typeof y === 'boolean');
    const e = proportion
      ? svyProportion(design, ys as (boolean | null)[])
      : svyMean(design, ys as (number | null)[], { bounds });
    if (!rep) return est(e, design.weights, member);
    const nums = ys.map((y) => (y === null ? null : Number(y)));
    const r = svyRepMean(rep, nums, { bounds });
    const deff = Number.isFinite(e.deff) && e.se > 0 ? e.deff * (r.se / e.se) ** 2 : NaN;
    return est({ ...e, se: r.se, ci: r.ci, df: r.df, deff }, design.weights, member, method);
  };
}
type Estimator = ReturnType<typeof estimatorOf>;
export type EstimateOut = ReturnType<typeof est>;
const round = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

/**
 * Rao–Scott test of independence of stratum and answer (second-order F as R's `svychisq`
 * default, with the first-order chi-square beside it); null when the table has fewer than two
 * levels on a side or the design gives no variance.
 */
function raoScott(design: SurveyDesign, rows: unknown[], cols: unknown[]) {
  let t;
  try {
    t = svyChisq(design, rows, cols);
  } catch {
    return null;
  }
  if (!Number.isFinite(t.f)) return null;
  return {
    method: 'Rao-Scott second-order F',
    pearson: round(t.pearson),
    f: round(t.f),
    ndf: round(t.ndf),
    ddf: round(t.ddf),
    p: round(t.p, 6),
    chisq: round(t.chisq),
    df: t.df,
    chisqP: round(t.chisqP, 6),
    meanDeff: round(t.meanDeff),
    n: t.n,
  };
}

/** Frame counts per strata field, the default population margins for raking. */
async function frameMargins(db: DbOrTx, s: SurveyRow) {
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
function asTotals(margins: Record<string, Record<string, number>>, population: number) {
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
function buildDesign(
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
      warnings.push(`nonresponse adjustment impossible: ${(err as Error).message}; design weights used`);
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
        warnings.push(`raking impossible: ${(err as Error).message}; design weights used`);
      }
    }
  }
  return { design, warnings, method, iterations, nonresponse };
}

/**
 * Σ design weight of the eligible sampled units per stratum: every invitation but those recorded
 * ineligible without an answer (unknown eligibility counts as eligible).
 */
async function eligibleTotals(db: DbOrTx, surveyId: string) {
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

/** Mean score (0–100) of a respondent over the given scale items they answered, or null. */
function itemScore(items: ScaleItem[], answers: Answers): number | null {
  let sum = 0;
  let n = 0;
  for (const it of items) {
    const v = scaleAnswer(it, answers);
    if (v !== null) {
      sum += (100 * v) / it.points;
      n++;
    }
  }
  return n ? sum / n : null;
}

/**
 * Satisfaction index (0–100) over the items, as a design-based mean of each respondent's item
 * score; respondents outside `domain` (or without an answer) are zeroed, not dropped.
 */
function indexOver(
  items: ScaleItem[],
  resp: Resp[],
  design: SurveyDesign,
  domain?: boolean[],
  estimate: Estimator = estimatorOf(design, null, 'taylor'),
) {
  const ys = resp.map((r, i) => (domain && !domain[i] ? null : itemScore(items, r.answers)));
  const member = ys.map((y) => y !== null);
  if (!member.some((m, i) => m && design.weights[i] > 0)) return null;
  return estimate(ys, [0, 100]);
}

async function planNames(db: DbOrTx, ids: string[]) {
  if (!ids.length) return new Map<string, { name: string; nameEn: string | null }>();
  const rows = await db
    .select({
      id: plans.id,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personName: people.name,
      personNameEn: people.nameEn,
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(inArray(plans.id, ids));
  return new Map(
    rows.map((r) => [r.id, { name: r.personName ?? r.orgName, nameEn: r.personNameEn ?? r.orgNameEn }]),
  );
}

/** The full analysis of a survey's answers as they are now. */
export async function computeAnalysis(db: DbOrTx, s: SurveyRow, opts: AnalysisOptions) {
  if (!s.fieldedVersionId)
    throw conflict('The survey has not been fielded', [{ path: 'status', message: s.status }]);
  const [v] = await db.select().from(surveyVersions).where(eq(surveyVersions.id, s.fieldedVersionId));
  const def = v.definition as Questionnaire;
  const rows = (await db
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
    .orderBy(asc(surveyResponses.submittedAt), asc(surveyResponses.id))) as (Resp & { trust: string })[];
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
      w!.warnings.push(`${variance} replicate weights impossible: ${(err as Error).message}; Taylor used`);
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
          trim: opts.weighting === 'rake' ? [opts.trimMin, opts.trimMax] : null,
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
  const questions = allQuestions(def).map((q) => {
    const values = resp.map((r) => r.answers[q.id]);
    const base = { id: q.id, type: q.type, text: q.text, textEn: q.textEn ?? null };
    if (q.type === 'text') {
      const texts = values.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
      const openTexts = open
        .map((r) => r.answers[q.id])
        .filter((x): x is string => typeof x === 'string' && x.trim() !== '');
      return {
        ...base,
        n: texts.length,
        answers: texts.slice(0, 200),
        keywords: keywordCounts([...texts, ...openTexts], { top: 30 }),
      };
    }
    if (q.type === 'matrix') {
      return {
        ...base,
        items: (q.items ?? []).map((it) => {
          const key = items.find((x) => x.key === `${q.id}.${it.id}`)!;
          const vals = resp.map((r) => scaleAnswer(key, r.answers));
          const counted = satisfactionIndex(vals, key.points);
          return {
            id: it.id,
            text: it.text,
            textEn: it.textEn ?? null,
            planId: key.planId ?? null,
            dimension: key.dimension ?? null,
            distribution: distribution(vals, { levels: range(key.points), weights }),
            index: idx([key]),
            counts: counted.counts,
          };
        }),
      };
    }
    const levels =
      q.type === 'single' || q.type === 'multiple'
        ? (q.options ?? []).map((o) => o.value)
        : q.type === 'rating0to10'
          ? range(11, 0)
          : range(likertPoints(q)!);
    const raw = distribution(values as (string | number | string[] | null | undefined)[], {
      levels,
      weights,
    });
    // Choice options carry their labels: reports show labels, never stored codes.
    const dist = {
      ...raw,
      items: raw.items.map((it) => {
        const o = (q.options ?? []).find((x) => String(x.value) === it.value);
        return o ? { ...it, label: o.label, labelEn: o.labelEn ?? null } : it;
      }),
    };
    let estimate = null;
    if (q.type === 'likert5' || q.type === 'likert7') estimate = idx([items.find((x) => x.key === q.id)!]);
    if (q.type === 'rating0to10') {
      const ys = values.map((x) => (typeof x === 'number' ? x : null));
      const member = ys.map((y) => y !== null);
      estimate = design && member.some(Boolean) ? estimateOf!(ys, [0, 10]) : null;
    }
    // Weighted share of each option with its interval (a proportion is a mean of 0/1).
    const shares =
      q.type === 'single' || q.type === 'multiple'
        ? levels.map((l) => {
            const ys = values.map((x) =>
              x === undefined || x === null || x === ''
                ? null
                : Array.isArray(x)
                  ? x.includes(String(l))
                  : String(x) === String(l),
            );
            const member = ys.map((y) => y !== null);
            return {
              value: String(l),
              ...(design && member.some(Boolean) ? estimateOf!(ys, [0, 1]) : { mean: null }),
            };
          })
        : null;
    const tab =
      q.type === 'single' || likertPoints(q)
        ? crossTab(
            resp.map((r, i) => ({ stratum: r.stratum, answer: r.answers[q.id], w: weights[i] })),
            'stratum',
            'answer',
            'w',
          )
        : null;
    return {
      ...base,
      distribution: dist,
      estimate,
      shares,
      crossTab: tab && {
        rowLevels: tab.rowLevels,
        colLevels: tab.colLevels,
        rowShares: tab.rowShares.map((r) => r.map((x) => round(x))),
        rowTotals: tab.rowTotals.map((x) => round(x, 2)),
        test: design
          ? raoScott(
              design,
              resp.map((r) => r.stratum),
              values,
            )
          : null,
      },
    };
  });

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

  // Cronbach's alpha for each matrix (one Likert scale) and each dimension with ≥ 2 items, on complete cases.
  const alphaOf = (its: ScaleItem[]) => {
    const complete = resp
      .map((r) => its.map((it) => scaleAnswer(it, r.answers)))
      .filter((row): row is number[] => row.every((x) => x !== null));
    if (its.length < 2 || complete.length < 2) return { alpha: null, items: its.length, n: complete.length };
    const a = cronbachAlphaInterval(complete);
    return {
      alpha: round(a.alpha),
      alphaCi: [round(a.ci[0]), round(a.ci[1])] as [number | null, number | null],
      items: its.length,
      n: complete.length,
    };
  };
  const reliability = [
    ...allQuestions(def)
      .filter((q) => q.type === 'matrix')
      .map((q) => ({
        scale: q.id,
        label: q.text,
        labelEn: q.textEn ?? null,
        ...alphaOf(items.filter((i) => i.questionId === q.id)),
      })),
    ...dimensions.map((d) => ({
      scale: `dimension:${d.dimension}`,
      label: d.dimension,
      labelEn: d.dimension,
      ...alphaOf(items.filter((i) => i.dimension === d.dimension)),
    })),
  ];

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

function range(points: number, from = 1): number[] {
  return Array.from({ length: points }, (_, i) => i + from);
}

export async function analyseSurvey(db: Db, actor: Actor | null, id: string, opts: AnalysisOptions) {
  requireOffice(actor, 'Survey analysis');
  return computeAnalysis(db, await loadSurvey(db, id), opts);
}

/**
 * Labels of the strata fields and of every stratum key the report shows, from the fielded
 * questionnaire's `strataLabels`, the org units whose code is a value, common words, readable text.
 */
async function strataLabels(db: DbOrTx, s: SurveyRow, keys: string[]) {
  const [v] = s.fieldedVersionId
    ? await db.select().from(surveyVersions).where(eq(surveyVersions.id, s.fieldedVersionId))
    : [];
  const values = [...new Set(keys.flatMap((k) => k.split('|')))];
  const units = values.length
    ? await db
        .select({ code: orgUnits.code, name: orgUnits.name, nameEn: orgUnits.nameEn })
        .from(orgUnits)
        .where(inArray(orgUnits.code, values))
    : [];
  return labelStrata(s.strataFields, keys, {
    definition: (v?.definition as Questionnaire | undefined)?.strataLabels ?? null,
    orgUnits: Object.fromEntries(units.map((u) => [u.code, { label: u.name, labelEn: u.nameEn ?? u.name }])),
  });
}

/** Methodology block of a report: frame, sample design, fieldwork, weighting. */
async function methodology(db: DbOrTx, actor: Actor, s: SurveyRow) {
  const [sample] = await db.select().from(surveySamples).where(eq(surveySamples.surveyId, s.id));
  const fw = await fieldwork(db as Db, actor, s.id);
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
    if (s.status !== 'closed' && s.status !== 'published')
      throw conflict('Close fieldwork before publishing', [{ path: 'status', message: s.status }]);
    // A published report is the survey estimate the cycle's results read: frozen with them.
    if (s.cycleId) await assertCycleNotPublished(tx, s.cycleId);
    const report = {
      survey: presentSurvey(s),
      methodology: await methodology(tx, a, s),
      analysis: await computeAnalysis(tx, s, opts),
    };
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

/** Published surveys, for the portal. */
export async function listPublishedSurveys(db: Db, q: { cycleId?: string }) {
  const rows = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.status, 'published'), q.cycleId ? eq(surveys.cycleId, q.cycleId) : undefined))
    .orderBy(desc(surveys.publishedAt));
  return rows.map((s) => ({
    id: s.id,
    code: s.code,
    cycleId: s.cycleId,
    title: s.title,
    titleEn: s.titleEn,
    publishedAt: s.publishedAt,
  }));
}

export async function getPublishedReport(db: Db, id: string) {
  const [row] = await db
    .select({ report: surveyReports.report, publishedAt: surveyReports.publishedAt, status: surveys.status })
    .from(surveyReports)
    .innerJoin(surveys, eq(surveys.id, surveyReports.surveyId))
    .where(eq(surveyReports.surveyId, id));
  if (!row || row.status !== 'published') throw notFound('Survey report');
  // Stored as published: the JSON of {survey, methodology, analysis} at that moment.
  return { publishedAt: row.publishedAt, ...(row.report as Omit<SurveyReport, 'publishedAt'>) };
}

/**
 * Raw answers without personal data: no frame id, contact or interviewer; one column per
 * question (matrix rows as `q.item`, multiple choices joined with ';'), stratum, mode, trust, weight.
 */
export async function exportAnswers(db: DbOrTx, actor: Actor | null, id: string, format: 'csv' | 'xlsx') {
  const { actor: a, survey: s, versionId } = await exportableSurvey(db, actor, id);
  const [v] = await db.select().from(surveyVersions).where(eq(surveyVersions.id, versionId));
  const def = v.definition as Questionnaire;
  const rows = await db
    .select()
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, id))
    .orderBy(asc(surveyResponses.submittedAt), asc(surveyResponses.id));
  const cols: { key: string; get: (a: Answers) => unknown }[] = [];
  for (const q of allQuestions(def)) {
    if (q.type === 'matrix')
      for (const it of q.items ?? [])
        cols.push({
          key: `${q.id}.${it.id}`,
          get: (a) => (a[q.id] as Record<string, number> | undefined)?.[it.id],
        });
    else
      cols.push({
        key: q.id,
        get: (a) => (Array.isArray(a[q.id]) ? (a[q.id] as string[]).join(';') : a[q.id]),
      });
  }
  const header = [
    'response',
    ...s.strataFields,
    'stratum',
    'mode',
    'trust',
    'designWeight',
    'submittedDate',
    ...cols.map((c) => c.key),
  ];
  const data = rows.map((r, i) => [
    i + 1,
    ...s.strataFields.map((f) => r.profile[f] ?? ''),
    r.stratum,
    r.mode,
    r.trust,
    r.designWeight,
    r.submittedAt.toISOString().slice(0, 10),
    ...cols.map((c) => c.get(r.answers as Answers) ?? ''),
  ]);
  // An export of respondents' answers is a security event (MLPS: exports are logged).
  await appendAudit(db, [
    {
      actorId: a.id,
      action: 'survey.export',
      entityType: 'survey_export',
      entityId: id,
      data: { format, rows: rows.length },
    },
  ]);
  // The shared writer escapes answers that a spreadsheet would run as formulas (lib/export.ts).
  const table = await exportTable(format, { name: 'answers', header, rows: data as Cell[][] });
  return { ...table, rows: rows.length };
}

/** Who may export a survey's answers (the office) and whether it has any (fielded); else refused. */
export async function exportableSurvey(db: DbOrTx, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'Survey export');
  const s = await loadSurvey(db, id);
  if (!s.fieldedVersionId)
    throw conflict('The survey has not been fielded', [{ path: 'status', message: s.status }]);
  return { actor: a, survey: s, versionId: s.fieldedVersionId };
}

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
    const byPlan =
      (
        r.report as {
          analysis?: {
            satisfaction?: {
              byPlan?: { planId: string; index: { mean: number | null; effectiveN: number | null } | null }[];
            };
          };
        }
      ).analysis?.satisfaction?.byPlan ?? [];
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
      const subjects = subjectsOf({ subjects: n.subjects } as IndicatorNode);
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
