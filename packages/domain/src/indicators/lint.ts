import { textSimilarity } from '../participation/cluster';
import { isLeaf, isNormal, subjectsOf, type IndicatorNode, type SubjectType } from './types';

/** Codes of the scientific design checks 指标科学性检查 of {@link lintPlan}. */
export const LINT_CODES = [
  'smart.no_definition',
  'smart.no_data_source',
  'smart.no_target',
  'smart.target_below_baseline',
  'overlap',
  'balance.public_weight',
  'weight.too_small',
  'rubric.missing',
] as const;
export type LintCode = (typeof LINT_CODES)[number];

/** error: blocks submission unless overridden with a reason; warning: shown only. */
export type LintSeverity = 'error' | 'warning';

/** One finding of {@link lintPlan}. */
export interface LintFinding {
  code: LintCode;
  /** The leaf concerned ('' for the plan as a whole, e.g. `balance.public_weight`). */
  indicatorCode: string;
  severity: LintSeverity;
  /** English, naming the indicator and the numbers involved. */
  message: string;
  /** For `overlap`: the earlier indicator it nearly duplicates. */
  otherCode?: string;
  /** The measured quantity (share in %, similarity 0–1) where one is involved. */
  value?: number;
  /** The cycle's minimum the value falls below (share in %), for `balance.public_weight` and `weight.too_small`. */
  limit?: number;
}

/** Cycle rules the checks use (shares in percent of the plan's total score). */
export interface LintContext {
  /** Minimum share (%) of the total scored by the public (subjects `public` and `service_recipient`); 0 or absent: not checked. */
  minPublicWeight?: number;
  /** Minimum share (%) of the total of every normal leaf; 0 or absent: not checked. */
  minLeafShare?: number;
  /** Similarity (0–1, Jaccard of character bigrams of names, or names + definitions) from which two leaves overlap, default 0.6. */
  overlapThreshold?: number;
}

/** Subjects whose score is the public's satisfaction 群众满意度. */
export const PUBLIC_SUBJECTS: readonly SubjectType[] = ['public', 'service_recipient'];

/** Default similarity threshold of `overlap`. */
export const DEFAULT_OVERLAP_THRESHOLD = 0.6;

const SEVERITY_ORDER: Record<LintSeverity, number> = { error: 0, warning: 1 };

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** A normal leaf with its share (%) of the plan's total: the product of its and its ancestors' sibling shares. */
export interface LeafShare {
  node: IndicatorNode;
  share: number;
}

/**
 * Normal leaves with their share (%) of the total score. Each node's share among its normal siblings is its
 * weight over their sum (so a tree whose weights do not yet sum to 100 still gets shares that sum to 100);
 * bonus and deduction items and their subtrees are outside the weighted sum and left out.
 */
export function leafShares(tree: IndicatorNode[]): LeafShare[] {
  const out: LeafShare[] = [];
  const walk = (nodes: IndicatorNode[], parentShare: number) => {
    const normal = nodes.filter(isNormal);
    const sum = normal.reduce((s, n) => s + (Number.isFinite(n.weight) && n.weight > 0 ? n.weight : 0), 0);
    for (const n of normal) {
      const w = Number.isFinite(n.weight) && n.weight > 0 ? n.weight : 0;
      const share = sum > 0 ? (parentShare * w) / sum : 0;
      if (isLeaf(n)) out.push({ node: n, share });
      else walk(n.children!, share);
    }
  };
  walk(tree, 100);
  return out;
}

/**
 * Share (%) of the total scored by the public: for each normal leaf, its share of the total times the share
 * of its `public` and `service_recipient` subjects (subject weights over their sum).
 */
export function publicShare(tree: IndicatorNode[]): number {
  return leafShares(tree).reduce((s, { node, share }) => {
    const subjects = subjectsOf(node);
    const total = subjects.reduce((t, x) => t + (x.weight > 0 ? x.weight : 0), 0);
    const pub = subjects
      .filter((x) => PUBLIC_SUBJECTS.includes(x.type))
      .reduce((t, x) => t + (x.weight > 0 ? x.weight : 0), 0);
    return total > 0 ? s + (share * pub) / total : s;
  }, 0);
}

const scoredFromData = (n: IndicatorNode) => subjectsOf(n).some((s) => s.type === 'data' && s.weight > 0);
/** A qualitative leaf: raters (superiors, peers, the public…) give part of its score. */
const ratedByPeople = (n: IndicatorNode) => subjectsOf(n).some((s) => s.type !== 'data' && s.weight > 0);

/** The leaf's target: its own, or its rule's (linear, ratio). */
export function targetOf(n: IndicatorNode): number | undefined {
  if (n.target !== undefined) return n.target;
  if (n.rule?.type === 'linear' || n.rule?.type === 'ratio') return n.rule.target;
  return undefined;
}

/** The leaf's baseline: its own, or its linear rule's. */
export function baselineOf(n: IndicatorNode): number | undefined {
  if (n.baseline !== undefined) return n.baseline;
  if (n.rule?.type === 'linear') return n.rule.baseline;
  return undefined;
}

function directionOf(n: IndicatorNode): 'higher' | 'lower' {
  if (n.direction) return n.direction;
  if (n.rule?.type === 'linear' || n.rule?.type === 'ratio') return n.rule.direction;
  return 'higher';
}

const blank = (s: string | undefined) => !s || s.trim() === '';

/**
 * Scientific design checks of an indicator tree 指标科学性检查 (SMART, overlap, balance), each finding naming
 * the leaf concerned. Pure: the server runs it on every plan read and on submission (errors block submission
 * unless overridden with a reason), the editor shows what the server returned.
 *
 * Checked on normal leaves (bonus and deduction items are outside the weighted sum and only checked for a
 * data source):
 * - `smart.no_definition` (warning): no definition 指标解释 saying what is measured and how.
 * - `smart.no_data_source` (warning): a leaf scored from data without a data source.
 * - `smart.no_target` (error): a leaf scored from data without a target — neither its own nor its rule's
 *   (linear, ratio); banded and pass/fail rules state what is good themselves and need none.
 * - `smart.target_below_baseline`: the target is worse than the baseline in the leaf's direction (error), or
 *   equal to it (warning: a target that asks for no improvement; fine only for "keep at zero" indicators).
 * - `overlap` (warning): two leaves whose names, or names + definitions, have a Jaccard similarity of
 *   character bigrams of at least `overlapThreshold` (Chinese without word segmentation); reported once, on
 *   the later leaf, naming the first earlier one it nearly duplicates.
 * - `balance.public_weight` (error): the public's share of the total ({@link publicShare}) below
 *   `minPublicWeight`.
 * - `weight.too_small` (warning): a leaf whose share of the total ({@link leafShares}) is below `minLeafShare`.
 * - `rubric.missing` (warning): a leaf scored (in part) by raters without a behaviourally anchored rubric
 *   评分细则 of at least two score bands, which raters see beside the score.
 *
 * Findings are sorted errors first, then in tree order (plan-wide findings first).
 */
export function lintPlan(tree: IndicatorNode[], context: LintContext = {}): LintFinding[] {
  const findings: (LintFinding & { order: number })[] = [];
  const shares = leafShares(tree);
  const order = new Map<string, number>();
  const allLeaves: IndicatorNode[] = [];
  const walk = (nodes: IndicatorNode[]) =>
    nodes.forEach((n) => {
      if (isLeaf(n)) {
        if (!order.has(n.code)) order.set(n.code, order.size + 1);
        allLeaves.push(n);
      } else walk(n.children!);
    });
  walk(tree);
  const push = (f: LintFinding) => findings.push({ ...f, order: order.get(f.indicatorCode) ?? 0 });

  const minPublic = context.minPublicWeight ?? 0;
  if (minPublic > 0 && shares.length > 0) {
    const pub = publicShare(tree);
    if (pub < minPublic - 1e-9)
      push({
        code: 'balance.public_weight',
        indicatorCode: '',
        severity: 'error',
        message: `The public scores ${fmt(pub)}% of the total, below the cycle's minimum of ${fmt(minPublic)}%`,
        value: pub,
        limit: minPublic,
      });
  }

  for (const n of allLeaves) {
    if (!isNormal(n)) {
      if (blank(n.dataSource))
        push({
          code: 'smart.no_data_source',
          indicatorCode: n.code,
          severity: 'warning',
          message: `${n.code} ${n.name}: no data source for this ${n.kind} item`,
        });
      continue;
    }
    if (blank(n.definition))
      push({
        code: 'smart.no_definition',
        indicatorCode: n.code,
        severity: 'warning',
        message: `${n.code} ${n.name}: no definition of what is measured and how`,
      });
    if (ratedByPeople(n) && (n.rubric?.length ?? 0) < 2)
      push({
        code: 'rubric.missing',
        indicatorCode: n.code,
        severity: 'warning',
        message: `${n.code} ${n.name}: scored by raters but has no rubric saying what each score band looks like`,
      });
    if (!scoredFromData(n)) continue;
    if (blank(n.dataSource))
      push({
        code: 'smart.no_data_source',
        indicatorCode: n.code,
        severity: 'warning',
        message: `${n.code} ${n.name}: scored from data but no data source is named`,
      });
    const target = targetOf(n);
    const implicit = n.rule?.type === 'banded' || n.rule?.type === 'passFail';
    if (target === undefined) {
      if (!implicit)
        push({
          code: 'smart.no_target',
          indicatorCode: n.code,
          severity: 'error',
          message: `${n.code} ${n.name}: scored from data but has no target`,
        });
      continue;
    }
    const baseline = baselineOf(n);
    if (baseline === undefined) continue;
    const dir = directionOf(n);
    const better = dir === 'higher' ? target - baseline : baseline - target;
    if (better <= 0)
      push({
        code: 'smart.target_below_baseline',
        indicatorCode: n.code,
        severity: better < 0 ? 'error' : 'warning',
        message:
          better < 0
            ? `${n.code} ${n.name}: target ${fmt(target)} is worse than the baseline ${fmt(baseline)} (${dir} is better)`
            : `${n.code} ${n.name}: target ${fmt(target)} equals the baseline (no improvement asked)`,
      });
  }

  const minLeaf = context.minLeafShare ?? 0;
  if (minLeaf > 0)
    for (const { node, share } of shares)
      if (share < minLeaf - 1e-9)
        push({
          code: 'weight.too_small',
          indicatorCode: node.code,
          severity: 'warning',
          message: `${node.code} ${node.name}: ${fmt(share)}% of the total, below the cycle's minimum of ${fmt(minLeaf)}%`,
          value: share,
          limit: minLeaf,
        });

  const threshold = context.overlapThreshold ?? DEFAULT_OVERLAP_THRESHOLD;
  const texts = allLeaves.map((n) => `${n.name} ${n.definition ?? ''}`.trim());
  const similarity = (i: number, j: number) => {
    const [a, b] = [allLeaves[i], allLeaves[j]];
    const byName = blank(a.name) || blank(b.name) ? 0 : textSimilarity(a.name, b.name);
    return Math.max(byName, textSimilarity(texts[i], texts[j]));
  };
  for (let j = 1; j < allLeaves.length; j++)
    for (let i = 0; i < j; i++) {
      if (blank(texts[i]) || blank(texts[j])) continue;
      const sim = similarity(i, j);
      if (sim >= threshold) {
        const [a, b] = [allLeaves[i], allLeaves[j]];
        push({
          code: 'overlap',
          indicatorCode: b.code,
          severity: 'warning',
          message: `${b.code} ${b.name} nearly duplicates ${a.code} ${a.name} (similarity ${fmt(sim)})`,
          otherCode: a.code,
          value: sim,
        });
        break;
      }
    }

  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (x, y) =>
        SEVERITY_ORDER[x.f.severity] - SEVERITY_ORDER[y.f.severity] || x.f.order - y.f.order || x.i - y.i,
    )
    .map(({ f: { order: _order, ...f } }) => f);
}

/** Whether any finding blocks submission. */
export function hasLintErrors(findings: LintFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
