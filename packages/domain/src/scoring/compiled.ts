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
  /**
   * Ratings held as arrays instead of one object each (a bulk read): a slot's ratings are its
   * packed ones, in their order, followed by `ratings[slot]` (a survey's estimates), if any.
   */
  packed?: PackedRatings;
}

/**
 * Individual raters' ratings of one appraisee by slot, as arrays: those of slot `s` are at indices
 * `start[s]` to `start[s + 1]` (exclusive), in their order. A weight of 1 stands for an absent one
 * (as `weight ?? 1` reads it); none is an estimate.
 */
export interface PackedRatings {
  /** Length: the tree's slot count + 1. */
  start: Int32Array;
  subject: readonly SubjectType[];
  score: Float64Array;
  weight: Float64Array;
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

  // Per-node scratch of score(), reused: scoring is synchronous and never re-entered. Every node's
  // attainment is written before it is read; `excluded` is cleared on each call.
  const attainment = new Float64Array(n);
  /** Under 'renormalise': the node is left out of its parent (see scoreAppraisee). */
  const excluded = new Uint8Array(n);
  const score = (inputs: SlotInputs, options: ScoreOptions = {}): ScoreSummary => {
    const policy = options.missingData ?? 'incomplete';
    const renormalise = policy === 'renormalise';
    excluded.fill(0);
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
        leafAttainment(node, subjects[i], inputs, s, flags, options, attainment, i);
        if (leafMissing) {
          missing.push({
            code: node.code,
            name: node.name,
            ...(node.nameEn ? { nameEn: node.nameEn } : {}),
            reason: leafMissing,
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

/** The missing reason of the leaf {@link leafAttainment} scored last (undefined: none). */
let leafMissing: MissingReason | undefined;
/** Per subject of the leaf being scored: the figure it enters and whether it is present (reused). */
let used = new Float64Array(8);
const present: boolean[] = [];
/** leafMissingReason's flags by the bits of a slot's flags, made once. */
const FLAG_SETS = [0, 1, 2, 3].map((f) => ({
  unverified: (f & SLOT_UNVERIFIED) !== 0,
  estimatePending: (f & SLOT_ESTIMATE_PENDING) !== 0,
}));

/**
 * A leaf's attainment, as scoreLeaf in aggregate.ts computes it (same operations, same order),
 * written to `out[at]`; its missing reason, if any, is left in {@link leafMissing} (no object per
 * leaf). (Written, not returned: a double returned from a function not inlined is a heap number,
 * one per leaf of every plan scored.)
 */
function leafAttainment(
  node: IndicatorNode,
  configured: { type: SubjectType; weight: number }[],
  inputs: SlotInputs,
  slot: number,
  flags: number,
  options: ScoreOptions,
  out: Float64Array,
  at: number,
): void {
  const value = inputs.values[slot];
  let presentWeight = 0;
  if (used.length < configured.length) used = new Float64Array(configured.length);
  let count = -1;
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
      if (count < 0) count = slotRatings(inputs, slot);
      // The panel's figure into used[j] (0 when it is insufficient).
      present[j] = panelUsed(s.type, count, options, node.code, j);
    }
  }
  leafMissing = leafMissingReason(configured, present, !Number.isNaN(value), FLAG_SETS[flags & 3]);
  if (leafMissing) {
    out[at] = 0;
    return;
  }
  for (let j = 0; j < configured.length; j++)
    if (present[j]) presentWeight = presentWeight + configured[j].weight;
  let attainment = 0;
  if (presentWeight > 0)
    for (let j = 0; j < configured.length; j++) {
      const effective = present[j] ? (configured[j].weight * 100) / presentWeight : 0;
      attainment += (effective * used[j]) / 100;
    }
  out[at] = attainment;
}

/**
 * The ratings of the slot {@link panelUsed} reads: `from` to `to` in these arrays (the packed ones
 * when the slot has no Rating objects, else copies into the scratch arrays). Reused, as above.
 */
let rSubject: readonly (SubjectType | undefined)[] = [];
let rScore: ArrayLike<number> = [];
let rWeight: ArrayLike<number> = [];
/** Whether rating i is an estimate (never trimmed); null: none is. Weights: 1 for an absent one. */
let rEstimate: Uint8Array | null = null;
let rFrom = 0;
const scratchSubject: (SubjectType | undefined)[] = [];
let scratchScore = new Float64Array(64);
let scratchWeight = new Float64Array(64);
let scratchEstimate = new Uint8Array(64);

/** Points the arrays above at the ratings of `slot`; answers how many there are (-1: none given). */
function slotRatings(inputs: SlotInputs, slot: number): number {
  const packed = inputs.packed;
  const objects = inputs.ratings[slot];
  const from = packed ? packed.start[slot] : 0;
  const own = packed ? packed.start[slot + 1] - from : 0;
  if (!objects) {
    if (!packed) return -1;
    rSubject = packed.subject;
    rScore = packed.score;
    rWeight = packed.weight;
    rEstimate = null;
    rFrom = from;
    return own;
  }
  const count = own + objects.length;
  if (scratchScore.length < count) {
    scratchScore = new Float64Array(count * 2);
    scratchWeight = new Float64Array(count * 2);
    scratchEstimate = new Uint8Array(count * 2);
  }
  for (let i = 0; i < own; i++) {
    scratchSubject[i] = packed!.subject[from + i];
    scratchScore[i] = packed!.score[from + i];
    scratchWeight[i] = packed!.weight[from + i];
    scratchEstimate[i] = 0;
  }
  for (let i = 0; i < objects.length; i++) {
    const r = objects[i];
    scratchSubject[own + i] = r.subject;
    scratchScore[own + i] = r.score;
    scratchWeight[own + i] = r.weight ?? 1;
    scratchEstimate[own + i] = r.estimate ? 1 : 0;
  }
  rSubject = scratchSubject;
  rScore = scratchScore;
  rWeight = scratchWeight;
  rEstimate = scratchEstimate;
  rFrom = 0;
  return count;
}

/** Indices of the ratings of one panel (reused: scoring is synchronous and never re-entered). */
const scratch: number[] = [];

/**
 * The figure a subject's panel enters into a leaf, as {@link panel} gives it (`used`), written to
 * `used[j]` (0 when the panel is insufficient): the same checks (and errors), the same
 * floating-point operations in the same order, without its notes or the copies of the ratings.
 * Answers whether the panel is sufficient. Reads the `count` ratings that {@link slotRatings} set out
 * (-1: the slot has none). Kept equal by the property test of compileTree against scoreAppraisee.
 */
function panelUsed(
  subject: SubjectType,
  count: number,
  options: ScoreOptions,
  code: string,
  j: number,
): boolean {
  used[j] = 0;
  if (count < 0) return false;
  // The panel's ratings, checked and counted in their order, as panel() does.
  let n = 0;
  for (let i = 0; i < count; i++) {
    if (rSubject[rFrom + i] !== subject) continue;
    const score = rScore[rFrom + i];
    const weight = rWeight[rFrom + i];
    if (!Number.isFinite(score) || score < 0 || score > 100)
      throw new DomainError(`inputs.${code}.ratings[${n}].score`, `rating ${score} must be within 0–100`);
    if (!Number.isFinite(weight) || weight < 0)
      throw new DomainError(`inputs.${code}.ratings[${n}].weight`, `rater weight ${weight} must be ≥ 0`);
    scratch[n++] = i;
  }
  // By score, then weight, then order (insertion sort: a panel is a handful of ratings, and the
  // order is total, so any sort gives this one); summed in that order, as panel()'s weightedMean
  // does, so that no figure depends on the order the ratings were read in.
  for (let a = 1; a < n; a++) {
    const x = scratch[a];
    let b = a - 1;
    while (b >= 0 && before(x, scratch[b])) {
      scratch[b + 1] = scratch[b];
      b--;
    }
    scratch[b + 1] = x;
  }
  let w = 0;
  let sum = 0;
  let m = 0;
  for (let a = 0; a < n; a++) {
    const i = rFrom + scratch[a];
    if (!rEstimate || !rEstimate[scratch[a]]) m++;
    w = w + rWeight[i];
    sum = sum + rWeight[i] * rScore[i];
  }
  const mean = w > 0 ? sum / w : NaN;
  if (n === 0 || n < (options.minRaters ?? 1) || Number.isNaN(mean)) return false;
  const k = Math.max(0, Math.floor(options.trimEachSide ?? 0));
  if (!(k > 0 && m > 2 * k)) {
    used[j] = mean;
    return true;
  }
  // The raters less the k lowest and the k highest (estimates are never dropped), in the same order.
  let kw = 0;
  let ksum = 0;
  let rater = 0;
  for (let a = 0; a < n; a++) {
    const estimate = rEstimate !== null && rEstimate[scratch[a]] === 1;
    if (!estimate) {
      rater++;
      if (rater <= k || rater > m - k) continue;
    }
    const i = rFrom + scratch[a];
    kw = kw + rWeight[i];
    ksum = ksum + rWeight[i] * rScore[i];
  }
  const trimmed = kw > 0 ? ksum / kw : NaN;
  // All kept weights 0: the untrimmed mean, as panel() falls back to.
  used[j] = Number.isNaN(trimmed) ? mean : trimmed;
  return true;
}

/** Whether the rating at `i` sorts before the one at `j` in panel()'s order (score, weight). */
function before(i: number, j: number): boolean {
  const x = rFrom + i;
  const y = rFrom + j;
  const d = rScore[x] - rScore[y] || rWeight[x] - rWeight[y] || i - j;
  return d < 0;
}
