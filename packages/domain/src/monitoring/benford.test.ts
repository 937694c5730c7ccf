import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { benfordTest, firstSignificantDigit } from './benford';

describe('benfordTest', () => {
  it('worked example: 10 values with first digits 1,1,1,2,2,3,4,5,7,9 (zeros and NaN ignored)', () => {
    // Expected counts 10·log10(1 + 1/d) = 3.0103, 1.7609, 1.2494, 0.9691, 0.7918, 0.6695, 0.5799, 0.5115, 0.4576.
    // χ² = Σ (O − E)²/E = 0.00004 + 0.03247 + 0.04978 + 0.00099 + 0.05474 + 0.66949 + 0.30433 + 0.51153 + 0.64292 = 2.2663
    // MAD = (0.00103 + 0.02391 + 0.02494 + 0.00309 + 0.02082 + 0.06695 + 0.04201 + 0.05115 + 0.05424)/9 = 0.03202
    const r = benfordTest([1, 12, 0.19, 2, -250, 3e9, 4.4, 5, 0.007, 98, 0, NaN, Infinity]);
    expect(r.counts).toEqual([3, 2, 1, 1, 1, 0, 1, 0, 1]);
    expect(r.n).toBe(10);
    expect(r.expected[0]).toBeCloseTo(3.0103, 4);
    expect(r.chiSquare).toBeCloseTo(2.2663, 4);
    expect(r.mad).toBeCloseTo(0.03202, 5);
    expect(r.conformity).toBe('nonconformity');
  });

  it('worked example: powers of two 2^1..2^1000 follow Benford closely', () => {
    // Digit counts from exact BigInt arithmetic (independent of floating point): 301, 176, 125, 97, 79, 69, 56, 52, 45.
    // MAD = 0.000678 ≤ 0.006 → close; χ² = 0.1586.
    const exact = new Array(9).fill(0);
    for (let k = 1; k <= 1000; k++) exact[Number((2n ** BigInt(k)).toString()[0]) - 1]++;
    expect(exact).toEqual([301, 176, 125, 97, 79, 69, 56, 52, 45]);
    const r = benfordTest(Array.from({ length: 1000 }, (_, k) => 2 ** (k + 1)));
    expect(r.counts).toEqual(exact);
    expect(r.mad).toBeCloseTo(0.000678, 6);
    expect(r.chiSquare).toBeCloseTo(0.1586, 4);
    expect(r.conformity).toBe('close');
  });

  it('Nigrini thresholds: all values starting with 1 are nonconforming', () => {
    expect(benfordTest([1, 10, 100, 1000]).conformity).toBe('nonconformity');
  });

  it('property: first digit is the leading printed digit and sign-free; counts sum to n', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (v) => {
        const d = firstSignificantDigit(v);
        return (
          d >= 1 && d <= 9 && firstSignificantDigit(-v) === d && String(v.toExponential())[0] === String(d)
        );
      }),
    );
    expect(firstSignificantDigit(0.001)).toBe(1);
    expect(firstSignificantDigit(1000)).toBe(1);
    expect(firstSignificantDigit(999.9)).toBe(9);
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: false })), (vs) => {
        const r = benfordTest(vs);
        return (
          r.counts.reduce((a, b) => a + b, 0) === r.n &&
          Math.abs(r.expected.reduce((a, b) => a + b, 0) - r.n) < 1e-9
        );
      }),
    );
  });
});

describe('benfordTest p-value', () => {
  it('is the chi-square upper tail on 8 df: 15.507 is the 5 % point', () => {
    // Exactly Benford-distributed counts give χ² ≈ 0 and p ≈ 1.
    const values: number[] = [];
    [301, 176, 125, 97, 79, 67, 58, 51, 46].forEach((c, i) => {
      for (let k = 0; k < c; k++) values.push((i + 1) * 10 ** (k % 5));
    });
    const r = benfordTest(values);
    expect(r.pValue).toBeGreaterThan(0.99);
    // All ones: far from Benford.
    expect(benfordTest(Array.from({ length: 100 }, () => 1)).pValue).toBeLessThan(1e-10);
    expect(benfordTest([]).pValue).toBeNaN();
  });
});
