import { DomainError } from '../indicators/errors';
import { isLeaf, kindOf, subjectsOf, type IndicatorNode, type SubjectType } from '../indicators/types';
import {
  firstLevelShare,
  isComplete,
  leafMissingReason,
  scoreFigures,
  type MissingInput,
  type MissingReason,
  type Rating,
  type ScoreFigures,
  type ScoreOptions,
  type VetoOutcome,
} from './aggregate';
import { bonusDeduction, scoreRule, type AttainmentRule } from './rules';

/** {@link SlotInputs.flags}: a value was reported but is not verified (LeafInput.unverified). */
export const SLOT_UNVERIFIED = 1;
/** {@link SlotInputs.flags}: a survey estimate is awaited (LeafInput.estimatePending). */
export const SLOT_ESTIMATE_PENDING = 2;

/**
 * Inputs of one appraisee by slot (see {@link CompiledTree.slotOf}): `values[slot]` is the measured
 * value (NaN when there is none), `ratings[slot]` the ratings of that leaf, if any, and
 * `flags[slot]` the bits {@link SLOT_UNVERIFIED} and {@link SLOT_ESTIMATE_PENDING} (none when absent).
 */
export interface SlotInputs {
  values: Float64Array;
  ratings: (Rating[] | undefined)[];
  flags?: Uint8Array;
}

/** The figures of {@link scoreAppraisee} without the explanation: what a bulk recompute keeps. */
export interface ScoreSummary extends ScoreFigures {
  /** Attainment of each normal first-level node, in {@link CompiledTree.firstLevel} order. */
  firstLevel: Float64Array;
}

/** An indicator tree flattened for scoring many appraisees fast: same figures, no breakdown. */
export interface CompiledTree {
  /** Codes of the nodes that take inputs (leaves, bonus and deduction items), in slot order. */
  readonly codes: readonly string[];
  /** Code and weight of the normal first-level nodes (the dimensions of the summary). */
  readonly firstLevel: readonly { code: string; weight: number }[];
  /** The slot of an input code, undefined when the tree has no such leaf or item. */
  slotOf(code: string): number | undefined;
  /** Empty inputs for this tree (every value missing, no ratings). */
  emptyInputs(): SlotInputs;
  /** Scores one appraisee; equal to scoreAppraisee(tree, inputs, options) in every figure. */
  score(inputs: SlotInputs, options?: ScoreOptions): ScoreSummary;
}

const NORMAL = 0;
const BONUS = 1;
const DEDUCTION = 2;
const VETO_TOLERANCE = 1e-9;

/**
 * Compiles an indicator tree for {@link CompiledTree.score}. The tree is flattened in post-order
 * (children before parents), so one forward pass computes every attainment; each parent's
 * attainment is summed over its normal children in their order with the same floating-point
 * operations as {@link scoreAppraisee}, so the figures are equal, not only close (property-tested).
 * Only what does not change the figures is left out: the breakdown objects and their notes.
 */
export function compileTree(nodes: IndicatorNode[]): CompiledTree {
  const order: IndicatorNode[] = [];
  /** Per node in `order`: its kind, slot (leaves/items, else -1) and the normal children's indices. */
  const kind: number[] = [];
  const slot: number[] = [];
  const children: number[][] = [];
  const codes: string[] = [];
  const slots = new Map<string, number>();
  const visit = (node: IndicatorNode): number => {
    const k = kindOf(node);
    const kids: number[] = [];
    if (k === 'normal' && !isLeaf(node))
      for (const c of node.children ?? []) {
        const i = visit(c);
        if (kindOf(c) === 'normal') kids.push(i);
      }
    const index = order.length;
    order.push(node);
    kind.push(k === 'normal' ? NORMAL : k === 'bonus' ? BONUS : DEDUCTION);
    children.push(kids);
    if (k !== 'normal' || isLeaf(node)) {
      // Nodes sharing a code read the same input, as scoreAppraisee's inputs[code] does.
      let s = slots.get(node.code);
      if (s === undefined) {
        s = codes.length;
        slots.set(node.code, s);
        codes.push(node.code);
      }
      slot.push(s);
    } else slot.push(-1);
    return index;
  };
  // Children of a bonus/deduction item are not visited: scoreAppraisee reads only the item's value.
  const top = nodes.map(visit);
  const firstLevelIdx = top.filter((i) => kind[i] === NORMAL);
  const sumWeights = children.map((kids) => kids.reduce((s, c) => s + order[c].weight, 0));
  const subjects = order.map((n) => subjectsOf(n));
  const n = order.length;

  const score = (inputs: SlotInputs, options: ScoreOptions = {}): ScoreSummary => {
    const policy = options.missingData ?? 'incomplete';
    const renormalise = policy === 'renormalise';
    const attainment = new Float64Array(n);
    /** Under 'renormalise': the node is left out of its parent (see scoreAppraisee). */
    const excluded = new Uint8Array(n);
    let bonus = 0;
    let deduction = 0;
    const veto: VetoOutcome = { triggered: false, codes: [] };
    const missing: MissingInput[] = [];
    for (let i = 0; i < n; i++) {
      const node = order[i];
      const s = slot[i];
      if (kind[i] !== NORMAL) {
        const v = inputs.values[s];
        const points = bonusDeduction(node, Number.isNaN(v) ? undefined : v);
        if (kind[i] === BONUS) bonus += points;
        else deduction += points;
        continue;
      }
      if (s >= 0) {
        const flags = inputs.flags ? inputs.flags[s] : 0;
        const leaf = leafAttainment(node, subjects[i], inputs.values[s], inputs.ratings[s], flags, options);
        attainment[i] = leaf.attainment;
        if (leaf.missing) {
          missing.push({
            code: node.code,
            name: node.name,
            ...(node.nameEn ? { nameEn: node.nameEn } : {}),
            reason: leaf.missing,
            ...(node.veto ? { veto: true as const } : {}),
          });
          if (renormalise) excluded[i] = 1;
        } else if (node.veto && attainment[i] < 100 - VETO_TOLERANCE) {
          veto.triggered = true;
          veto.codes.push(node.code);
          if (veto.mode !== 'unqualified') veto.mode = node.veto.mode;
        }
        continue;
      }
      const kids = children[i];
      let a = 0;
      let anyExcluded = false;
      if (renormalise) for (const c of kids) if (excluded[c]) anyExcluded = true;
      if (anyExcluded) {
        let all = true;
        let sumP = 0;
        for (const c of kids)
          if (excluded[c]) continue;
          else {
            all = false;
            sumP = sumP + order[c].weight;
          }
        if (sumP > 0)
          for (const c of kids) if (!excluded[c]) a = a + (order[c].weight / sumP) * attainment[c];
        if (all) excluded[i] = 1;
      } else {
        const sumW = sumWeights[i];
        if (sumW > 0) for (const c of kids) a = a + (order[c].weight / sumW) * attainment[c];
      }
      attainment[i] = a;
    }
    let all = 0;
    let present = 0;
    for (const i of firstLevelIdx) {
      all = all + order[i].weight;
      if (!excluded[i]) present = present + order[i].weight;
    }
    let weightedScore = 0;
    const firstLevel = new Float64Array(firstLevelIdx.length);
    firstLevelIdx.forEach((i, j) => {
      firstLevel[j] = attainment[i];
      weightedScore =
        weightedScore + (excluded[i] ? 0 : firstLevelShare(order[i].weight, all, present) * attainment[i]);
    });
    const allExcluded = firstLevelIdx.length > 0 && firstLevelIdx.every((i) => excluded[i]);
    return {
      ...scoreFigures(
        weightedScore,
        bonus,
        deduction,
        veto,
        missing,
        isComplete(policy, missing, allExcluded),
      ),
      firstLevel,
    };
  };

  return {
    codes,
    firstLevel: firstLevelIdx.map((i) => ({ code: order[i].code, weight: order[i].weight })),
    slotOf: (code) => slots.get(code),
    emptyInputs: () => ({
      values: new Float64Array(codes.length).fill(NaN),
      ratings: [],
      flags: new Uint8Array(codes.length),
    }),
    score,
  };
}

/** A leaf's attainment, as scoreLeaf in aggregate.ts computes it (same operations, same order). */
function leafAttainment(
  node: IndicatorNode,
  configured: { type: SubjectType; weight: number }[],
  value: number,
  ratings: Rating[] | undefined,
  flags: number,
  options: ScoreOptions,
): { attainment: number; missing?: MissingReason } {
  let presentWeight = 0;
  const used = new Array<number>(configured.length);
  const present = new Array<boolean>(configured.length);
  for (let j = 0; j < configured.length; j++) {
    const s = configured[j];
    if (s.type === 'data') {
      const rule = node.rule;
      if (!rule || rule.type === 'perUnit')
        throw new DomainError(
          `nodes.${node.code}.rule`,
          `indicator ${node.code} is scored from data but has no attainment rule`,
        );
      used[j] = Number.isNaN(value) ? 0 : scoreRule(rule as AttainmentRule, value);
      present[j] = true;
    } else {
      const p = panelUsed(s.type, ratings, options, node.code);
      used[j] = Number.isNaN(p) ? 0 : p;
      present[j] = !Number.isNaN(p);
    }
  }
  const missing = leafMissingReason(configured, present, !Number.isNaN(value), {
    unverified: (flags & SLOT_UNVERIFIED) !== 0,
    estimatePending: (flags & SLOT_ESTIMATE_PENDING) !== 0,
  });
  if (missing) return { attainment: 0, missing };
  for (let j = 0; j < configured.length; j++)
    if (present[j]) presentWeight = presentWeight + configured[j].weight;
  let attainment = 0;
  if (presentWeight > 0)
    for (let j = 0; j < configured.length; j++) {
      const effective = present[j] ? (configured[j].weight * 100) / presentWeight : 0;
      attainment += (effective * used[j]) / 100;
    }
  return { attainment };
}

/** Indices of the raters of one panel (reused: scoring is synchronous and never re-entered). */
const scratch: number[] = [];

/**
 * The figure a subject's panel enters into a leaf, as {@link panel} gives it (`used`), or NaN when
 * the panel is insufficient: the same checks (and errors), the same floating-point operations in
 * the same order, without its notes or the copies of the ratings. Kept equal by the property test
 * of compileTree against scoreAppraisee.
 */
function panelUsed(
  subject: SubjectType,
  ratings: Rating[] | undefined,
  options: ScoreOptions,
  code: string,
): number {
  if (!ratings) return NaN;
  // The panel's ratings in their order: checked, counted and summed as panel()'s weightedMean does.
  let n = 0;
  let w = 0;
  let sum = 0;
  let m = 0;
  for (let i = 0; i < ratings.length; i++) {
    const r = ratings[i];
    if (r.subject !== subject) continue;
    if (!Number.isFinite(r.score) || r.score < 0 || r.score > 100)
      throw new DomainError(`inputs.${code}.ratings[${n}].score`, `rating ${r.score} must be within 0–100`);
    if (r.weight !== undefined && (!Number.isFinite(r.weight) || r.weight < 0))
      throw new DomainError(`inputs.${code}.ratings[${n}].weight`, `rater weight ${r.weight} must be ≥ 0`);
    n++;
    if (!r.estimate) scratch[m++] = i;
    const rw = r.weight ?? 1;
    w = w + rw;
    sum = sum + rw * r.score;
  }
  const mean = w > 0 ? sum / w : NaN;
  if (n === 0 || n < (options.minRaters ?? 1) || Number.isNaN(mean)) return NaN;
  const k = Math.max(0, Math.floor(options.trimEachSide ?? 0));
  if (!(k > 0 && m > 2 * k)) return mean;
  // Raters by score, then weight, then order (insertion sort: a panel is a handful of raters, and
  // the order is total, so any sort gives this one), less k each side; then the estimates.
  for (let a = 1; a < m; a++) {
    const x = scratch[a];
    let b = a - 1;
    while (b >= 0 && before(ratings[x], x, ratings[scratch[b]], scratch[b])) {
      scratch[b + 1] = scratch[b];
      b--;
    }
    scratch[b + 1] = x;
  }
  let kw = 0;
  let ksum = 0;
  for (let a = k; a < m - k; a++) {
    const r = ratings[scratch[a]];
    const rw = r.weight ?? 1;
    kw = kw + rw;
    ksum = ksum + rw * r.score;
  }
  for (let i = 0; i < ratings.length; i++) {
    const r = ratings[i];
    if (r.subject !== subject || !r.estimate) continue;
    const rw = r.weight ?? 1;
    kw = kw + rw;
    ksum = ksum + rw * r.score;
  }
  const used = kw > 0 ? ksum / kw : NaN;
  // All kept weights 0: the untrimmed mean, as panel() falls back to.
  return Number.isNaN(used) ? mean : used;
}

/** Whether rating `x` (at `i`) sorts before rating `y` (at `j`) in panel()'s trimming order. */
function before(x: Rating, i: number, y: Rating, j: number): boolean {
  const d = x.score - y.score || (x.weight ?? 1) - (y.weight ?? 1) || i - j;
  return d < 0;
}
