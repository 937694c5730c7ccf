import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fQuantile } from '../stats/distributions';
import { cronbachAlpha, cronbachAlphaInterval } from './reliability';

describe('cronbachAlpha', () => {
  it('worked example: 4 respondents × 3 items, alpha = 33/34', () => {
    // Computed by hand:
    //   item variances (n−1): item1 1,2,3,4 → 5/3; item2 2,3,3,4 → 2/3; item3 2,3,4,5 → 5/3; Σ = 4
    //   totals 5, 8, 10, 13 → mean 9, SS = 16+1+1+16 = 34, variance 34/3
    //   alpha = 3/2 · (1 − 4/(34/3)) = 3/2 · 22/34 = 33/34 = 0.970588…
    const rows = [
      [1, 2, 2],
      [2, 3, 3],
      [3, 3, 4],
      [4, 4, 5],
    ];
    expect(cronbachAlpha(rows)).toBeCloseTo(33 / 34, 12);
  });

  it('worked example: two uncorrelated items give alpha 0', () => {
    // items (1,2,1,2) and (1,1,2,2): covariance 0, so var(total) = Σ var(items) and alpha = 2·(1−1) = 0.
    expect(
      cronbachAlpha([
        [1, 1],
        [2, 1],
        [1, 2],
        [2, 2],
      ]),
    ).toBeCloseTo(0, 12);
  });

  it('rejects fewer than 2 items or 2 respondents, and ragged rows', () => {
    expect(() => cronbachAlpha([[1, 2]])).toThrow();
    expect(() => cronbachAlpha([[1], [2]])).toThrow();
    expect(() => cronbachAlpha([[1, 2], [3]])).toThrow();
  });

  const matrix = fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 3, max: 12 })).chain(([k, n]) =>
    fc.array(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: k, maxLength: k }), {
      minLength: n,
      maxLength: n,
    }),
  );

  it('property: equals the covariance form k/(k−1) · 2Σcov / var(total) and never exceeds 1', () => {
    fc.assert(
      fc.property(matrix, (rows) => {
        const a = cronbachAlpha(rows);
        const k = rows[0].length;
        const n = rows.length;
        const cols = Array.from({ length: k }, (_, j) => rows.map((r) => r[j]));
        const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
        const cov = (x: number[], y: number[]) => {
          const mx = mean(x);
          const my = mean(y);
          return x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / (n - 1);
        };
        const totals = rows.map((r) => r.reduce((s, v) => s + v, 0));
        const vt = cov(totals, totals);
        if (vt === 0) return Number.isNaN(a);
        let offDiag = 0;
        for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) offDiag += cov(cols[i], cols[j]);
        return Math.abs(a - (k / (k - 1)) * ((2 * offDiag) / vt)) < 1e-9 && a <= 1 + 1e-12;
      }),
    );
  });

  it('property: adding a constant to one item leaves alpha unchanged; k identical varying items give 1', () => {
    fc.assert(
      fc.property(matrix, fc.integer({ min: -10, max: 10 }), (rows, c) => {
        const a = cronbachAlpha(rows);
        const b = cronbachAlpha(rows.map((r) => [r[0] + c, ...r.slice(1)]));
        return Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) < 1e-9;
      }),
    );
    expect(cronbachAlpha([1, 2, 3, 5].map((v) => [v, v, v]))).toBeCloseTo(1, 12);
  });
});

describe('cronbachAlphaInterval (Feldt 1965; psych::alpha.ci)', () => {
  it('the F interval around alpha', () => {
    const rows = [
      [4, 5, 4],
      [2, 3, 3],
      [5, 5, 4],
      [3, 3, 2],
      [4, 4, 5],
      [1, 2, 2],
      [3, 4, 3],
      [5, 4, 5],
    ];
    const r = cronbachAlphaInterval(rows);
    expect(r.alpha).toBeCloseTo(cronbachAlpha(rows), 12);
    expect(r.ci[0]).toBeCloseTo(1 - (1 - r.alpha) * fQuantile(0.975, 7, 14), 12);
    expect(r.ci[1]).toBeCloseTo(1 - (1 - r.alpha) * fQuantile(0.025, 7, 14), 12);
    expect(r.ci[0]).toBeLessThan(r.alpha);
    expect(r.ci[1]).toBeGreaterThan(r.alpha);
    expect(r.ci[1]).toBeLessThan(1);
  });
});
