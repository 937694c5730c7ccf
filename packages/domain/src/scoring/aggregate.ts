import { DomainError } from '../indicators/errors';
import {
  isLeaf,
  kindOf,
  subjectsOf,
  type IndicatorKind,
  type IndicatorNode,
  type SubjectType,
  type VetoSpec,
} from '../indicators/types';
import { bonusDeduction, scoreRule, type ScoringRule } from './rules';

/** One rating of a leaf by one rater. */
export interface Rating {
  subject: SubjectType;
  /** 0–100. */
  score: number;
  /** Stakeholder relevance 相关度 or other rater weight, ≥ 0, default 1. */
  weight?: number;
  raterId?: string;
  /**
   * The rating is an estimate over many respondents (a published survey's satisfaction index,
   * weighted by its effective sample size), not one rater's score. Trimming is a guard against
   * single outlying raters, so it never drops an estimate: only individual ratings are counted and
   * trimmed, and the estimates enter the panel's mean beside the kept ones with their weights.
   */
  estimate?: boolean;
}

/** What is known about one leaf: its measured value and/or ratings. */
export interface LeafInput {
  value?: number | null;
  ratings?: Rating[];
  /** A value was reported but is not verified (pending or rejected): a missing value is 'unverified'. */
  unverified?: boolean;
  /** A survey of the appraisee is under way: a leaf with a public panel awaits its estimate. */
  estimatePending?: boolean;
}

/**
 * How a missing input is treated (a rule of the cycle): 'incomplete' scores it 0 and leaves the
 * result incomplete (no grade, rank or consequence); 'renormalise' excludes the leaf and
 * renormalises its siblings' weights; 'zero' scores it 0.
 */
export const MISSING_DATA_POLICIES = ['incomplete', 'renormalise', 'zero'] as const;
export type MissingDataPolicy = (typeof MISSING_DATA_POLICIES)[number];

/**
 * Why a leaf's input is missing: no value at all, a value not verified, no panel with enough raters
 * (and no data), or a survey estimate not yet published for a leaf with a public panel.
 */
export type MissingReason = 'unreported' | 'unverified' | 'insufficient_raters' | 'no_estimate';

/** A leaf whose input is missing. */
export interface MissingInput {
  code: string;
  name: string;
  nameEn?: string;
  reason: MissingReason;
  /** The leaf carries a veto: the veto cannot be decided, so the result is incomplete under any policy. */
  veto?: true;
}

/** What a stored result lacks: a leaf input, or a combined part (the unit's result, the term's annual results). */
export type MissingEntry =
  MissingInput | { code: 'UNIT' | 'ANNUAL'; name: string; nameEn?: string; reason: 'combined_part_missing' };

/** A first-level indicator of a score: its weight and attainment (for sensitivity and charts). */
export interface FirstLevelAttainment {
  code: string;
  weight: number;
  attainment: number;
}

/** Options of {@link scoreAppraisee}. */
export interface ScoreOptions {
  /** Drop this many highest and lowest ratings of each panel (when the panel has more than 2× as many). */
  trimEachSide?: number;
  /** A panel with fewer raters is insufficient; its subject weight goes to the present subjects. */
  minRaters?: number;
  /** How a missing leaf input is treated (default 'incomplete'). */
  missingData?: MissingDataPolicy;
}

/** How one subject entered a leaf's attainment. */
export interface SubjectBreakdown {
  type: SubjectType;
  /** Configured share of the leaf (0–100). */
  weight: number;
  /** Share after redistributing the weight of insufficient panels (0–100). */
  effectiveWeight: number;
  /** Number of ratings (for 'data': 1 if a value was given, else 0). */
  n: number;
  /** Weighted mean of all ratings (for 'data': the rule's attainment); 0 when n = 0. */
  mean: number;
  /** Figure entered into the leaf: trimmed or weighted mean (for 'data': the attainment). */
  used: number;
  insufficient?: boolean;
}

/** One node of a score's explanation. */
export interface BreakdownNode {
  code: string;
  name: string;
  /** English name, when the indicator has one. */
  nameEn?: string;
  weight: number;
  /**
   * normal: 0–100 (up to 100 × cap with over-fulfilment); bonus/deduction: the points granted
   * or taken (≥ 0).
   */
  attainment: number;
  /**
   * Points this node adds to the total. normal: its share of the weighted score (normal children's
   * contributions sum to it); bonus: +points; deduction: −points.
   */
  contribution: number;
  kind: IndicatorKind;
  children?: BreakdownNode[];
  value?: number | null;
  rule?: ScoringRule;
  subjects?: SubjectBreakdown[];
  /** Leaf: why its input is missing (it then attains 0, or is excluded under 'renormalise'). */
  missing?: MissingReason;
  /** Under 'renormalise': left out of its parent (a missing leaf, or a parent all of whose children are). */
  excluded?: true;
  notes: string[];
}

/** Veto outcome of an appraisee. */
export interface VetoOutcome {
  triggered: boolean;
  /** Leaves whose veto was triggered. */
  codes: string[];
  /** The most severe mode among them ('unqualified' over 'downOne'). */
  mode?: VetoSpec['mode'];
}

/** The figures of an appraisee's score. */
export interface ScoreFigures {
  /** max(0, weightedScore + bonus − deduction). */
  total: number;
  /** Σ first-level weight × attainment / 100. */
  weightedScore: number;
  /** Points of all bonus items. */
  bonus: number;
  /** Points of all deduction items. */
  deduction: number;
  /** True when the deductions pushed the total below 0 and it was floored at 0. */
  floored: boolean;
  /** A missing leaf never triggers its veto (it cannot be decided; see {@link MissingInput.veto}). */
  veto: VetoOutcome;
  /** Leaves whose input is missing, in the tree's order. */
  missing: MissingInput[];
  /** Whether the figures stand under the missing-data policy: see {@link isComplete}. */
  complete: boolean;
}

/** An appraisee's score with its explanation. */
export interface AppraiseeScore extends ScoreFigures {
  breakdown: BreakdownNode[];
}

/** A leaf failed its veto when its attainment is below full marks (with a float tolerance). */
const VETO_TOLERANCE = 1e-9;

/** The figure of one subject's panel on a leaf (scoreAppraisee; compileTree's panelUsed gives the same `used`). */
export interface PanelResult {
  n: number;
  mean: number;
  used: number;
  insufficient: boolean;
  notes: string[];
}

export function panel(
  subject: SubjectType,
  ratings: Rating[],
  options: ScoreOptions,
  code: string,
): PanelResult {
  ratings.forEach((r, i) => {
    if (!Number.isFinite(r.score) || r.score < 0 || r.score > 100) {
      throw new DomainError(`inputs.${code}.ratings[${i}].score`, `rating ${r.score} must be within 0–100`);
    }
    if (r.weight !== undefined && (!Number.isFinite(r.weight) || r.weight < 0)) {
      throw new DomainError(`inputs.${code}.ratings[${i}].weight`, `rater weight ${r.weight} must be ≥ 0`);
    }
  });
  const notes: string[] = [];
  const n = ratings.length;
  // Summed in the order of score, then weight (equal pairs add equal terms), so that the mean never
  // depends on the order the ratings were read in: the compute's reads, the explanation's and a
  // recomputation from the open-data bundle give the same figure to the last bit.
  const weightedMean = (rs: Rating[]) => {
    const sorted = [...rs].sort((a, b) => a.score - b.score || (a.weight ?? 1) - (b.weight ?? 1));
    const w = sorted.reduce((s, r) => s + (r.weight ?? 1), 0);
    return w > 0 ? sorted.reduce((s, r) => s + (r.weight ?? 1) * r.score, 0) / w : NaN;
  };
  const minRaters = options.minRaters ?? 1;
  const mean = weightedMean(ratings);
  if (n === 0 || n < minRaters || Number.isNaN(mean)) {
    notes.push(
      n === 0
        ? `${subject}: no ratings, weight redistributed`
        : Number.isNaN(mean)
          ? `${subject}: all rater weights are 0, weight redistributed`
          : `${subject}: ${n} raters < minimum ${minRaters}, weight redistributed`,
    );
    return { n, mean: Number.isNaN(mean) ? 0 : mean, used: 0, insufficient: true, notes };
  }
  const k = Math.max(0, Math.floor(options.trimEachSide ?? 0));
  // Estimates are never trimmed (see Rating.estimate): the rule applies to the individual raters.
  const raters = ratings.filter((r) => !r.estimate);
  const estimates = ratings.filter((r) => r.estimate);
  const m = raters.length;
  const estimateNote = estimates.length ? `; ${estimates.length} survey estimate(s) kept` : '';
  if (k > 0 && m > 2 * k) {
    // Drop by score; the kept ratings keep their relevance weights (all 1 → plain trimmed mean).
    // Equal scores are ordered by weight, so that which of them is dropped never depends on the
    // order the ratings were read in (the lightest of the lowest, the heaviest of the highest go).
    const kept = raters
      .map((r, i) => ({ r, i }))
      .sort((a, b) => a.r.score - b.r.score || (a.r.weight ?? 1) - (b.r.weight ?? 1) || a.i - b.i)
      .slice(k, m - k)
      .map((x) => x.r);
    const used = weightedMean([...kept, ...estimates]);
    if (!Number.isNaN(used)) {
      notes.push(`${subject}: dropped ${k} highest and ${k} lowest of ${m}${estimateNote}`);
      return { n, mean, used, insufficient: false, notes };
    }
    notes.push(`${subject}: kept ratings all weigh 0, untrimmed mean used`);
  } else if (k > 0) {
    notes.push(`${subject}: ${m} ratings, too few to drop ${k} each side${estimateNote}`);
  }
  return { n, mean, used: mean, insufficient: false, notes };
}

/**
 * Why a leaf's input is missing, if it is (shared by scoreAppraisee and compileTree): a data
 * subject without a verified value ('unverified' when one was reported, else 'unreported'); a
 * public panel awaiting a survey estimate ('no_estimate'); or no subject present at all, every
 * panel below the minimum raters ('insufficient_raters'). A leaf with at least one present subject
 * and no data gap is not missing: absent panels give their weight to the present ones.
 */
export function leafMissingReason(
  configured: readonly { type: SubjectType }[],
  present: readonly boolean[],
  hasValue: boolean,
  flags: { unverified?: boolean; estimatePending?: boolean },
): MissingReason | undefined {
  let data = false;
  let publicPanel = false;
  let anyPresent = false;
  for (let j = 0; j < configured.length; j++) {
    if (configured[j].type === 'data') data = true;
    else {
      if (configured[j].type === 'public') publicPanel = true;
      if (present[j]) anyPresent = true;
    }
  }
  if (data && !hasValue) return flags.unverified ? 'unverified' : 'unreported';
  if (publicPanel && flags.estimatePending) return 'no_estimate';
  if (!data && !anyPresent) return 'insufficient_raters';
  return undefined;
}

/**
 * Whether a score's figures stand under the missing-data policy: nothing missing; or, under
 * 'renormalise' or 'zero', no missing veto leaf (a veto cannot be decided without its input) and,
 * under 'renormalise', something left to score (not every first-level indicator excluded).
 */
export function isComplete(
  policy: MissingDataPolicy,
  missing: readonly MissingInput[],
  allExcluded: boolean,
): boolean {
  if (missing.length === 0) return true;
  if (policy === 'incomplete' || missing.some((m) => m.veto)) return false;
  return !(policy === 'renormalise' && allExcluded);
}

/**
 * A first-level indicator's share of the total: weight / 100, or, when missing indicators were
 * excluded, its weight renormalised over the present ones and scaled to the sum of all weights.
 */
export function firstLevelShare(weight: number, all: number, present: number): number {
  if (present === all) return weight / 100;
  return present > 0 ? (weight / present) * (all / 100) : 0;
}

const MISSING_NOTE: Record<MissingReason, string> = {
  unreported: 'missing: no value reported',
  unverified: 'missing: value not verified',
  insufficient_raters: 'missing: no panel with enough raters',
  no_estimate: 'missing: survey estimate not yet published',
};

function scoreLeaf(
  node: IndicatorNode,
  input: LeafInput | undefined,
  options: ScoreOptions,
): Omit<BreakdownNode, 'contribution'> {
  const notes: string[] = [];
  const configured = subjectsOf(node);
  const value = input?.value;
  if (value !== undefined && value !== null && !Number.isFinite(value)) {
    throw new DomainError(`inputs.${node.code}.value`, `value ${value} must be a finite number`);
  }
  const ratings = input?.ratings ?? [];
  const configuredTypes = new Set(configured.map((s) => s.type));
  const stray = [
    ...new Set(ratings.map((r) => r.subject).filter((s) => s === 'data' || !configuredTypes.has(s))),
  ];
  if (stray.length > 0) notes.push(`ignored ratings of subjects not configured here: ${stray.join(', ')}`);

  const rows: (SubjectBreakdown & { present: boolean })[] = configured.map((s) => {
    if (s.type === 'data') {
      const rule = node.rule;
      if (!rule || rule.type === 'perUnit') {
        throw new DomainError(
          `nodes.${node.code}.rule`,
          `indicator ${node.code} is scored from data but has no attainment rule`,
        );
      }
      if (value === undefined || value === null)
        return { type: s.type, weight: s.weight, effectiveWeight: 0, n: 0, mean: 0, used: 0, present: true };
      const a = scoreRule(rule, value);
      if (
        (node.plausibleMin !== undefined && value < node.plausibleMin) ||
        (node.plausibleMax !== undefined && value > node.plausibleMax)
      ) {
        notes.push(
          `implausible: ${value} outside [${node.plausibleMin ?? '-∞'}, ${node.plausibleMax ?? '∞'}]`,
        );
      }
      return { type: s.type, weight: s.weight, effectiveWeight: 0, n: 1, mean: a, used: a, present: true };
    }
    const p = panel(
      s.type,
      ratings.filter((r) => r.subject === s.type),
      options,
      node.code,
    );
    notes.push(...p.notes);
    return {
      type: s.type,
      weight: s.weight,
      effectiveWeight: 0,
      n: p.n,
      mean: p.mean,
      used: p.used,
      ...(p.insufficient ? { insufficient: true } : {}),
      present: !p.insufficient,
    };
  });

  const missing = leafMissingReason(
    configured,
    rows.map((r) => r.present),
    value !== undefined && value !== null,
    input ?? {},
  );
  // A missing leaf attains 0 (excluded from its parent under 'renormalise'); otherwise absent
  // panels give their weight to the present subjects.
  const presentWeight = rows.filter((r) => r.present).reduce((s, r) => s + r.weight, 0);
  let attainment = 0;
  if (missing) {
    const policy = options.missingData ?? 'incomplete';
    notes.push(
      `${MISSING_NOTE[missing]}; ${
        policy === 'renormalise'
          ? "excluded, its siblings' weights renormalised"
          : policy === 'zero'
            ? 'scored 0'
            : 'scored 0, result incomplete'
      }`,
    );
  } else if (presentWeight > 0) {
    for (const r of rows) {
      r.effectiveWeight = r.present ? (r.weight * 100) / presentWeight : 0;
      attainment += (r.effectiveWeight * r.used) / 100;
    }
  } else notes.push('no subject present: attainment 0');

  return {
    code: node.code,
    name: node.name,
    ...(node.nameEn ? { nameEn: node.nameEn } : {}),
    weight: node.weight,
    attainment,
    kind: 'normal',
    ...(input && 'value' in input ? { value: input.value } : {}),
    ...(node.rule ? { rule: node.rule } : {}),
    subjects: rows.map(({ present: _present, ...r }) => r),
    ...(missing ? { missing } : {}),
    notes,
  };
}

/**
 * Scores one appraisee bottom-up over a plan's indicator tree.
 *
 * Leaf: each configured subject gives a figure — 'data' by the rule on the value, other subjects by
 * their panel's weighted mean (trimmed with options.trimEachSide); panels with no or too few raters
 * (options.minRaters) are insufficient and their weight is redistributed proportionally over the
 * present subjects. Parent: Σ w·a / Σ w over normal children. Total: Σ first-level w·a / 100 +
 * bonus − deduction, floored at 0. Nothing is rounded here.
 *
 * Missing inputs (see {@link leafMissingReason}) are listed in `missing`. Under options.missingData
 * 'incomplete' (default) and 'zero' a missing leaf attains 0; under 'renormalise' it is excluded
 * and its parent's attainment is the weighted mean of the present children (a parent whose children
 * are all excluded is excluded in turn; at the first level the present weights are scaled to the
 * sum of all first-level weights). `complete` is {@link isComplete}. Bonus and deduction items
 * without a value give 0 points and are not missing: they are granted or taken on a reported event.
 *
 * Veto: a leaf with `veto` whose attainment is below 100 triggers it; a missing veto leaf does not
 * (it cannot be decided) and leaves the result incomplete. Throws DomainError for a leaf scored from
 * data without an attainment rule, a non-finite value, a rating outside 0–100 or a negative rater weight.
 *
 * Laws: Σ contributions of normal first-level nodes + bonus − deduction = total (unless floored);
 * the normal children's contributions sum to their parent's. Bonus/deduction items may sit at any
 * level; their signed contribution adds straight to the total, not to their parent's.
 */
export function scoreAppraisee(
  nodes: IndicatorNode[],
  inputs: Record<string, LeafInput>,
  options: ScoreOptions = {},
): AppraiseeScore {
  const policy = options.missingData ?? 'incomplete';
  const renormalise = policy === 'renormalise';
  let bonus = 0;
  let deduction = 0;
  const veto: VetoOutcome = { triggered: false, codes: [] };
  const missing: MissingInput[] = [];

  // First pass, bottom-up: attainments and exclusions (contributions are set by `share` below).
  const visit = (node: IndicatorNode): BreakdownNode => {
    const kind = kindOf(node);
    if (kind !== 'normal') {
      const value = inputs[node.code]?.value;
      const points = bonusDeduction(node, value);
      if (kind === 'bonus') bonus += points;
      else deduction += points;
      return {
        code: node.code,
        name: node.name,
        ...(node.nameEn ? { nameEn: node.nameEn } : {}),
        weight: node.weight,
        attainment: points,
        contribution: kind === 'bonus' ? points : -points,
        kind,
        ...(value !== undefined ? { value } : {}),
        ...(node.rule ? { rule: node.rule } : {}),
        notes: value === undefined || value === null ? ['no value: 0 points'] : [],
      };
    }
    if (isLeaf(node)) {
      const leaf: BreakdownNode = { ...scoreLeaf(node, inputs[node.code], options), contribution: 0 };
      if (leaf.missing) {
        missing.push({
          code: node.code,
          name: node.name,
          ...(node.nameEn ? { nameEn: node.nameEn } : {}),
          reason: leaf.missing,
          ...(node.veto ? { veto: true as const } : {}),
        });
        if (renormalise) leaf.excluded = true;
        if (node.veto) leaf.notes.push(`veto (${node.veto.mode}): undecided, input missing`);
      } else if (node.veto && leaf.attainment < 100 - VETO_TOLERANCE) {
        veto.triggered = true;
        veto.codes.push(node.code);
        if (veto.mode !== 'unqualified') veto.mode = node.veto.mode;
        leaf.notes.push(`veto (${node.veto.mode}): not fully attained`);
      }
      return leaf;
    }
    const childNodes = (node.children ?? []).map(visit);
    const normals = childNodes.filter((c) => c.kind === 'normal');
    const sumW = normals.reduce((s, c) => s + c.weight, 0);
    const notes: string[] = [];
    let attainment = 0;
    let excluded = false;
    if (renormalise && normals.some((c) => c.excluded)) {
      excluded = normals.every((c) => c.excluded);
      const sumP = normals.reduce((s, c) => (c.excluded ? s : s + c.weight), 0);
      if (sumP > 0)
        attainment = normals.reduce((s, c) => (c.excluded ? s : s + (c.weight / sumP) * c.attainment), 0);
      notes.push(
        excluded
          ? 'every child missing: excluded'
          : `weights renormalised over the present children (missing: ${normals
              .filter((c) => c.excluded)
              .map((c) => c.code)
              .join(', ')})`,
      );
    } else if (sumW > 0) attainment = normals.reduce((s, c) => s + (c.weight / sumW) * c.attainment, 0);
    else notes.push('no weighted children: attainment 0');
    return {
      code: node.code,
      name: node.name,
      ...(node.nameEn ? { nameEn: node.nameEn } : {}),
      weight: node.weight,
      attainment,
      contribution: 0,
      kind,
      children: childNodes,
      ...(excluded ? { excluded: true as const } : {}),
      notes,
    };
  };

  // Second pass, top-down: share = the node's weight in the total, contribution = share × attainment.
  const share = (node: BreakdownNode, s: number) => {
    if (node.kind !== 'normal') return;
    node.contribution = node.excluded ? 0 : s * node.attainment;
    const normals = (node.children ?? []).filter((c) => c.kind === 'normal');
    const sum = normals.reduce((t, c) => (renormalise && c.excluded ? t : t + c.weight), 0);
    for (const c of node.children ?? [])
      if (c.kind === 'normal') share(c, node.excluded || c.excluded || !(sum > 0) ? 0 : s * (c.weight / sum));
  };

  const breakdown = nodes.map(visit);
  const firstLevel = breakdown.filter((b) => b.kind === 'normal');
  const all = firstLevel.reduce((s, b) => s + b.weight, 0);
  const present = firstLevel.reduce((s, b) => (b.excluded ? s : s + b.weight), 0);
  for (const b of firstLevel) share(b, firstLevelShare(b.weight, all, present));
  const weightedScore = firstLevel.reduce((s, b) => s + b.contribution, 0);
  const allExcluded = firstLevel.length > 0 && firstLevel.every((b) => b.excluded);
  return {
    ...scoreFigures(weightedScore, bonus, deduction, veto, missing, isComplete(policy, missing, allExcluded)),
    breakdown,
  };
}

/** A score's figures from its parts: the total floored at 0 (shared by scoreAppraisee and compileTree). */
export function scoreFigures(
  weightedScore: number,
  bonus: number,
  deduction: number,
  veto: VetoOutcome,
  missing: MissingInput[],
  complete: boolean,
): ScoreFigures {
  const raw = weightedScore + bonus - deduction;
  return {
    total: Math.max(0, raw),
    weightedScore,
    bonus,
    deduction,
    floored: raw < 0,
    veto,
    missing,
    complete,
  };
}
