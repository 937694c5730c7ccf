import { describe, expect, it } from 'vitest';
import { nonresponseAdjust } from './nonresponse';

describe('nonresponseAdjust (weighting classes)', () => {
  it('scales each class to its eligible sampled total: a worked example', () => {
    // Stratum A: N = 600, 30 sampled (d = 20), 2 ineligible, 21 respondents:
    //   eligible total = 28 × 20 = 560, respondents 21 × 20 = 420, factor 560/420 = 4/3, weight 26.667.
    // Stratum B: N = 400, 20 sampled (d = 20), none ineligible, 16 respondents:
    //   eligible total = 400, respondents 320, factor 1.25, weight 25.
    const weights = [...Array(21).fill(20), ...Array(16).fill(20)];
    const classes = [...Array(21).fill('A'), ...Array(16).fill('B')];
    const r = nonresponseAdjust(weights, classes, { A: 560, B: 400, C: 100 });
    expect(r.factors.A).toBeCloseTo(4 / 3, 12);
    expect(r.factors.B).toBeCloseTo(1.25, 12);
    expect(r.weights[0]).toBeCloseTo(80 / 3, 10);
    expect(r.weights[30]).toBeCloseTo(25, 12);
    // The respondents now represent every eligible unit: 560 + 400.
    expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(960, 9);
    expect(r.emptyClasses).toEqual(['C']);
  });

  it('refuses a class without a total and an eligible total below the respondents', () => {
    expect(() => nonresponseAdjust([1, 1], ['A', 'B'], { A: 2 })).toThrow(/class B/);
    expect(() => nonresponseAdjust([5, 5], ['A', 'A'], { A: 6 })).toThrow(/below/);
  });
});
