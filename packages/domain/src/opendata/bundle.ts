/**
 * Open data bundle of a published cycle, and its independent recomputation: every published result
 * recomputed from the bundle alone with the same domain functions the platform computes with
 * (scoreAppraisee, combineTotals, gradeAndRank), no database. `npx perfcommons verify-bundle <file>`
 * runs {@link recomputeBundle}; the data dictionary is in docs/open-data.md.
 */
import type { IndicatorNode, SubjectType, VetoSpec } from '../indicators/types';
import {
  scoreAppraisee,
  type LeafInput,
  type MissingDataPolicy,
  type Rating,
  type ScoreOptions,
} from '../scoring/aggregate';
import { combineTotals, type CombinedPart } from '../scoring/combine';
import { gradeAndRank, type GradeScheme } from '../grading/grade';

export const BUNDLE_FORMAT = 'perfcommons-open-data';
export const BUNDLE_FORMAT_VERSION = 1;

/**
 * A rater panel with fewer individual raters than this is published as its figure only (count and the
 * trimmed mean it contributed), never as a list of scores: with a handful of raters whose names are
 * known, a list of scores could be matched to people.
 */
export const PANEL_DISCLOSURE_MINIMUM = 5;

/** The cycle's rules as the computation reads them (the frozen version). */
export interface BundleRules {
  trimEachSide: number;
  minRaters: number;
  unitShareForCadres: number;
  annualShareForTerm: number;
  appealWindowDays: number;
  missingData: MissingDataPolicy;
  consequenceRules: {
    kind: string;
    grade?: string;
    consecutive?: number;
    veto?: boolean;
    appraiseeType?: 'unit' | 'cadre';
    value?: number;
  }[];
}

export interface BundlePlan {
  id: string;
  appraiseeType: string;
  orgUnitId: string;
  orgCode: string;
  /** The cadre appraised (null for a unit or project). */
  personId: string | null;
  name: string;
  nameEn: string | null;
  peerGroup: string;
  /** The indicator tree as scored (nested; weights, rules, subjects, veto). */
  tree: IndicatorNode[];
}

/** One rater panel: the ratings of one subject type on one indicator of one plan. */
export interface BundlePanel {
  planId: string;
  indicatorCode: string;
  subject: SubjectType;
  /** Individual ratings (survey estimates of the public panel are listed in surveyEstimates). */
  raters: number;
  /**
   * With at least PANEL_DISCLOSURE_MINIMUM raters: their scores and weights (relevance for public
   * raters, else 1), anonymous, sorted by score then weight.
   */
  ratings?: { score: number; weight: number }[];
  /**
   * Fewer raters: the panel's figure only. `insufficient` when it did not count (fewer than minRaters,
   * or every weight 0); otherwise `used`, the trimmed weighted mean the panel contributed (survey
   * estimates of the public panel included).
   */
  insufficient?: boolean;
  used?: number;
}

export interface BundleEstimate {
  planId: string;
  indicatorCode: string;
  /** Satisfaction estimate (0–100) of a published survey. */
  score: number;
  /** Its weight in the public panel: the estimate's effective sample size. */
  weight: number;
  survey: string;
}

/**
 * An active finding of audit, discipline inspection or finance on a deduction item of a plan: its points
 * add to the item's input (docs/linkage.md). Where the disclosure policy withholds the consequences of the
 * result (a cadre's), only the item's total points are given (`summarised`), without kind or document.
 */
export interface BundleFinding {
  planId: string;
  indicatorCode: string;
  /** Points deducted (for a summarised entry, the sum over the item's findings). */
  points: number;
  /** audit | discipline | finance (absent when summarised). */
  kind?: string;
  docTitle?: string;
  docNumber?: string;
  docDate?: string;
  summarised?: boolean;
}

export interface BundleResult {
  id: string;
  planId: string;
  /** Published revision (1 at publication; later ones after an accepted appeal or a correction). */
  revision: number | null;
  total: number;
  weightedScore: number;
  bonus: number;
  deduction: number;
  grade: string | null;
  gradeByScore: string | null;
  rank: number | null;
  peerGroup: string;
  peerGroupSize: number;
  complete: boolean;
  veto: { triggered: boolean; codes: string[]; mode?: VetoSpec['mode'] };
  /** Codes of the missing inputs (leaves, or UNIT / ANNUAL combined parts). */
  missing: string[];
  /** Kinds of the consequences applied. */
  consequences: string[];
}

export interface OpenDataBundle {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  cycle: {
    id: string;
    code: string;
    name: string;
    nameEn: string | null;
    type: string;
    periodStart: string;
    periodEnd: string;
  };
  licence: { name: string; url: string; note: string };
  regulations: { version: number; frozenAt: string; rules: BundleRules; gradeScheme: GradeScheme };
  /**
   * Panels under `panelMinimum` raters are published as their figure only; the cycle's disclosure policy
   * (opendata/disclosure.ts) says which results and consequences are published (absent in older bundles:
   * everything was). Withheld results are not in the bundle; withheld consequences are published empty.
   */
  disclosure: {
    panelMinimum: number;
    unitResults?: boolean;
    cadreGrades?: boolean;
    cadreConsequences?: boolean;
  };
  plans: BundlePlan[];
  /** Every verified value of the plans (all periods; the scored one is chosen by {@link preferPeriod}). */
  values: { planId: string; indicatorCode: string; period: string; value: number }[];
  /** Indicators with a value reported but not verified (missing as 'unverified', not 'unreported'). */
  unverified: { planId: string; indicatorCode: string }[];
  panels: BundlePanel[];
  surveyEstimates: BundleEstimate[];
  /** Plans a survey still in fieldwork asks about: their public panels await the estimate. */
  estimatesPending: string[];
  /** Active findings on deduction items (absent in bundles made before findings were published). */
  findings?: BundleFinding[];
  /** Term cycles: the annual results of each appraisee within the term (the ANNUAL part). */
  annualResults: { planId: string; cycleCode: string; total: number; complete: boolean }[];
  /** Grades of earlier annual cycles, newest first, for consequence rules that need n years in a row. */
  gradeHistory: { planId: string; cycleCode: string; periodEnd: string; grade: string | null }[];
  results: BundleResult[];
}

/**
 * Which verified value of an indicator scores: the value of the cycle's year (`annualPeriod`, e.g.
 * `2025`) wins; otherwise the latest period (ISO labels sort by time: `2025-Q3` < `2025-Q4`).
 * Whether a value of `period` replaces the one chosen so far (`chosen`).
 */
export function preferPeriod(chosen: string | undefined, period: string, annualPeriod: string): boolean {
  return chosen === undefined || period === annualPeriod || (chosen !== annualPeriod && period > chosen);
}

/** Scoring options of a cycle's rules. */
export const scoreOptionsOf = (
  rules: Pick<BundleRules, 'trimEachSide' | 'minRaters' | 'missingData'>,
): ScoreOptions => ({
  trimEachSide: rules.trimEachSide,
  minRaters: rules.minRaters,
  missingData: rules.missingData,
});

/** Consequence kinds a graded result earns under the rules (see results/derive.ts applyConsequences). */
export function consequenceKinds(
  rules: BundleRules['consequenceRules'],
  result: { grade: string | null; vetoed: boolean; appraiseeType: string },
  /** Grades of the appraisee's earlier annual cycles, newest first. */
  history: (string | null)[],
): string[] {
  if (result.grade === null) return [];
  let streak = 1;
  for (const g of history) {
    if (g !== result.grade) break;
    streak += 1;
  }
  const kinds: string[] = [];
  for (const rule of rules) {
    if (rule.appraiseeType && rule.appraiseeType !== result.appraiseeType) continue;
    if (rule.veto !== undefined && rule.veto !== result.vetoed) continue;
    if (rule.grade !== undefined && rule.grade !== result.grade) continue;
    if (rule.grade === undefined && rule.veto === undefined) continue;
    if (rule.consecutive && rule.consecutive > 1 && streak < rule.consecutive) continue;
    if (!kinds.includes(rule.kind)) kinds.push(rule.kind);
  }
  return kinds;
}

/** One published figure that the recomputation does not reproduce. */
export interface BundleDifference {
  resultId: string;
  planId: string;
  name: string;
  field: string;
  published: unknown;
  recomputed: unknown;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * (1 + Math.abs(b));

/**
 * Recomputes every result of the bundle from its regulations, trees, values, panels and estimates, and
 * lists each published figure that differs (numbers within 1e-6 relative: the platform's compiled
 * scorer sums in another order).
 */
export function recomputeBundle(b: OpenDataBundle): {
  results: number;
  differences: BundleDifference[];
} {
  const { rules, gradeScheme } = b.regulations;
  const annual = b.cycle.periodEnd.slice(0, 4);
  const options = scoreOptionsOf(rules);
  const inputs = new Map<string, Record<string, LeafInput>>();
  const leafOf = (planId: string, code: string) => {
    let plan = inputs.get(planId);
    if (!plan) inputs.set(planId, (plan = {}));
    return (plan[code] ??= {});
  };
  const periods = new Map<string, string>();
  for (const v of b.values) {
    const k = `${v.planId}|${v.indicatorCode}`;
    if (!preferPeriod(periods.get(k), v.period, annual)) continue;
    periods.set(k, v.period);
    leafOf(v.planId, v.indicatorCode).value = v.value;
  }
  for (const u of b.unverified) leafOf(u.planId, u.indicatorCode).unverified = true;
  // Findings add their points to the deduction item's verified value (or to 0): in the item's units, so a
  // perUnit item, which multiplies its value by its points per unit, deducts exactly the findings' points.
  const planById = new Map(b.plans.map((p) => [p.id, p]));
  for (const f of b.findings ?? []) {
    const plan = planById.get(f.planId);
    const node = plan && findNode(plan.tree, f.indicatorCode);
    if (!node) continue;
    const per = node.rule?.type === 'perUnit' && node.rule.points > 0 ? node.rule.points : 1;
    const leaf = leafOf(f.planId, f.indicatorCode);
    leaf.value = (leaf.value ?? 0) + f.points / per;
  }
  const summarised = new Set<string>();
  for (const p of b.panels) {
    const ratings = (leafOf(p.planId, p.indicatorCode).ratings ??= []);
    if (p.ratings) {
      for (const r of p.ratings) ratings.push({ subject: p.subject, score: r.score, weight: r.weight });
      continue;
    }
    // A panel published as its figure: that many equal ratings give the same figure (or none).
    summarised.add(`${p.planId}|${p.indicatorCode}|${p.subject}`);
    const count = p.raters + (p.subject === 'public' ? estimatesOf(b, p.planId, p.indicatorCode) : 0);
    for (let i = 0; i < count; i++)
      ratings.push(
        p.insufficient || p.used === undefined
          ? { subject: p.subject, score: 0, weight: 0 }
          : { subject: p.subject, score: p.used, weight: 1 },
      );
  }
  for (const e of b.surveyEstimates) {
    if (summarised.has(`${e.planId}|${e.indicatorCode}|public`)) continue;
    const rating: Rating = { subject: 'public', score: e.score, weight: e.weight, estimate: true };
    (leafOf(e.planId, e.indicatorCode).ratings ??= []).push(rating);
  }
  const pending = new Set(b.estimatesPending);
  const leaves = (nodes: IndicatorNode[]): string[] =>
    nodes.flatMap((n) => (n.children?.length ? leaves(n.children) : [n.code]));

  const own = new Map<string, ReturnType<typeof scoreAppraisee>>();
  for (const plan of b.plans) {
    if (pending.has(plan.id))
      for (const code of leaves(plan.tree)) leafOf(plan.id, code).estimatePending = true;
    own.set(plan.id, scoreAppraisee(plan.tree, inputs.get(plan.id) ?? {}, options));
  }

  // Combined parts: a cadre's share of the unit's result; in a term cycle, the annual results' mean.
  const unitPlan = new Map(b.plans.filter((p) => p.appraiseeType === 'unit').map((p) => [p.orgUnitId, p.id]));
  const annualOf = new Map<string, OpenDataBundle['annualResults']>();
  for (const a of b.annualResults) annualOf.set(a.planId, [...(annualOf.get(a.planId) ?? []), a]);
  const scored = b.plans.map((plan) => {
    const mine = own.get(plan.id)!;
    const parts: CombinedPart[] = [];
    const lacking: string[] = [];
    if (rules.unitShareForCadres > 0 && plan.appraiseeType === 'cadre') {
      const unitId = unitPlan.get(plan.orgUnitId);
      const unit = unitId === undefined ? undefined : own.get(unitId);
      if (!unit || !unit.complete) lacking.push('UNIT');
      if (unit)
        parts.push({
          code: 'UNIT',
          name: 'UNIT',
          total: unit.total,
          share: rules.unitShareForCadres,
          note: '',
        });
    }
    if (b.cycle.type === 'term' && rules.annualShareForTerm > 0) {
      const list = annualOf.get(plan.id) ?? [];
      if (list.length === 0 || list.some((a) => !a.complete)) lacking.push('ANNUAL');
      if (list.length)
        parts.push({
          code: 'ANNUAL',
          name: 'ANNUAL',
          total: list.reduce((s, a) => s + a.total, 0) / list.length,
          share: rules.annualShareForTerm,
          note: '',
        });
    }
    const totals = combineTotals(mine, parts);
    return {
      plan,
      own: mine,
      ...totals,
      complete: mine.complete && lacking.length === 0,
      missing: [...mine.missing.map((m) => m.code), ...lacking],
      group: `${plan.appraiseeType}:${plan.peerGroup}`,
    };
  });
  const ranked = scored.filter((s) => s.complete);
  const graded = new Map(
    gradeAndRank(
      ranked.map((s) => ({ id: s.plan.id, total: s.total, peerGroup: s.group, veto: s.own.veto })),
      gradeScheme,
    ).map((g) => [g.id, g]),
  );
  const groupSize = new Map<string, number>();
  for (const s of ranked) groupSize.set(s.group, (groupSize.get(s.group) ?? 0) + 1);
  const history = new Map<string, OpenDataBundle['gradeHistory']>();
  for (const h of b.gradeHistory) history.set(h.planId, [...(history.get(h.planId) ?? []), h]);

  const byPlan = new Map(scored.map((s) => [s.plan.id, s]));
  const differences: BundleDifference[] = [];
  for (const r of b.results) {
    const s = byPlan.get(r.planId);
    const name = s?.plan.name ?? r.planId;
    const differ = (field: string, published: unknown, recomputed: unknown) =>
      differences.push({ resultId: r.id, planId: r.planId, name, field, published, recomputed });
    if (!s) {
      differ('plan', 'published', 'not in the bundle');
      continue;
    }
    const g = graded.get(r.planId);
    for (const f of ['total', 'weightedScore', 'bonus', 'deduction'] as const)
      if (!close(r[f], s[f])) differ(f, r[f], s[f]);
    if (r.complete !== s.complete) differ('complete', r.complete, s.complete);
    if ((r.grade ?? null) !== (g?.grade ?? null)) differ('grade', r.grade, g?.grade ?? null);
    if ((r.gradeByScore ?? null) !== (g?.gradeByScore ?? null))
      differ('gradeByScore', r.gradeByScore, g?.gradeByScore ?? null);
    if ((r.rank ?? null) !== (g?.rank ?? null)) differ('rank', r.rank, g?.rank ?? null);
    const size = groupSize.get(s.group) ?? 0;
    if (r.peerGroupSize !== size) differ('peerGroupSize', r.peerGroupSize, size);
    if (r.veto.triggered !== s.own.veto.triggered) differ('veto', r.veto.triggered, s.own.veto.triggered);
    if (r.missing.join(',') !== s.missing.join(',')) differ('missing', r.missing, s.missing);
    const kinds = consequenceKinds(
      rules.consequenceRules,
      { grade: g?.grade ?? null, vetoed: s.own.veto.triggered, appraiseeType: s.plan.appraiseeType },
      (history.get(r.planId) ?? []).map((h) => h.grade),
    );
    const withheld =
      s.plan.appraiseeType === 'cadre'
        ? b.disclosure.cadreConsequences === false
        : b.disclosure.unitResults === false;
    if (!withheld && [...r.consequences].sort().join(',') !== [...kinds].sort().join(','))
      differ('consequences', r.consequences, kinds);
  }
  for (const s of scored)
    if (!b.results.some((r) => r.planId === s.plan.id))
      differences.push({
        resultId: '',
        planId: s.plan.id,
        name: s.plan.name,
        field: 'result',
        published: 'none',
        recomputed: s.total,
      });
  return { results: b.results.length, differences };
}

function findNode(nodes: IndicatorNode[], code: string): IndicatorNode | undefined {
  for (const n of nodes) {
    if (n.code === code) return n;
    const inner = n.children?.length ? findNode(n.children, code) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

function estimatesOf(b: OpenDataBundle, planId: string, code: string) {
  return b.surveyEstimates.filter((e) => e.planId === planId && e.indicatorCode === code).length;
}
