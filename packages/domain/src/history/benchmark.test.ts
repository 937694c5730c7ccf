import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bestPerformer, linearTrend, projectTrend, quantile7, quartiles, yearOverYear } from './benchmark';

describe('quantile7 (R type 7)', () => {
  it('matches R quantile(c(7, 15, 36, 39, 40, 41))', () => {
    // R: quantile(c(7,15,36,39,40,41)) → 0%: 7, 25%: 20.25, 50%: 37.5, 75%: 39.75, 100%: 41
    expect(quartiles([41, 7, 39, 15, 40, 36])).toEqual({
      n: 6,
      min: 7,
      q1: 20.25,
      median: 37.5,
      q3: 39.75,
      max: 41,
    });
  });
  it('matches R quantile(1:10, c(.1, .25, .9))', () => {
    const x = Array.from({ length: 10 }, (_, i) => i + 1);
    // R: 1.9, 3.25, 9.1
    expect(quantile7(x, 0.1)).toBeCloseTo(1.9, 12);
    expect(quantile7(x, 0.25)).toBeCloseTo(3.25, 12);
    expect(quantile7(x, 0.9)).toBeCloseTo(9.1, 12);
  });
  it('one value is every quantile; empty input and bad p are refused', () => {
    expect(quartiles([4.2])).toEqual({ n: 1, min: 4.2, q1: 4.2, median: 4.2, q3: 4.2, max: 4.2 });
    expect(() => quantile7([], 0.5)).toThrow(/at least one/);
    expect(() => quantile7([1, 2], 1.5)).toThrow(/between 0 and 1/);
    expect(() => quantile7([1, Number.NaN], 0.5)).toThrow(/finite/);
  });
  it('is monotone in p and stays within min and max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(quantile7(xs, lo)).toBeLessThanOrEqual(quantile7(xs, hi) + 1e-9);
          expect(quantile7(xs, lo)).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(quantile7(xs, hi)).toBeLessThanOrEqual(Math.max(...xs));
        },
      ),
    );
  });
});

describe('linearTrend', () => {
  it('fits the textbook example y = 2.2 + 0.6x (x 1..5, y 2 4 5 4 5)', () => {
    const t = linearTrend([1, 2, 3, 4, 5].map((x, i) => ({ x, y: [2, 4, 5, 4, 5][i] })));
    expect(t.slope).toBeCloseTo(0.6, 12);
    expect(t.intercept).toBeCloseTo(2.2, 12);
    expect(t.r2).toBeCloseTo(0.6, 12);
    expect(projectTrend(t, 6)).toBeCloseTo(5.8, 12);
  });
  it('projects a steady rise by years exactly', () => {
    const t = linearTrend([
      { x: 2021, y: 10 },
      { x: 2022, y: 12 },
      { x: 2023, y: 14 },
      { x: 2024, y: 16 },
    ]);
    expect(t.slope).toBeCloseTo(2, 9);
    expect(projectTrend(t, 2025)).toBeCloseTo(18, 6);
    expect(t.r2).toBeCloseTo(1, 12);
  });
  it('needs two distinct x', () => {
    expect(() => linearTrend([{ x: 1, y: 1 }])).toThrow(/two points/);
    expect(() =>
      linearTrend([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toThrow(/different x/);
  });
});

describe('bestPerformer and yearOverYear', () => {
  const rows = [
    { name: 'a', value: 3 },
    { name: 'b', value: 9 },
    { name: 'c', value: 1 },
    { name: 'd', value: 9 },
  ];
  it('picks the highest or lowest by polarity, first on ties', () => {
    expect(bestPerformer(rows, 'higher')?.name).toBe('b');
    expect(bestPerformer(rows, 'lower')?.name).toBe('c');
    expect(bestPerformer([], 'higher')).toBeNull();
  });
  it('signs improvement by polarity', () => {
    expect(yearOverYear(80, 88, 'higher')).toEqual({ change: 8, relative: 0.1, improved: true });
    expect(yearOverYear(40, 36, 'lower')).toEqual({ change: -4, relative: -0.1, improved: true });
    expect(yearOverYear(0, 2, 'lower')).toEqual({ change: 2, relative: null, improved: false });
    expect(yearOverYear(5, 5, 'higher').improved).toBeNull();
  });
});
