import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sampleStandardDeviation } from 'simple-statistics';
import { crossTab, distribution, satisfactionIndex, weightedMean } from './estimates';

describe('weightedMean', () => {
  it('worked example: values 2, 4, 6, 8 with weights 1, 1, 2, 2', () => {
    // mean = 34/6 = 17/3; deviations −11/3, −5/3, 1/3, 7/3; Σw²d² = (121 + 25 + 4 + 196)/9 = 346/9
    // se² = 4/3 · (346/9) / 36 = 346/243 → se = 1.193259
    // Kish: (Σw)²/Σw² = 36/10 = 3.6; deff = 4/3.6 = 10/9 = 1 + CV² (CV² = 0.25/2.25)
    const r = weightedMean([2, 4, 6, 8], [1, 1, 2, 2]);
    expect(r.mean).toBeCloseTo(17 / 3, 12);
    expect(r.se).toBeCloseTo(Math.sqrt(346 / 243), 12);
    expect(r.effectiveN).toBeCloseTo(3.6, 12);
    expect(r.weightingEffect).toBeCloseTo(10 / 9, 12);
    expect(r.ci95[0]).toBeCloseTo(17 / 3 - 1.959964 * Math.sqrt(346 / 243), 5);
  });

  it('property: with equal weights se = s/√n and deff = 1; scaling weights changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 30 }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (ys, c) => {
          const r = weightedMean(ys);
          const s = weightedMean(
            ys,
            ys.map(() => c),
          );
          const sd = sampleStandardDeviation(ys);
          return (
            Math.abs(r.se - sd / Math.sqrt(ys.length)) < 1e-9 * (1 + sd) &&
            Math.abs(r.weightingEffect - 1) < 1e-12 &&
            Math.abs(s.mean - r.mean) < 1e-9 * (1 + Math.abs(r.mean)) &&
            Math.abs(s.se - r.se) < 1e-9 * (1 + r.se)
          );
        },
      ),
    );
  });

  it('property: Kish deff = 1 + CV² of the weights (population CV)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 2, maxLength: 30 }),
        (ws) => {
          const m = ws.reduce((a, b) => a + b, 0) / ws.length;
          const v = ws.reduce((a, b) => a + (b - m) ** 2, 0) / ws.length;
          return (
            Math.abs(
              weightedMean(
                ws.map(() => 1),
                ws,
              ).weightingEffect -
                (1 + v / (m * m)),
            ) < 1e-9
          );
        },
      ),
    );
  });
});

describe('satisfactionIndex', () => {
  it('5-point: 5→100, 4→80, 3→60; answers 5, 4, 4, 3 and one blank give 80', () => {
    const r = satisfactionIndex([5, 4, 4, 3, null], 5);
    expect(r.index).toBe(80);
    expect(r.n).toBe(4);
    expect(r.missing).toBe(1);
    expect(r.counts).toEqual([0, 0, 1, 2, 1]);
    expect(r.mapping).toEqual([20, 40, 60, 80, 100]);
  });
  it('7-point: score = 100·v/7; answers 7 and 4 give (100 + 57.142857)/2 = 78.571', () => {
    expect(satisfactionIndex([7, 4], 7).index).toBeCloseTo(550 / 7, 10);
    expect(() => satisfactionIndex([6], 5)).toThrow();
  });
});

describe('crossTab and distribution', () => {
  const rows = [
    { area: 'urban', answer: 5, w: 2 },
    { area: 'urban', answer: 4, w: 1 },
    { area: 'rural', answer: 4, w: 3 },
    { area: 'rural', answer: null, w: 1 },
  ];
  it('weighted cross tabulation with row and column shares', () => {
    const t = crossTab(rows, 'area', 'answer', 'w');
    expect(t.rowLevels).toEqual(['rural', 'urban']);
    expect(t.colLevels).toEqual(['4', '5']);
    expect(t.cells).toEqual([
      [3, 0],
      [1, 2],
    ]);
    expect(t.total).toBe(6);
    expect(t.rowShares[1]).toEqual([1 / 3, 2 / 3]);
    expect(t.colShares[0]).toEqual([0.75, 0]);
  });
  it('distribution lists declared levels, counts multi-choice once per respondent', () => {
    const d = distribution(['a', 'b', 'a', null, ['a', 'c', 'a']], { levels: ['a', 'b', 'c', 'd'] });
    expect(d.n).toBe(4);
    expect(d.missing).toBe(1);
    expect(d.items.map((i) => [i.value, i.count, i.share])).toEqual([
      ['a', 3, 0.75],
      ['b', 1, 0.25],
      ['c', 1, 0.25],
      ['d', 0, 0],
    ]);
  });
});
