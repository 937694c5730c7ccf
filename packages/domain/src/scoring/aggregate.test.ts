import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndicatorNode, SubjectType } from '../indicators/types';
import { validateTree } from '../indicators/validate';
import {
  MISSING_DATA_POLICIES,
  panel,
  scoreAppraisee,
  type BreakdownNode,
  type LeafInput,
  type MissingDataPolicy,
} from './aggregate';
import { round2, trimmedMean } from './numbers';

/** A district's annual plan: economy 40, safety 20, public satisfaction 40, one bonus, one deduction. */
const plan: IndicatorNode[] = [
  {
    code: 'E',
    name: '经济发展',
    weight: 40,
    children: [
      {
        code: 'E1',
        name: 'GDP 增速',
        weight: 60,
        unit: '%',
        rule: { type: 'linear', baseline: 5, target: 7, direction: 'higher', cap: 1.2 },
      },
      {
        code: 'E2',
        name: '一般公共预算收入增速',
        weight: 40,
        rule: { type: 'ratio', target: 8, direction: 'higher', cap: 1.2 },
      },
    ],
  },
  {
    code: 'S',
    name: '安全稳定',
    weight: 20,
    children: [
      {
        code: 'S1',
        name: '生产安全事故死亡人数',
        weight: 100,
        rule: { type: 'passFail', passWhen: 'zero' },
        veto: { mode: 'downOne' },
      },
    ],
  },
  {
    code: 'P',
    name: '公众满意度',
    weight: 40,
    rule: { type: 'rating' },
    subjects: [
      { type: 'data', weight: 50 },
      { type: 'public', weight: 30 },
      { type: 'expert', weight: 20 },
    ],
  },
  { code: 'B1', name: '省级以上表彰', weight: 3, kind: 'bonus', rule: { type: 'perUnit', points: 1 } },
  { code: 'D1', name: '重大投诉查实', weight: 5, kind: 'deduction', rule: { type: 'perUnit', points: 2 } },
];

const inputs: Record<string, LeafInput> = {
  E1: { value: 6.5 },
  E2: { value: 8.8 },
  S1: { value: 0 },
  P: {
    value: 80,
    ratings: [
      ...[100, 80, 85, 90, 40].map((score) => ({ subject: 'public' as const, score })),
      { subject: 'expert', score: 70 },
      { subject: 'expert', score: 75 },
    ],
  },
  B1: { value: 1 },
  D1: { value: 1 },
};

const find = (nodes: BreakdownNode[], code: string): BreakdownNode => {
  for (const n of nodes) {
    if (n.code === code) return n;
    const c = n.children && find(n.children, code);
    if (c) return c;
  }
  return undefined as unknown as BreakdownNode;
};

describe('scoreAppraisee, worked example', () => {
  const r = scoreAppraisee(plan, inputs, { trimEachSide: 1, minRaters: 3 });

  it('the plan is valid', () => expect(validateTree(plan)).toEqual([]));

  it('total is 87.35', () => {
    // E1: GDP growth 6.5% between baseline 5 and target 7 → 75. E2: 8.8 / 8 → 110 (cap 120).
    // E = (60·75 + 40·110) / 100 = 89 → 40 × 89% = 35.6.
    expect(find(r.breakdown, 'E1').attainment).toBeCloseTo(75, 12);
    expect(find(r.breakdown, 'E2').attainment).toBeCloseTo(110, 12);
    expect(find(r.breakdown, 'E').contribution).toBeCloseTo(35.6, 12);
    // S1: no deaths → 100 → 20 points, no veto.
    expect(find(r.breakdown, 'S').contribution).toBeCloseTo(20, 12);
    // P: public ratings drop 100 and 40 → (80 + 85 + 90) / 3 = 85; experts (2 < 3 raters) insufficient,
    // so data 50 → 62.5 and public 30 → 37.5: 0.625·80 + 0.375·85 = 81.875 → 40 × 81.875% = 32.75.
    const p = find(r.breakdown, 'P');
    expect(p.attainment).toBeCloseTo(81.875, 12);
    expect(p.subjects).toEqual([
      { type: 'data', weight: 50, effectiveWeight: 62.5, n: 1, mean: 80, used: 80 },
      { type: 'public', weight: 30, effectiveWeight: 37.5, n: 5, mean: 79, used: 85 },
      { type: 'expert', weight: 20, effectiveWeight: 0, n: 2, mean: 72.5, used: 0, insufficient: true },
    ]);
    expect(p.notes).toContain('expert: 2 raters < minimum 3, weight redistributed');
    // 35.6 + 20 + 32.75 = 88.35, + 1 bonus − 2 deduction = 87.35.
    expect(r.weightedScore).toBeCloseTo(88.35, 12);
    expect(r.bonus).toBe(1);
    expect(r.deduction).toBe(2);
    expect(round2(r.total)).toBe(87.35);
    expect(r.veto).toEqual({ triggered: false, codes: [] });
  });

  it('contributions sum back to the total', () => {
    const normal = r.breakdown.filter((b) => b.kind === 'normal').reduce((s, b) => s + b.contribution, 0);
    expect(Math.abs(normal + r.bonus - r.deduction - r.total)).toBeLessThan(1e-9);
    expect(Math.abs(r.breakdown.reduce((s, b) => s + b.contribution, 0) - r.total)).toBeLessThan(1e-9);
  });

  it('a death triggers the veto and scores the safety block 0', () => {
    const v = scoreAppraisee(plan, { ...inputs, S1: { value: 1 } });
    expect(v.veto).toEqual({ triggered: true, codes: ['S1'], mode: 'downOne' });
    expect(find(v.breakdown, 'S').contribution).toBe(0);
  });

  it('a missing value scores 0 with a note and is listed as missing', () => {
    const m = scoreAppraisee(plan, { ...inputs, E2: {} });
    expect(find(m.breakdown, 'E2').attainment).toBe(0);
    expect(find(m.breakdown, 'E2').missing).toBe('unreported');
    expect(find(m.breakdown, 'E2').notes).toContain(
      'missing: no value reported; scored 0, result incomplete',
    );
    expect(m.missing).toEqual([{ code: 'E2', name: '一般公共预算收入增速', reason: 'unreported' }]);
    expect(m.complete).toBe(false);
    expect(r.missing).toEqual([]);
    expect(r.complete).toBe(true);
  });

  it('without trimming the panel uses the relevance-weighted mean', () => {
    const m = scoreAppraisee(plan, {
      ...inputs,
      P: {
        value: 80,
        ratings: [
          { subject: 'public', score: 90, weight: 3 },
          { subject: 'public', score: 50, weight: 1 },
        ],
      },
    });
    const pub = find(m.breakdown, 'P').subjects!.find((s) => s.type === 'public')!;
    expect(pub.used).toBe(80);
    // No expert ratings at all: its weight is redistributed too.
    expect(find(m.breakdown, 'P').attainment).toBeCloseTo(80, 12);
  });

  it('floors the total at 0', () => {
    const tiny: IndicatorNode[] = [
      { code: 'A', name: 'a', weight: 100, rule: { type: 'rating' } },
      { code: 'D', name: 'd', weight: 10, kind: 'deduction' },
    ];
    const f = scoreAppraisee(tiny, { A: { value: 5 }, D: { value: 8 } });
    expect(f.total).toBe(0);
    expect(f.floored).toBe(true);
  });

  it('trimmedMean drops each side', () => {
    expect(trimmedMean([1, 100, 50, 60, 0], 1)).toBeCloseTo(37, 12);
    expect(() => trimmedMean([1, 2], 1)).toThrow();
  });
});

// Random trees: up to 3 levels, random weights (not necessarily summing to 100), some bonus/deduction.
const leafArb = fc.record({
  weight: fc.double({ min: 0, max: 100, noNaN: true }),
  value: fc.option(fc.double({ min: -50, max: 200, noNaN: true }), { nil: undefined }),
  ratings: fc.array(
    fc.record({
      score: fc.double({ min: 0, max: 100, noNaN: true }),
      weight: fc.double({ min: 0, max: 5, noNaN: true }),
    }),
    {
      maxLength: 6,
    },
  ),
  kind: fc.constantFrom('normal', 'normal', 'normal', 'bonus', 'deduction'),
});
type LeafSpec = {
  weight: number;
  value?: number;
  ratings: { score: number; weight: number }[];
  kind: string;
};
type Spec = LeafSpec | Spec[];
const treeArb: fc.Arbitrary<Spec[]> = fc.letrec<{ node: Spec; tree: Spec[] }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafArb, tie('tree')),
  tree: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
})).tree;

function build(specs: Spec[], prefix: string, inputs: Record<string, LeafInput>): IndicatorNode[] {
  return specs.map((s, i) => {
    const code = `${prefix}${i}`;
    if (Array.isArray(s))
      return { code, name: code, weight: 10 + i * 7, children: build(s, `${code}.`, inputs) };
    inputs[code] = { value: s.value, ratings: s.ratings.map((r) => ({ subject: 'public' as const, ...r })) };
    return {
      code,
      name: code,
      weight: s.weight,
      kind: s.kind as IndicatorNode['kind'],
      rule:
        s.kind === 'normal'
          ? { type: 'linear', baseline: 0, target: 100, direction: 'higher', cap: 1.2 }
          : { type: 'perUnit', points: 1.5 },
      subjects:
        s.kind === 'normal'
          ? [
              { type: 'data', weight: 70 },
              { type: 'public', weight: 30 },
            ]
          : undefined,
    };
  });
}

describe('scoreAppraisee, laws', () => {
  it('contributions sum to the parent and to the total; attainment stays within [0, 120]', () => {
    fc.assert(
      fc.property(
        treeArb,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(...MISSING_DATA_POLICIES),
        (specs, trim, minRaters, missingData) => {
          const inputs: Record<string, LeafInput> = {};
          const nodes = build(specs, 'n', inputs);
          const r = scoreAppraisee(nodes, inputs, { trimEachSide: trim, minRaters, missingData });
          const check = (b: BreakdownNode) => {
            if (b.kind === 'normal') {
              expect(b.attainment).toBeGreaterThanOrEqual(0);
              expect(b.attainment).toBeLessThanOrEqual(120 + 1e-9);
            } else expect(b.attainment).toBeLessThanOrEqual(b.weight + 1e-12);
            if (b.children) {
              const sum = b.children
                .filter((c) => c.kind === 'normal')
                .reduce((s, c) => s + c.contribution, 0);
              expect(Math.abs(sum - b.contribution)).toBeLessThan(1e-9);
              b.children.forEach(check);
            }
          };
          r.breakdown.forEach(check);
          const normal = r.breakdown
            .filter((b) => b.kind === 'normal')
            .reduce((s, b) => s + b.contribution, 0);
          expect(Math.abs(normal - r.weightedScore)).toBeLessThan(1e-9);
          expect(Math.abs(Math.max(0, normal + r.bonus - r.deduction) - r.total)).toBeLessThan(1e-9);
          expect(r.total).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe('survey estimates in a panel (Rating.estimate)', () => {
  const leaf: IndicatorNode[] = [
    {
      code: 'P',
      name: '公众满意度',
      weight: 100,
      rule: { type: 'rating' },
      subjects: [{ type: 'public', weight: 100 }],
    },
  ];
  const publicOf = (ratings: LeafInput['ratings'], trim: number) =>
    scoreAppraisee(leaf, { P: { ratings } }, { trimEachSide: trim }).breakdown[0];

  it('is never dropped as the highest or lowest rating; trimming applies to the raters only', () => {
    const raters = [60, 70, 80].map((score) => ({ subject: 'public' as const, score }));
    const survey = { subject: 'public' as const, score: 95, weight: 50, estimate: true };
    const p = publicOf([...raters, survey], 1);
    // Raters 60 and 80 dropped; 70 (weight 1) and the survey's 95 (weight 50) kept.
    expect(p.subjects![0].used).toBeCloseTo((70 + 95 * 50) / 51, 12);
    expect(p.subjects![0].n).toBe(4);
    expect(p.notes).toContain('public: dropped 1 highest and 1 lowest of 3; 1 survey estimate(s) kept');
    // Unflagged, the same survey figure would count as one rater and be dropped as the highest.
    expect(publicOf([...raters, { ...survey, estimate: false }], 1).subjects![0].used).toBeCloseTo(75, 12);
    // Too few raters to trim: nothing is dropped and the survey still counts.
    const few = publicOf([raters[0], survey], 1);
    expect(few.subjects![0].used).toBeCloseTo((60 + 95 * 50) / 51, 12);
    expect(few.notes).toContain('public: 1 ratings, too few to drop 1 each side; 1 survey estimate(s) kept');
  });

  it('law: the panel figure is the weighted mean of the trimmed raters and every estimate', () => {
    const rating = fc.record({
      score: fc.integer({ min: 0, max: 100 }),
      weight: fc.integer({ min: 1, max: 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(rating, { minLength: 0, maxLength: 12 }),
        fc.array(
          fc.record({ score: fc.integer({ min: 0, max: 100 }), weight: fc.integer({ min: 1, max: 500 }) }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 15 }),
        (raters, estimates, trim, at) => {
          const rs = raters.map((r) => ({ subject: 'public' as const, ...r }));
          const es = estimates.map((e) => ({ subject: 'public' as const, ...e, estimate: true }));
          // Estimates interleaved anywhere among the raters: the order of the inputs does not matter.
          const mixed = [...rs];
          es.forEach((e, i) => mixed.splice(Math.min(mixed.length, at + i), 0, e));
          const kept =
            trim > 0 && rs.length > 2 * trim
              ? rs
                  .map((r, i) => ({ r, i }))
                  .sort((a, b) => a.r.score - b.r.score || a.r.weight - b.r.weight || a.i - b.i)
                  .slice(trim, rs.length - trim)
                  .map((x) => x.r)
              : rs;
          const all = [...kept, ...es];
          const w = all.reduce((s, r) => s + r.weight, 0);
          const expected = all.reduce((s, r) => s + r.weight * r.score, 0) / w;
          const used = publicOf(mixed, trim).subjects![0].used;
          expect(Math.abs(used - expected)).toBeLessThan(1e-9);
          // Which of equal scores is dropped does not depend on the order the ratings come in.
          const reversed = publicOf([...mixed].reverse(), trim).subjects![0].used;
          expect(Math.abs(reversed - used)).toBeLessThan(1e-9);
          // An estimate's figure always moves the panel towards it: it is never ignored.
          const without = kept.length
            ? kept.reduce((s, r) => s + r.weight * r.score, 0) / kept.reduce((s, r) => s + r.weight, 0)
            : undefined;
          if (without !== undefined && es.length === 1 && es[0].score !== without)
            expect(Math.sign(used - without)).toBe(Math.sign(es[0].score - without));
        },
      ),
    );
  });
});

describe('missing inputs (ScoreOptions.missingData)', () => {
  const opts = (missingData: MissingDataPolicy) => ({ trimEachSide: 1, minRaters: 3, missingData });

  it('names each missing leaf with its reason', () => {
    const m = scoreAppraisee(
      plan,
      {
        ...inputs,
        E1: { unverified: true },
        E2: {},
        P: { value: 80, ratings: inputs.P.ratings, estimatePending: true },
        B1: {},
      },
      opts('zero'),
    );
    expect(m.missing.map((x) => [x.code, x.reason])).toEqual([
      ['E1', 'unverified'],
      ['E2', 'unreported'],
      ['P', 'no_estimate'],
    ]);
    // A bonus item without a value gives 0 points and is not missing.
    expect(m.bonus).toBe(0);
    const panels: IndicatorNode[] = [
      {
        code: 'R',
        name: '评议',
        weight: 100,
        rule: { type: 'rating' },
        subjects: [
          { type: 'superior', weight: 60 },
          { type: 'peer', weight: 40 },
        ],
      },
    ];
    const two = [70, 80].map((score) => ({ subject: 'peer' as const, score }));
    expect(scoreAppraisee(panels, { R: { ratings: two } }, opts('zero')).missing).toEqual([
      { code: 'R', name: '评议', reason: 'insufficient_raters' },
    ]);
    // One sufficient panel is enough: the other's weight is redistributed, nothing is missing.
    const three = [...two, { subject: 'peer' as const, score: 90 }];
    const ok = scoreAppraisee(panels, { R: { ratings: three } }, opts('incomplete'));
    expect(ok.missing).toEqual([]);
    expect(ok.complete).toBe(true);
    expect(ok.total).toBeCloseTo(80, 12);
  });

  it("'incomplete' computes the figures of 'zero' but leaves the result incomplete", () => {
    const gap = { ...inputs, E2: {} };
    const zero = scoreAppraisee(plan, gap, opts('zero'));
    const incomplete = scoreAppraisee(plan, gap, opts('incomplete'));
    expect(incomplete.total).toBe(zero.total);
    expect(zero.complete).toBe(true);
    expect(incomplete.complete).toBe(false);
    // E = (60·75 + 40·0) / 100 = 45 → 18 points instead of 35.6.
    expect(find(zero.breakdown, 'E').contribution).toBeCloseTo(18, 12);
    expect(find(zero.breakdown, 'E2').notes).toContain('missing: no value reported; scored 0');
  });

  it("'renormalise' excludes the leaf and renormalises its siblings", () => {
    const m = scoreAppraisee(plan, { ...inputs, E2: {} }, opts('renormalise'));
    expect(m.complete).toBe(true);
    expect(find(m.breakdown, 'E2')).toMatchObject({ excluded: true, contribution: 0, missing: 'unreported' });
    // E2 out: E = E1 = 75 → 30 points; the total loses 5.6 of the 87.35.
    expect(find(m.breakdown, 'E').attainment).toBeCloseTo(75, 12);
    expect(find(m.breakdown, 'E').contribution).toBeCloseTo(30, 12);
    expect(find(m.breakdown, 'E').notes[0]).toMatch(/renormalised.*E2/);
    expect(round2(m.total)).toBe(81.75);
    // A whole first-level block missing: the others' weights are scaled up to the full 100.
    const s = scoreAppraisee(plan, { ...inputs, S1: {} }, opts('renormalise'));
    expect(find(s.breakdown, 'S')).toMatchObject({ excluded: true, contribution: 0 });
    expect(s.weightedScore).toBeCloseTo(((35.6 + 32.75) * 100) / 80, 9);
    // S1 carries a veto: it cannot be decided, so the result is incomplete under any policy.
    expect(s.veto.triggered).toBe(false);
    expect(s.missing).toEqual([
      { code: 'S1', name: '生产安全事故死亡人数', reason: 'unreported', veto: true },
    ]);
    for (const policy of MISSING_DATA_POLICIES)
      expect(scoreAppraisee(plan, { ...inputs, S1: {} }, opts(policy)).complete).toBe(false);
    // Nothing left to score is not a result.
    const none = scoreAppraisee(plan, { B1: { value: 1 } }, opts('renormalise'));
    expect(none.complete).toBe(false);
    expect(none.weightedScore).toBe(0);
  });

  it("law: 'renormalise' scores as the tree pruned of its missing leaves, first-level weights scaled to the same sum", () => {
    fc.assert(
      fc.property(treeArb, (specs) => {
        const inputs: Record<string, LeafInput> = {};
        const nodes = build(specs, 'n', inputs);
        const r = scoreAppraisee(nodes, inputs, { minRaters: 2, missingData: 'renormalise' });
        const missing = new Set(r.missing.map((m) => m.code));
        expect([...missing].sort()).toEqual(
          Object.entries(inputs)
            .filter(([, i]) => i.value === undefined)
            .map(([code]) => code)
            .filter((code) => find(r.breakdown, code).kind === 'normal')
            .sort(),
        );
        // Prune missing leaves, then parents left without normal children that had some.
        const prune = (list: IndicatorNode[]): IndicatorNode[] =>
          list.flatMap((n) => {
            if (!n.children?.length)
              return missing.has(n.code) && (n.kind ?? 'normal') === 'normal' ? [] : [n];
            const kids = prune(n.children);
            const hadNormal = n.children.some((c) => (c.kind ?? 'normal') === 'normal');
            const hasNormal = kids.some((c) => (c.kind ?? 'normal') === 'normal');
            return hadNormal && !hasNormal ? [] : [{ ...n, children: kids }];
          });
        const pruned = prune(nodes);
        const w = (l: IndicatorNode[]) =>
          l.filter((n) => (n.kind ?? 'normal') === 'normal').reduce((s, n) => s + n.weight, 0);
        const all = w(nodes);
        const left = w(pruned);
        if (left === 0) return;
        const scaled = pruned.map((n) =>
          (n.kind ?? 'normal') === 'normal' ? { ...n, weight: (n.weight / left) * all } : n,
        );
        const p = scoreAppraisee(scaled, inputs, { minRaters: 2, missingData: 'renormalise' });
        // Bonus/deduction items inside pruned parents drop out of the pruned tree: compare the weighted part.
        expect(p.missing).toEqual([]);
        expect(Math.abs(p.weightedScore - r.weightedScore)).toBeLessThan(1e-6 * (1 + r.weightedScore));
      }),
      { numRuns: 500 },
    );
  });
});

describe('panel figures do not depend on the order the ratings come in', () => {
  // Fractional weights and scores make a floating-point sum depend on its order: the compute (index
  // order), the explanation and a recomputation from the open-data bundle (sorted) must agree.
  const ratingsArb = fc.array(
    fc.record({
      subject: fc.constant<SubjectType>('public'),
      score: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(33.3, 66.7)),
      weight: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 3, noNaN: true })),
      estimate: fc.boolean(),
    }),
    { minLength: 1, maxLength: 9 },
  );
  it('gives the same mean and used figure, to the bit, for any order', () => {
    fc.assert(
      fc.property(ratingsArb, fc.integer({ min: 0, max: 2 }), fc.nat(), (ratings, trim, seed) => {
        // A permutation of the ratings from the seed (Fisher–Yates on a seeded sequence).
        const shuffled = [...ratings];
        let x = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          x = (x * 1103515245 + 12345) % 2147483648;
          const j = x % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const options = { trimEachSide: trim };
        const a = panel('public', ratings, options, 'A1');
        const b = panel('public', shuffled, options, 'A1');
        expect(Object.is(a.used, b.used)).toBe(true);
        expect(Object.is(a.mean, b.mean)).toBe(true);
      }),
      { seed: 20261201, numRuns: 500 },
    );
  });
  it('sums 0.1, 0.2 and 0.7-weighted scores alike in every order (a case where order matters)', () => {
    const rs = [
      { subject: 'public' as const, score: 33.3, weight: 0.1 },
      { subject: 'public' as const, score: 66.7, weight: 0.2 },
      { subject: 'public' as const, score: 99.9, weight: 0.7 },
    ];
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const figures = new Set(
      orders.map(
        (o) =>
          panel(
            'public',
            o.map((i) => rs[i]),
            {},
            'A1',
          ).used,
      ),
    );
    expect(figures.size).toBe(1);
  });
});
