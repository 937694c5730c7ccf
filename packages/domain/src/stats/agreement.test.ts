import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { icc, krippendorffAlpha, raterLeniency } from './agreement';

describe('icc (Shrout & Fleiss 1979, Psychological Bulletin 86:420–428)', () => {
  // Table 2 of the paper: 6 targets rated by 4 judges.
  const sf = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
  ];
  it('reproduces the mean squares of Table 2: BMS 11.24, JMS 32.49, EMS 1.02, WMS 6.26', () => {
    const r = icc(sf);
    expect(r.meanSquares.bms).toBeCloseTo(11.24, 2);
    expect(r.meanSquares.jms).toBeCloseTo(32.49, 2);
    expect(r.meanSquares.ems).toBeCloseTo(1.02, 2);
    expect(r.meanSquares.wms).toBeCloseTo(6.26, 2);
  });
  it('F-based intervals as R psych::ICC on Table 2 (psych manual, ?ICC) and incomplete rows dropped', () => {
    const r = icc(sf);
    // psych::ICC(ratings) printout: lower bounds to 3 decimals, upper to 2.
    const psych = (x: [number, number], lo: number, hi: number) => {
      expect(Math.abs(x[0] - lo)).toBeLessThanOrEqual(0.0005);
      expect(Math.abs(x[1] - hi)).toBeLessThanOrEqual(0.005);
    };
    psych(r.intervals.icc11, -0.133, 0.72);
    psych(r.intervals.icc21, 0.019, 0.76);
    psych(r.intervals.icc31, 0.342, 0.95);
    psych(r.intervals.icc1k, -0.884, 0.91);
    psych(r.intervals.icc2k, 0.071, 0.93);
    psych(r.intervals.icc3k, 0.676, 0.99);
    // McGraw & Wong (1996) Table 6 data, R DescTools::ICC to 3 decimals.
    const mw = icc([
      [103, 119],
      [82, 65],
      [116, 106],
      [102, 102],
      [99, 105],
      [98, 100],
      [104, 107],
      [62, 85],
      [97, 101],
      [107, 110],
    ]);
    const three = (x: [number, number], lo: number, hi: number) => {
      expect(Math.abs(x[0] - lo)).toBeLessThanOrEqual(0.0005);
      expect(Math.abs(x[1] - hi)).toBeLessThanOrEqual(0.0005);
    };
    three(mw.intervals.icc11, 0.241, 0.922);
    three(mw.intervals.icc21, 0.228, 0.922);
    three(mw.intervals.icc31, 0.197, 0.92);
    three(mw.intervals.icc1k, 0.389, 0.959);
    three(mw.intervals.icc2k, 0.371, 0.959);
    three(mw.intervals.icc3k, 0.329, 0.959);
    const withGap = icc([...sf, [5, null, 4, 6]]);
    expect(withGap.dropped).toBe(1);
    expect(withGap.n).toBe(6);
    expect(withGap.icc).toBeCloseTo(r.icc, 12);
  });
  it('reproduces Table 4: ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91', () => {
    const r = icc(sf);
    expect(r.icc).toBeCloseTo(0.29, 2);
    expect(r.forms.icc11).toBeCloseTo(0.17, 2);
    expect(r.forms.icc21).toBeCloseTo(0.29, 2);
    expect(r.forms.icc31).toBeCloseTo(0.71, 2);
    expect(r.forms.icc1k).toBeCloseTo(0.44, 2);
    expect(r.forms.icc2k).toBeCloseTo(0.62, 2);
    expect(r.forms.icc3k).toBeCloseTo(0.91, 2);
  });
  it('property: identical raters agree perfectly; a constant rater offset lowers ICC(2,1) but not ICC(3,1)', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 12 })
          .filter((xs) => new Set(xs).size > 1),
        fc.integer({ min: 1, max: 20 }),
        (xs, c) => {
          const same = icc(xs.map((x) => [x, x, x]));
          const shifted = icc(xs.map((x) => [x, x + c, x]));
          return (
            Math.abs(same.icc - 1) < 1e-12 && Math.abs(shifted.forms.icc31 - 1) < 1e-9 && shifted.icc < 1
          );
        },
      ),
    );
  });
});

describe('krippendorffAlpha (Krippendorff 2011, "Computing Krippendorff’s Alpha-Reliability", example C)', () => {
  // 4 observers × 12 units with missing values; here one array per unit.
  const A = [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null];
  const B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3];
  const C = [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null];
  const D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null];
  const units = A.map((_, u) => [A[u], B[u], C[u], D[u]]);
  it('interval alpha = 0.849, nominal 0.743, ratio 0.797 as published', () => {
    expect(krippendorffAlpha(units, 'interval')).toBeCloseTo(0.849, 3);
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(units, 'ratio')).toBeCloseTo(0.797, 3);
  });
  it('ordinal alpha = 0.815 as published; an unknown level is an error', () => {
    expect(krippendorffAlpha(units, 'ordinal')).toBeCloseTo(0.815, 3);
    expect(() => krippendorffAlpha(units, 'interva' as never)).toThrow(/unknown measurement level/);
  });
  it('property: perfect agreement gives 1; invariant to shifting and scaling (interval)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(null)), {
            minLength: 2,
            maxLength: 4,
          }),
          {
            minLength: 3,
            maxLength: 15,
          },
        ),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        (us, shift, scale) => {
          const pairable = us.filter((u) => u.filter((v) => v !== null).length >= 2);
          if (pairable.length === 0) return true;
          const a = krippendorffAlpha(us);
          const b = krippendorffAlpha(us.map((u) => u.map((v) => (v === null ? null : v * scale + shift))));
          return Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) < 1e-9 && a <= 1 + 1e-12;
        },
      ),
    );
    expect(
      krippendorffAlpha([
        [1, 1],
        [3, 3, null],
        [5, 5, 5],
      ]),
    ).toBeCloseTo(1, 12);
  });
});

describe('raterLeniency', () => {
  it('worked example: rater L scores 2 above, S 2 below, M on the panel mean', () => {
    // T1: L 90, M 88, S 86 → mean 88; T2: L 80, M 78, S 76 → mean 78.
    // T3 rated by L only: skipped. Leave-one-out on T1: L 90 − 87 = +3.
    const rs = [
      { raterId: 'L', targetId: 'T1', score: 90 },
      { raterId: 'M', targetId: 'T1', score: 88 },
      { raterId: 'S', targetId: 'T1', score: 86 },
      { raterId: 'L', targetId: 'T2', score: 80 },
      { raterId: 'M', targetId: 'T2', score: 78 },
      { raterId: 'S', targetId: 'T2', score: 76 },
      { raterId: 'L', targetId: 'T3', score: 50 },
    ];
    expect(raterLeniency(rs)).toEqual([
      { raterId: 'L', meanDeviation: 2, n: 2 },
      { raterId: 'M', meanDeviation: 0, n: 2 },
      { raterId: 'S', meanDeviation: -2, n: 2 },
    ]);
    expect(raterLeniency(rs, { leaveOneOut: true })[0].meanDeviation).toBe(3);
  });
  it('property: n-weighted deviations sum to zero (panel mean includes the rater)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            raterId: fc.constantFrom('a', 'b', 'c', 'd'),
            targetId: fc.constantFrom('x', 'y', 'z'),
            score: fc.integer({ min: 0, max: 100 }),
          }),
        ),
        (rs) => Math.abs(raterLeniency(rs).reduce((s, r) => s + r.meanDeviation * r.n, 0)) < 1e-8,
      ),
    );
  });
});
