import { describe, expect, it } from 'vitest';
import {
  kishWeightingEffect,
  postStratify,
  rakeDesign,
  surveyDesign,
  svyMean,
  svyMeanBy,
  svyProportion,
  svyRatio,
  svyTotal,
  type SurveyEstimate,
} from './design';
import apistratCsv from './fixtures/apistrat.csv?raw';
import apiclus1Csv from './fixtures/apiclus1.csv?raw';
import apiclus2Csv from './fixtures/apiclus2.csv?raw';
import fpcCsv from './fixtures/fpc.csv?raw';

/**
 * Reference numbers are R's own saved outputs in the `survey` package sources (cran/survey 4.5):
 * tests/testoutput/api.Rout.saved (example(api)), tests/rakecheck.Rout.save,
 * tests/domain.Rout.save, tests/deff.Rout.save, tests/lonely.psu.Rout.save. Data: fixtures/README.md.
 * R prints 5 significant digits; points are checked to that printing, SEs to 1e-3 relative, and
 * where R printed 7 digits (domain.Rout.save, deff.Rout.save) to 1e-6.
 */
type Row = Record<string, string>;
function load(csv: string): Row[] {
  const text = csv.trim();
  const [head, ...lines] = text.split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}
const num = (rows: Row[], c: string) => rows.map((r) => (r[c] === '' ? null : Number(r[c])));
const str = (rows: Row[], c: string) => rows.map((r) => r[c]);

const apistrat = load(apistratCsv);
const apiclus1 = load(apiclus1Csv);
const apiclus2 = load(apiclus2Csv);
const fpcData = load(fpcCsv);

/** |a − printed| within half a unit of the printed last digit. */
function printed(a: number, p: number, decimals: number) {
  expect(Math.abs(a - p)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
}
function relClose(a: number, b: number, rel = 1e-3) {
  expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(rel);
}

const dstrat = surveyDesign({
  weights: num(apistrat, 'pw') as number[],
  strata: str(apistrat, 'stype'),
  fpc: num(apistrat, 'fpc') as number[],
});
const dclus1 = surveyDesign({
  weights: num(apiclus1, 'pw') as number[],
  clusters: str(apiclus1, 'dnum'),
  fpc: num(apiclus1, 'fpc') as number[],
});
const popTypes = { E: 4421, H: 755, M: 1018 };

describe('surveyDesign + svyMean/svyTotal reproduce R example(api)', () => {
  it('stratified, with fpc: svymean(~api00, dstrat) 662.29 (9.4089); svytotal(~enroll) 3687178 (114642)', () => {
    const m = svyMean(dstrat, num(apistrat, 'api00'));
    printed(m.estimate, 662.29, 2);
    relClose(m.se, 9.4089);
    expect(m.df).toBe(200 - 3);
    const t = svyTotal(dstrat, num(apistrat, 'enroll'));
    printed(t.estimate, 3687178, 0);
    relClose(t.se, 114642);
  });

  it('one-stage cluster, with fpc: svymean(~api00, dclus1) 644.17 (23.542), deff 9.35; total enroll 3404940 (932235)', () => {
    const m = svyMean(dclus1, num(apiclus1, 'api00'));
    printed(m.estimate, 644.17, 2);
    relClose(m.se, 23.542);
    expect(m.df).toBe(14);
    // The interval is t-based on 14 df: 644.17 ± 2.144787·23.542.
    expect(m.ci[1] - m.estimate).toBeCloseTo(2.144786687916926 * m.se, 9);
    // svymean(~api00, dclus1, deff = TRUE): DEff 9.3459 (?svymean); Kish's weighting effect is 1 here.
    relClose(m.deff, 9.3459);
    expect(kishWeightingEffect(num(apiclus1, 'pw') as number[]).weightingEffect).toBeCloseTo(1, 9);
    const t = svyTotal(dclus1, num(apiclus1, 'enroll'));
    printed(t.estimate, 3404940, 0);
    relClose(t.se, 932235);
  });

  it('two-stage design, first stage with replacement: svymean(~api00, dclus2wr) 670.81 (30.712); total enroll 2639273 (820261)', () => {
    const d = surveyDesign({ weights: num(apiclus2, 'pw') as number[], clusters: str(apiclus2, 'dnum') });
    const m = svyMean(d, num(apiclus2, 'api00'));
    printed(m.estimate, 670.81, 2);
    relClose(m.se, 30.712);
    const t = svyTotal(d, num(apiclus2, 'enroll'));
    printed(t.estimate, 2639273, 0);
    relClose(t.se, 820261);
  });

  it('design effect against SRS without replacement (tests/deff.Rout.save): 113.700 (35.626) DEff 1.010101', () => {
    const y = [15, 143, 21, 51, 337, 50, 274, 145, 15, 86];
    const d = surveyDesign({ weights: y.map(() => 100) });
    const m = svyMean(d, y);
    expect(m.estimate).toBeCloseTo(113.7, 9);
    relClose(m.se, 35.626);
    expect(m.deff).toBeCloseTo(1.010101, 6);
    const t = svyTotal(d, y);
    expect(t.estimate).toBeCloseTo(113700, 6);
    relClose(t.se, 35626);
    expect(t.deff).toBeCloseTo(1.010101, 6);
  });
});

describe('calibration', () => {
  it('postStratify(dclus1, ~stype, pop.types): mean api00 642.31 (23.921); total enroll 3680893 (406293)', () => {
    const d = postStratify(dclus1, str(apiclus1, 'stype'), popTypes);
    const m = svyMean(d, num(apiclus1, 'api00'));
    printed(m.estimate, 642.31, 2);
    relClose(m.se, 23.921);
    const t = svyTotal(d, num(apiclus1, 'enroll'));
    printed(t.estimate, 3680893, 0);
    relClose(t.se, 406293);
    expect(d.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(6194, 6);
  });

  it('rake(dclus1, list(~stype, ~sch.wide)): mean api00 641.23 (23.704); total enroll 3647280 (400603)', () => {
    const d = rakeDesign(dclus1, [
      { variable: str(apiclus1, 'stype'), totals: popTypes },
      { variable: str(apiclus1, 'sch.wide'), totals: { No: 1072, Yes: 5122 } },
    ]);
    const step = d.calibration.at(-1)!;
    expect(step.converged).toBe(true);
    const m = svyMean(d, num(apiclus1, 'api00'));
    printed(m.estimate, 641.23, 2);
    relClose(m.se, 23.704);
    const t = svyTotal(d, num(apiclus1, 'enroll'));
    printed(t.estimate, 3647280, 0);
    relClose(t.se, 400603);
    // Domain mean on a raked design (tests/domain.Rout.save checks it against svyratio): same thing here.
    const yes = str(apiclus1, 'comp.imp').map((x) => x === 'Yes');
    const dm = svyMean(d, num(apiclus1, 'api00'), { domain: yes });
    const r = svyRatio(
      d,
      apiclus1.map((row, i) => (yes[i] ? Number(row['api00']) : 0)),
      yes.map((x) => (x ? 1 : 0)),
    );
    expect(dm.estimate).toBeCloseTo(r.estimate, 9);
    expect(dm.se).toBeCloseTo(r.se, 9);
  });

  it('trimming: bounds honoured when feasible, otherwise reported with converged = false', () => {
    const margins = [
      { variable: str(apiclus1, 'stype'), totals: popTypes },
      { variable: str(apiclus1, 'sch.wide'), totals: { No: 1072, Yes: 5122 } },
    ];
    // Untrimmed, the raked weights reach 1.98 × the mean weight; [0.5, 1.7] is attainable.
    const ok = rakeDesign(dclus1, margins, { trim: { min: 0.5, max: 1.7 } });
    const mean = 6194 / 183;
    expect(ok.calibration[0].converged).toBe(true);
    expect(Math.max(...ok.weights)).toBeLessThanOrEqual(1.7 * mean * (1 + 1e-9));
    const tab = new Map<string, number>();
    ok.weights.forEach((w, i) =>
      tab.set(apiclus1[i]['sch.wide'], (tab.get(apiclus1[i]['sch.wide']) ?? 0) + w),
    );
    expect(tab.get('No')).toBeCloseTo(1072, 6);
    // [0.9, 1.2] cannot meet the margins: the bounds hold, the margins do not, and it says so.
    const tight = rakeDesign(dclus1, margins, { trim: { min: 0.9, max: 1.2 }, maxIterations: 50 });
    const step = tight.calibration[0];
    expect(step.converged).toBe(false);
    expect(step.maxMarginError).toBeGreaterThan(1e-3);
    expect(step.outsideBounds).toEqual([]);
  });

  it('refuses a margin category without respondents and a cell without a total', () => {
    expect(() =>
      rakeDesign(dclus1, [{ variable: str(apiclus1, 'stype'), totals: { ...popTypes, X: 10 } }]),
    ).toThrow(/no respondent in category X/);
    expect(() => postStratify(dclus1, str(apiclus1, 'stype'), { E: 1, H: 2 })).toThrow(
      /cell M has no population total/,
    );
    const p = postStratify(dclus1, str(apiclus1, 'stype'), { ...popTypes, X: 5 }, { partial: true });
    expect(p.calibration[0].emptyCells).toEqual(['X']);
  });
});

describe('domains, ratios, proportions, lonely PSUs', () => {
  const dfpc = surveyDesign({
    weights: num(fpcData, 'weight') as number[],
    strata: str(fpcData, 'stratid'),
    clusters: str(fpcData, 'psuid'),
  });
  const x = num(fpcData, 'x') as number[];

  it('domain means by zeroing, not subsetting (tests/domain.Rout.save): 3.314286 (0.3117042), 6.195000 (0.7555129)', () => {
    const by = svyMeanBy(
      dfpc,
      x,
      x.map((v) => (v > 4 ? 'TRUE' : 'FALSE')),
    );
    expect(by.map((b) => b.group)).toEqual(['FALSE', 'TRUE']);
    expect(by[0].result.estimate).toBeCloseTo(3.314286, 6);
    expect(by[0].result.se).toBeCloseTo(0.3117042, 6);
    expect(by[1].result.estimate).toBeCloseTo(6.195, 6);
    expect(by[1].result.se).toBeCloseTo(0.7555129, 6);
    const r = svyRatio(
      dfpc,
      x.map((v) => (v > 4 ? v : 0)),
      x.map((v) => (v > 4 ? 1 : 0)),
    );
    expect(r.estimate).toBeCloseTo(6.195, 6);
    expect(r.se).toBeCloseTo(0.7555129, 6);
  });

  it('lonely PSU rules as R (tests/lonely.psu.Rout.save): fail, remove 5.8058, adjust 5.8281, average 6.0096', () => {
    const base = { weights: num(apiclus1, 'pw') as number[], strata: str(apiclus1, 'dnum') };
    const y = num(apiclus1, 'api00');
    expect(() => surveyDesign(base)).toThrow(/only one PSU/);
    relClose(svyMean(surveyDesign({ ...base, lonelyPsu: 'remove' }), y).se, 5.8058);
    relClose(svyMean(surveyDesign({ ...base, lonelyPsu: 'certainty' }), y).se, 5.8058);
    relClose(svyMean(surveyDesign({ ...base, lonelyPsu: 'adjust' }), y).se, 5.8281);
    relClose(svyMean(surveyDesign({ ...base, lonelyPsu: 'average' }), y).se, 6.0096);
    // A certainty stratum by fpc (N_h = n_h) is not lonely: 5.7344 under every rule.
    const fpc = str(apiclus1, 'dnum').map((d) => (d === '413' ? 1 : 1000));
    relClose(svyMean(surveyDesign({ ...base, fpc }), y).se, 5.7344);
  });

  it('proportions: logit and Korn–Graubard intervals stay in [0, 1]', () => {
    const yes = str(apiclus1, 'sch.wide').map((s) => s === 'Yes');
    const p = svyProportion(dclus1, yes);
    const mean = svyMean(
      dclus1,
      yes.map((b) => (b ? 1 : 0)),
    );
    expect(p.estimate).toBeCloseTo(mean.estimate, 12);
    expect(p.ci[0]).toBeGreaterThan(0);
    expect(p.ci[1]).toBeLessThan(1);
    // The logit interval: expit(logit p ± t·se/(p(1−p))).
    const l = Math.log(p.estimate / (1 - p.estimate));
    const sl = p.se / (p.estimate * (1 - p.estimate));
    expect(p.ci[1]).toBeCloseTo(1 / (1 + Math.exp(-(l + 2.144786687916926 * sl))), 9);
    const all = svyProportion(
      dclus1,
      yes.map(() => true),
    );
    expect(all.ci[1]).toBe(1);
    expect(all.ci[0]).toBeGreaterThan(0.9);
    expect(all.ci[0]).toBeLessThan(1);
    const kg = svyProportion(dclus1, yes, { method: 'korn-graubard' });
    expect(kg.ci[0]).toBeGreaterThan(0);
    expect(kg.ci[1]).toBeLessThan(1);
  });

  it('an index near its ceiling keeps its interval inside the scale', () => {
    const d = surveyDesign({ weights: [1, 1, 1, 1, 30] });
    const naive: SurveyEstimate = svyMean(d, [100, 100, 100, 20, 100]);
    expect(naive.ci[1]).toBeGreaterThan(100);
    const bounded = svyMean(d, [100, 100, 100, 20, 100], { bounds: [0, 100] });
    expect(bounded.estimate).toBeCloseTo(naive.estimate, 12);
    expect(bounded.ci[0]).toBeGreaterThanOrEqual(0);
    expect(bounded.ci[1]).toBeLessThanOrEqual(100);
  });

  it('validates input', () => {
    expect(() => surveyDesign({ weights: [] })).toThrow();
    expect(() => surveyDesign({ weights: [1, -1] })).toThrow(/non-negative/);
    expect(() => surveyDesign({ weights: [1, 1], strata: ['a'] })).toThrow(/one entry per respondent/);
    expect(() => surveyDesign({ weights: [1, 1, 1], strata: ['a', 'a', 'a'], fpc: [2, 2, 2] })).toThrow(
      /smaller/,
    );
    expect(() => surveyDesign({ weights: [1, 1], strata: ['a', 'a'], fpc: [5, 6] })).toThrow(
      /same for every/,
    );
  });
});
