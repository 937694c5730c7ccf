import { describe, expect, it } from 'vitest';
import { designCovariance, designVariance, postStratify, surveyDesign } from './design';
import { svyChisq } from './chisq';
import apiclus1Csv from './fixtures/apiclus1.csv?raw';

/**
 * Reference: the survey package's worked example of svychisq (Lumley, "Tables and chi-squared
 * tests", r-survey.r-forge.r-project.org/survey/example-chisq.html), on
 * dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc):
 *   svychisq(~sch.wide + stype, dclus1)
 *     F = 5.1934, ndf = 1.495, ddf = 20.925, p-value = 0.02175
 *   svychisq(~sch.wide + stype, dclus1, statistic = "Chisq")
 *     X-squared = 11.9409, df = 2, p-value = 0.005553
 *   svytable(~sch.wide + stype, dclus1): No 406.1640 101.5410 270.7760 / Yes 4467.8035 372.3170 575.3989
 */
type Row = Record<string, string>;
function load(csv: string): Row[] {
  const [head, ...lines] = csv.trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}
const apiclus1 = load(apiclus1Csv);
const col = (c: string) => apiclus1.map((r) => r[c]);
const dclus1 = surveyDesign({
  weights: apiclus1.map((r) => Number(r.pw)),
  clusters: col('dnum'),
  fpc: apiclus1.map((r) => Number(r.fpc)),
});
function printed(a: number, p: number, decimals: number) {
  expect(Math.abs(a - p)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
}

describe('svyChisq (Rao–Scott) reproduces R svychisq', () => {
  it('second-order F and first-order chi-square on dclus1', () => {
    const t = svyChisq(dclus1, col('sch.wide'), col('stype'));
    expect(t.rowLevels).toEqual(['No', 'Yes']);
    expect(t.colLevels).toEqual(['E', 'H', 'M']);
    expect(t.n).toBe(183);
    expect(t.df).toBe(2);
    // Estimated table (svytable) divided by its total Σw = 6194.
    const sw = 406.164 + 101.541 + 270.776 + 4467.8035 + 372.317 + 575.3989;
    printed(t.proportions[0][0] * sw, 406.164, 3);
    printed(t.proportions[1][2] * sw, 575.3989, 3);
    printed(t.pearson, 11.9409, 4);
    printed(t.chisqP, 0.005553, 6);
    printed(t.f, 5.1934, 4);
    printed(t.ndf, 1.495, 3);
    printed(t.ddf, 20.925, 3);
    printed(t.p, 0.02175, 5);
    // F is the first-order statistic per degree of freedom.
    expect(t.f).toBeCloseTo(t.chisq / t.df, 12);
  });

  it('equals Pearson’s test (× (n−1)/n) under SRS with equal weights', () => {
    // 2×3 table of counts: a = [[10, 20, 30], [25, 10, 5]], n = 100.
    // Pearson by hand: row totals 60, 40; column totals 35, 30, 35; expected e_rc = R_r·C_c/100
    // = [[21, 18, 21], [14, 12, 14]]; X² = 11²/21 + 2²/18 + 9²/21 + 11²/14 + 2²/12 + 9²/14
    // = 5.7619 + 0.2222 + 3.8571 + 8.6429 + 0.3333 + 5.7857 = 24.6032.
    const counts = [
      [10, 20, 30],
      [25, 10, 5],
    ];
    const rows: string[] = [];
    const cols: string[] = [];
    counts.forEach((r, i) =>
      r.forEach((c, j) => Array.from({ length: c }, () => (rows.push(`r${i}`), cols.push(`c${j}`)))),
    );
    const srs = surveyDesign({ weights: rows.map(() => 3) });
    const t = svyChisq(srs, rows, cols);
    printed(t.pearson, 24.6032, 4);
    // Linearised variance with replacement = n/(n−1) × multinomial variance: every δ = n/(n−1).
    expect(t.meanDeff).toBeCloseTo(100 / 99, 10);
    expect(t.ndf).toBeCloseTo(2, 10);
    expect(t.chisq).toBeCloseTo((t.pearson * 99) / 100, 10);
    expect(t.ddf).toBeCloseTo(2 * 99, 8);
    expect(t.chisqP).toBeCloseTo(Math.exp(-t.chisq / 2), 12);
  });

  it('scales by the design effect: clusters of k identical copies leave F unchanged while X² grows k-fold', () => {
    const rows: string[] = [];
    const cols: string[] = [];
    const ids: string[] = [];
    const counts = [
      [10, 20, 30],
      [25, 10, 5],
    ];
    let id = 0;
    counts.forEach((r, i) =>
      r.forEach((c, j) => {
        for (let x = 0; x < c; x++, id++)
          for (let copy = 0; copy < 4; copy++) {
            rows.push(`r${i}`);
            cols.push(`c${j}`);
            ids.push(String(id));
          }
      }),
    );
    const clustered = surveyDesign({ weights: rows.map(() => 1), clusters: ids });
    const t = svyChisq(clustered, rows, cols);
    printed(t.pearson, 4 * 24.6032, 3);
    expect(t.meanDeff).toBeCloseTo((4 * 100) / 99, 8);
    expect(t.f).toBeCloseTo((24.6032 * 99) / 100 / 2, 4);
    expect(t.ddf).toBeCloseTo(2 * 99, 8);
  });

  it('respects missing answers and refuses a one-level table', () => {
    const sw = col('sch.wide').map((x, i) => (i % 10 === 0 ? null : x));
    const t = svyChisq(dclus1, sw, col('stype'));
    expect(t.n).toBe(183 - 19);
    expect(t.ddf).toBeCloseTo(t.ndf * 14, 10);
    expect(() =>
      svyChisq(
        dclus1,
        col('stype').map(() => 'x'),
        col('stype'),
      ),
    ).toThrow(/two levels/);
  });
});

describe('designCovariance', () => {
  it('has designVariance on its diagonal, also after calibration', () => {
    const y1 = apiclus1.map((r) => Number(r.api00));
    const y2 = apiclus1.map((r) => Number(r.enroll));
    const d = postStratify(dclus1, col('stype'), { E: 4421, H: 755, M: 1018 });
    for (const des of [dclus1, d]) {
      const [u1, u2] = [y1, y2].map((y) => y.map((v, i) => des.weights[i] * v));
      const V = designCovariance(des, [u1, u2]);
      expect(V[0][0]).toBeCloseTo(designVariance(des, u1), 3);
      expect(V[1][1] / designVariance(des, u2)).toBeCloseTo(1, 10);
      const both = designVariance(
        des,
        u1.map((x, i) => x + u2[i]),
      );
      expect((V[0][0] + V[1][1] + 2 * V[0][1]) / both).toBeCloseTo(1, 10);
    }
  });
});
