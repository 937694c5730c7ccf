import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../indicators/errors';
import { ahpAggregate, ahpGroupWeights, ahpWeights, randomIndex } from './ahp';
import { entropyWeights } from './entropy';
import { normaliseWeights } from './normalise';

describe('ahpWeights', () => {
  it('classic 3×3 example: weights 0.637 / 0.258 / 0.105, CR 0.033', () => {
    // Economy moderately more important (3) than livelihood, strongly (5) than ecology; livelihood 3 × ecology.
    const r = ahpWeights([
      [1, 3, 5],
      [1 / 3, 1, 3],
      [1 / 5, 1 / 3, 1],
    ]);
    expect(r.weights.map((w) => Math.round(w * 1000) / 1000)).toEqual([0.637, 0.258, 0.105]);
    expect(r.lambdaMax).toBeCloseTo(3.0385, 4);
    expect(r.ci).toBeCloseTo(0.0193, 4);
    expect(r.cr).toBeCloseTo(0.0332, 4);
  });

  it('a consistent matrix has CR 0 and its defining weights', () => {
    const w = [0.5, 0.25, 0.15, 0.1];
    const r = ahpWeights(w.map((a) => w.map((b) => a / b)));
    r.weights.forEach((x, i) => expect(x).toBeCloseTo(w[i], 10));
    expect(r.cr).toBeCloseTo(0, 10);
  });

  it('n ≤ 2 has CR 0', () => {
    expect(ahpWeights([[1]])).toEqual({ weights: [1], lambdaMax: 1, ci: 0, cr: 0 });
    const r = ahpWeights([
      [1, 4],
      [1 / 4, 1],
    ]);
    expect(r.weights[0]).toBeCloseTo(0.8, 12);
    expect(r.cr).toBe(0);
  });

  it('rejects bad matrices, naming the field', () => {
    expect(() => ahpWeights([[1, 2]])).toThrow(DomainError);
    expect(() =>
      ahpWeights([
        [1, -2],
        [-0.5, 1],
      ]),
    ).toThrow(DomainError);
    try {
      ahpWeights([
        [1, 2],
        [0.6, 1],
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).details[0].field).toBe('matrix[1][0]');
    }
  });

  it('weights sum to 1 for any reciprocal matrix', () => {
    const scale = fc.constantFrom(1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9);
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 9 })
          .chain((n) => fc.tuple(fc.constant(n), fc.array(scale, { minLength: n * n, maxLength: n * n }))),
        ([n, xs]) => {
          const m = Array.from({ length: n }, (_, i) =>
            Array.from({ length: n }, (_, j) => (i === j ? 1 : i < j ? xs[i * n + j] : 1 / xs[j * n + i])),
          );
          const r = ahpWeights(m);
          expect(Math.abs(r.weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-9);
          expect(r.weights.every((w) => w > 0)).toBe(true);
          expect(r.lambdaMax).toBeGreaterThanOrEqual(n - 1e-9);
        },
      ),
    );
  });
});

describe('entropyWeights', () => {
  it('worked example by hand', () => {
    // Column 1 (higher) 1, 2, 3 → 0, 0.5, 1 → p = 0, 1/3, 2/3 → e = 0.5794 → d = 0.4206.
    // Column 2 (lower) 10, 10, 20 → 1, 1, 0 → p = ½, ½, 0 → e = ln2 / ln3 = 0.6309 → d = 0.3691.
    // Column 3 constant → d = 0. Weights 0.4206 / 0.7897 = 0.5326 and 0.4674, 0.
    const w = entropyWeights(
      [
        [1, 10, 7],
        [2, 10, 7],
        [3, 20, 7],
      ],
      ['higher', 'lower', 'higher'],
    );
    const d1 = 1 - ((1 / 3) * Math.log(3) + (2 / 3) * Math.log(3 / 2)) / Math.log(3);
    const d2 = 1 - Math.log(2) / Math.log(3);
    expect(w[0]).toBeCloseTo(d1 / (d1 + d2), 12);
    expect(w[0]).toBeCloseTo(0.5326, 4);
    expect(w[1]).toBeCloseTo(0.4674, 4);
    expect(w[2]).toBe(0);
  });

  it('all constant → equal weights; bad shapes throw', () => {
    expect(entropyWeights([[1, 2]], ['higher', 'lower'])).toEqual([0.5, 0.5]);
    expect(() => entropyWeights([[1, 2], [3]], ['higher', 'lower'])).toThrow(DomainError);
  });

  it('weights are non-negative and sum to 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((k) =>
          fc.tuple(
            fc.array(
              fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: k, maxLength: k }),
              {
                minLength: 1,
                maxLength: 12,
              },
            ),
            fc.array(fc.constantFrom('higher' as const, 'lower' as const), { minLength: k, maxLength: k }),
          ),
        ),
        ([rows, dirs]) => {
          const w = entropyWeights(rows, dirs);
          expect(Math.abs(w.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-9);
          expect(w.every((x) => x >= 0)).toBe(true);
        },
      ),
    );
  });
});

describe('normaliseWeights', () => {
  it('scales to 100 by default, to any total on request', () => {
    expect(normaliseWeights([1, 1, 2])).toEqual([25, 25, 50]);
    expect(normaliseWeights([3, 1], 1)).toEqual([0.75, 0.25]);
    expect(() => normaliseWeights([0, 0])).toThrow(DomainError);
    expect(() => normaliseWeights([1, -1])).toThrow(DomainError);
  });

  it('sums to the total', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 20 })
          .filter((ws) => ws.some((w) => w > 1e-6)),
        fc.constantFrom(1, 100),
        (ws, total) => {
          expect(Math.abs(normaliseWeights(ws, total).reduce((s, w) => s + w, 0) - total)).toBeLessThan(
            1e-9 * total,
          );
        },
      ),
    );
  });
});

describe('AHP groups and large matrices', () => {
  it('group judgement is the element-wise geometric mean, still reciprocal', () => {
    const a = [
      [1, 3, 5],
      [1 / 3, 1, 2],
      [1 / 5, 1 / 2, 1],
    ];
    const b = [
      [1, 1 / 3, 1],
      [3, 1, 2],
      [1, 1 / 2, 1],
    ];
    const g = ahpAggregate([a, b]);
    expect(g[0][1]).toBeCloseTo(1, 12);
    expect(g[0][2]).toBeCloseTo(Math.sqrt(5), 12);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(g[i][j] * g[j][i]).toBeCloseTo(1, 12);
    expect(ahpGroupWeights([a, a]).weights).toEqual(ahpWeights(a).weights);
    // Weighted: all weight on the first expert gives the first matrix.
    expect(ahpAggregate([a, b], [1, 1e-12])[0][2]).toBeCloseTo(5, 6);
  });
  it('more than 15 criteria: random index by Alonso & Lamata (2006)', () => {
    expect(randomIndex(15)).toBe(1.59);
    expect(randomIndex(16)).toBeCloseTo((1.7699 * 16 - 4.3513) / 15, 12);
    const n = 20;
    const w = Array.from({ length: n }, (_, i) => i + 1);
    const m = w.map((x) => w.map((y) => x / y));
    const r = ahpWeights(m);
    expect(r.weights[n - 1] / r.weights[0]).toBeCloseTo(20, 9);
    expect(r.cr).toBeCloseTo(0, 9);
  });
});
