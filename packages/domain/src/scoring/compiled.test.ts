import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndicatorNode, SubjectType } from '../indicators/types';
import { MISSING_DATA_POLICIES, scoreAppraisee, type LeafInput, type Rating } from './aggregate';
import { compileTree, SLOT_ESTIMATE_PENDING, SLOT_UNVERIFIED, type SlotInputs } from './compiled';
import type { ScoringRule } from './rules';

const SUBJECT_SETS: { type: SubjectType; weight: number }[][] = [
  [],
  [{ type: 'data', weight: 100 }],
  [
    { type: 'data', weight: 70 },
    { type: 'public', weight: 30 },
  ],
  [
    { type: 'superior', weight: 60 },
    { type: 'peer', weight: 20 },
    { type: 'public', weight: 20 },
  ],
];
const RULES: ScoringRule[] = [
  { type: 'linear', baseline: 10, target: 50, direction: 'higher', cap: 1.2 },
  { type: 'linear', baseline: 40, target: 5, direction: 'lower' },
  { type: 'ratio', target: 30, direction: 'lower', cap: 1.5 },
  {
    type: 'banded',
    bands: [
      { min: 0, max: 20, points: 40 },
      { min: 20, points: 90 },
    ],
  },
  { type: 'passFail', passWhen: 'zero' },
  { type: 'rating' },
];

const ratingArb = fc.record({
  subject: fc.constantFrom<SubjectType>('superior', 'peer', 'public', 'expert'),
  // Equal scores and weights too, which trimming orders by weight and then by position.
  score: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(60, 70.3)),
  weight: fc.oneof(fc.constant(1), fc.constant(0), fc.double({ min: 0, max: 5, noNaN: true })),
  estimate: fc.boolean(),
});
const leafArb = fc.record({
  kind: fc.constantFrom('normal', 'normal', 'normal', 'bonus', 'deduction'),
  weight: fc.double({ min: 0, max: 100, noNaN: true }),
  subjects: fc.integer({ min: 0, max: SUBJECT_SETS.length - 1 }),
  rule: fc.integer({ min: 0, max: RULES.length - 1 }),
  veto: fc.constantFrom(undefined, 'unqualified', 'downOne'),
  value: fc.option(fc.double({ min: -10, max: 120, noNaN: true }), { nil: undefined }),
  ratings: fc.array(ratingArb, { maxLength: 12 }),
  unverified: fc.boolean(),
  estimatePending: fc.boolean(),
});
type LeafSpec = typeof leafArb extends fc.Arbitrary<infer T> ? T : never;
type Spec = LeafSpec | Spec[];
const treeArb: fc.Arbitrary<Spec[]> = fc.letrec<{ node: Spec; tree: Spec[] }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafArb, tie('tree')),
  tree: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
})).tree;

function build(specs: Spec[], prefix: string, inputs: Record<string, LeafInput>): IndicatorNode[] {
  return specs.map((s, i) => {
    const code = `${prefix}${i}`;
    if (Array.isArray(s))
      return { code, name: code, weight: 5 + i * 9, children: build(s, `${code}.`, inputs) };
    inputs[code] = {
      value: s.value,
      ratings: s.ratings,
      ...(s.unverified ? { unverified: true } : {}),
      ...(s.estimatePending ? { estimatePending: true } : {}),
    };
    const normal = s.kind === 'normal';
    return {
      code,
      name: code,
      weight: s.weight,
      kind: s.kind as IndicatorNode['kind'],
      rule: normal ? RULES[s.rule] : s.rule % 2 ? { type: 'perUnit', points: 1.5 } : RULES[s.rule],
      ...(normal && SUBJECT_SETS[s.subjects].length ? { subjects: SUBJECT_SETS[s.subjects] } : {}),
      ...(normal && s.veto ? { veto: { mode: s.veto as 'unqualified' | 'downOne' } } : {}),
    };
  });
}

function slotInputs(tree: ReturnType<typeof compileTree>, inputs: Record<string, LeafInput>): SlotInputs {
  const slots = tree.emptyInputs();
  for (const [code, input] of Object.entries(inputs)) {
    const s = tree.slotOf(code)!;
    if (input.value !== undefined && input.value !== null) slots.values[s] = input.value;
    slots.ratings[s] = input.ratings;
    slots.flags![s] =
      (input.unverified ? SLOT_UNVERIFIED : 0) | (input.estimatePending ? SLOT_ESTIMATE_PENDING : 0);
  }
  return slots;
}

/**
 * The same inputs with each slot's ratings split: a leading run of individual ratings (up to `cut`)
 * packed as arrays, the rest left as Rating objects after them, as a bulk read gives them.
 */
function packSlots(slots: SlotInputs, cut: number): SlotInputs {
  const n = slots.values.length;
  const start = new Int32Array(n + 1);
  const subject: SubjectType[] = [];
  const score: number[] = [];
  const weight: number[] = [];
  const rest: (Rating[] | undefined)[] = [];
  for (let s = 0; s < n; s++) {
    start[s] = subject.length;
    const list = slots.ratings[s];
    if (!list) continue;
    let k = 0;
    while (k < Math.min(cut, list.length) && !list[k].estimate) {
      subject.push(list[k].subject);
      score.push(list[k].score);
      weight.push(list[k].weight ?? 1);
      k++;
    }
    // A slot whose ratings are all packed has none left as objects (undefined, not an empty list).
    if (k < list.length) rest[s] = list.slice(k);
  }
  start[n] = subject.length;
  return {
    ...slots,
    ratings: rest,
    packed: { start, subject, score: new Float64Array(score), weight: new Float64Array(weight) },
  };
}

describe('compileTree', () => {
  it('gives exactly the figures of scoreAppraisee (total, parts, veto, missing, first-level attainments) under every missing-data policy', () => {
    fc.assert(
      fc.property(
        treeArb,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(...MISSING_DATA_POLICIES),
        (specs, trimEachSide, minRaters, missingData) => {
          const inputs: Record<string, LeafInput> = {};
          const nodes = build(specs, 'n', inputs);
          const options = { trimEachSide, minRaters, missingData };
          const full = scoreAppraisee(nodes, inputs, options);
          const tree = compileTree(nodes);
          const fast = tree.score(slotInputs(tree, inputs), options);
          // Packed ratings (whole panels, or packed then objects) score the same, to the bit.
          for (const cut of [3, 100]) {
            const packed = tree.score(packSlots(slotInputs(tree, inputs), cut), options);
            expect([packed.total, packed.veto, packed.missing, [...packed.firstLevel]]).toEqual([
              fast.total,
              fast.veto,
              fast.missing,
              [...fast.firstLevel],
            ]);
          }
          expect(fast.total).toBe(full.total);
          expect(fast.weightedScore).toBe(full.weightedScore);
          expect(fast.bonus).toBe(full.bonus);
          expect(fast.deduction).toBe(full.deduction);
          expect(fast.floored).toBe(full.floored);
          expect(fast.veto).toEqual(full.veto);
          expect(fast.missing).toEqual(full.missing);
          expect(fast.complete).toBe(full.complete);
          const first = full.breakdown.filter((b) => b.kind === 'normal');
          expect(tree.firstLevel.map((f) => f.code)).toEqual(first.map((b) => b.code));
          expect([...fast.firstLevel]).toEqual(first.map((b) => b.attainment));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('trims each panel as scoreAppraisee does: ties by weight, then by order; estimates kept', () => {
    const nodes: IndicatorNode[] = [{ code: 'R', name: 'R', weight: 100, subjects: SUBJECT_SETS[3] }];
    const tree = compileTree(nodes);
    const few = <T>(...xs: T[]) => fc.constantFrom(...xs);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            subject: few<SubjectType>('superior', 'peer', 'public'),
            score: fc.oneof(few(55, 60.1, 70.3), fc.double({ min: 0, max: 100, noNaN: true })),
            weight: few(1, 0, 0.37, 2),
            estimate: few(false, false, false, true),
          }),
          { maxLength: 24 },
        ),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (ratings, trimEachSide, minRaters) => {
          const options = { trimEachSide, minRaters };
          const full = scoreAppraisee(nodes, { R: { ratings } }, options);
          const slots = tree.emptyInputs();
          slots.ratings[0] = ratings;
          const fast = tree.score(slots, options);
          expect([fast.total, fast.missing, [...fast.firstLevel]]).toEqual([
            full.total,
            full.missing,
            [full.breakdown[0].attainment],
          ]);
          for (const cut of [0, 5, 100]) {
            const packed = tree.score(packSlots(slots, cut), options);
            expect([packed.total, packed.missing, [...packed.firstLevel]]).toEqual([
              full.total,
              full.missing,
              [full.breakdown[0].attainment],
            ]);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('scores missing inputs as scoreAppraisee does, and refuses what it refuses', () => {
    const nodes: IndicatorNode[] = [
      { code: 'A', name: 'A', weight: 60, rule: RULES[0] },
      { code: 'B', name: 'B', weight: 40, subjects: SUBJECT_SETS[3], veto: { mode: 'downOne' } },
      { code: 'X', name: 'X', weight: 5, kind: 'bonus', rule: { type: 'perUnit', points: 2 } },
    ];
    const tree = compileTree(nodes);
    const empty = tree.score(tree.emptyInputs());
    const full = scoreAppraisee(nodes, {});
    expect(empty.total).toBe(full.total);
    // Nothing rated: B's veto cannot be decided, so it does not trigger and the result is incomplete.
    expect(empty.veto).toEqual(full.veto);
    expect(empty.veto).toEqual({ triggered: false, codes: [] });
    expect(empty.missing).toEqual(full.missing);
    expect(empty.missing.map((m) => [m.code, m.reason, m.veto])).toEqual([
      ['A', 'unreported', undefined],
      ['B', 'insufficient_raters', true],
    ]);
    for (const missingData of MISSING_DATA_POLICIES)
      expect(tree.score(tree.emptyInputs(), { missingData }).complete).toBe(false);
    const bad = tree.emptyInputs();
    bad.ratings[tree.slotOf('B')!] = [{ subject: 'peer', score: 120 }];
    expect(() => tree.score(bad)).toThrow(/0–100/);
    expect(() =>
      compileTree([{ code: 'C', name: 'C', weight: 100 }]).score({
        values: new Float64Array([5]),
        ratings: [],
      }),
    ).toThrow(/no attainment rule/);
  });
});
