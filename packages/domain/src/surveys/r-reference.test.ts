import { describe, expect, it } from 'vitest';
import { icc } from '../stats/agreement';
import { benfordTest } from '../monitoring/benford';
import { cronbachAlphaInterval } from './reliability';
import { svyChisq } from './chisq';
import {
  postStratify,
  rakeDesign,
  surveyDesign,
  svyMean,
  svyMeanBy,
  svyProportion,
  svyRatio,
  svyTotal,
  type LonelyPsuRule,
} from './design';
import { replicateDesign, svyRepMean, svyRepTotal } from './replicates';
import reference from './fixtures/r-reference.json';
import apistratCsv from './fixtures/apistrat.csv?raw';
import apiclus1Csv from './fixtures/apiclus1.csv?raw';
import apiclus2Csv from './fixtures/apiclus2.csv?raw';
import fpcCsv from './fixtures/fpc.csv?raw';
import agstratCsv from './fixtures/agstrat.csv?raw';

/**
 * Every estimator against R itself, to full precision: `fixtures/r-reference.json` is the output of
 * `fixtures/r-reference.R` (R 4.2.2, survey 4.1-1, psych 2.2.9), run on R's own `data(api)` and
 * `data(fpc)` (the script stops if the CSVs here differ from them) and on Lohr's `agstrat`. The
 * saved outputs that design.test.ts, replicates.test.ts and lohr.test.ts check print 5 significant
 * digits; these print 15, so the bar holds literally: point estimates to 1e-6 and standard
 * errors to 1e-3 (relative) — and in fact every figure here agrees to 1e-6 relative.
 */
type Figures = Record<string, number>;
const R = reference as Record<string, Figures>;

type Row = Record<string, string>;
function load(csv: string): Row[] {
  const [head, ...lines] = csv.trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}
const apistrat = load(apistratCsv);
const apiclus1 = load(apiclus1Csv);
const apiclus2 = load(apiclus2Csv);
const fpcData = load(fpcCsv);
const agstrat = load(agstratCsv);
const num = (rows: Row[], c: string) => rows.map((r) => (r[c] === '' ? null : Number(r[c])));
const weights = (rows: Row[], c: string) => rows.map((r) => Number(r[c]));
const str = (rows: Row[], c: string) => rows.map((r) => r[c]);

/** 1e-6 relative, or absolute for figures below 1 in size (proportions, ICCs, p-values). */
const POINT = 1e-6;
/** The issue asks 1e-3 relative for standard errors; they agree to 1e-6 as well. */
const SE = 1e-6;
function near(actual: number, expected: number, tol: number, what: string) {
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  expect(err, `${what}: ${actual} vs R ${expected}`).toBeLessThanOrEqual(tol);
}
function matches(key: string, e: { estimate: number; se?: number }) {
  const r = R[key];
  expect(r, `no R figure ${key}`).toBeDefined();
  near(e.estimate, r.estimate, POINT, `${key} estimate`);
  if (r.se !== undefined) near(e.se!, r.se, SE, `${key} se`);
}

const popTypes = { E: 4421, H: 755, M: 1018 };
const margins = [
  { variable: str(apiclus1, 'stype'), totals: popTypes },
  { variable: str(apiclus1, 'sch.wide'), totals: { No: 1072, Yes: 5122 } },
];
const dstrat = surveyDesign({
  weights: weights(apistrat, 'pw'),
  strata: str(apistrat, 'stype'),
  fpc: weights(apistrat, 'fpc'),
});
const dclus1 = surveyDesign({
  weights: weights(apiclus1, 'pw'),
  clusters: str(apiclus1, 'dnum'),
  fpc: weights(apiclus1, 'fpc'),
});
const api00 = num(apiclus1, 'api00');
const enroll = num(apiclus1, 'enroll');

describe('Taylor linearisation against R survey (svydesign, svymean, svytotal)', () => {
  it('stratified with fpc (dstrat): mean api00, total enroll, df', () => {
    matches('dstrat.mean.api00', svyMean(dstrat, num(apistrat, 'api00')));
    matches('dstrat.total.enroll', svyTotal(dstrat, num(apistrat, 'enroll')));
    expect(svyMean(dstrat, num(apistrat, 'api00')).df).toBe(R['dstrat.mean.api00'].df);
  });

  it('one-stage cluster with fpc (dclus1): mean with deff and t interval, total', () => {
    const m = svyMean(dclus1, api00);
    matches('dclus1.mean.api00', m);
    const r = R['dclus1.mean.api00'];
    near(m.deff, r.deff, POINT, 'deff');
    expect(m.df).toBe(r.df);
    near(m.ci[0], r.lo, POINT, 'ci lo');
    near(m.ci[1], r.hi, POINT, 'ci hi');
    matches('dclus1.total.enroll', svyTotal(dclus1, enroll));
  });

  it('two-stage, first stage with replacement (dclus2wr)', () => {
    const d = surveyDesign({ weights: weights(apiclus2, 'pw'), clusters: str(apiclus2, 'dnum') });
    matches('dclus2wr.mean.api00', svyMean(d, num(apiclus2, 'api00')));
    matches('dclus2wr.total.enroll', svyTotal(d, num(apiclus2, 'enroll')));
  });

  it('design effect against SRS without replacement (deff = TRUE)', () => {
    const y = [15, 143, 21, 51, 337, 50, 274, 145, 15, 86];
    const d = surveyDesign({ weights: y.map(() => 100) });
    const m = svyMean(d, y);
    const t = svyTotal(d, y);
    matches('deff.mean', m);
    matches('deff.total', t);
    near(m.deff, R['deff.mean'].deff, POINT, 'deff mean');
    near(t.deff, R['deff.total'].deff, POINT, 'deff total');
  });
});

describe('calibration against R survey (postStratify, rake to convergence)', () => {
  it('post-stratified on stype', () => {
    const d = postStratify(dclus1, str(apiclus1, 'stype'), popTypes);
    matches('post.mean.api00', svyMean(d, api00));
    matches('post.total.enroll', svyTotal(d, enroll));
  });

  it('raked on stype and sch.wide, with a domain mean on the raked design', () => {
    const d = rakeDesign(dclus1, margins, { tolerance: 1e-12, maxIterations: 500 });
    matches('rake.mean.api00', svyMean(d, api00));
    matches('rake.total.enroll', svyTotal(d, enroll));
    const by = svyMeanBy(d, api00, str(apiclus1, 'comp.imp'));
    matches('rake.domain.yes', by.find((b) => b.group === 'Yes')!.result);
  });
});

describe('domains, ratios, proportions, lonely PSUs against R survey', () => {
  const dfpc = surveyDesign({
    weights: weights(fpcData, 'weight'),
    strata: str(fpcData, 'stratid'),
    clusters: str(fpcData, 'psuid'),
  });
  const x = num(fpcData, 'x') as number[];

  it('svyby(~x, ~I(x > 4), svymean) and the same as svyratio', () => {
    const by = svyMeanBy(
      dfpc,
      x,
      x.map((v) => (v > 4 ? 'TRUE' : 'FALSE')),
    );
    matches('domain.false', by[0].result);
    matches('domain.true', by[1].result);
    const r = svyRatio(
      dfpc,
      x.map((v) => (v > 4 ? v : 0)),
      x.map((v) => (v > 4 ? 1 : 0)),
    );
    matches('domain.ratio', r);
  });

  it('lonely PSU rules remove, certainty, adjust, average; a certainty stratum by fpc', () => {
    const base = { weights: weights(apiclus1, 'pw'), strata: str(apiclus1, 'dnum') };
    for (const rule of ['remove', 'certainty', 'adjust', 'average'] as LonelyPsuRule[])
      matches(`lonely.${rule}`, svyMean(surveyDesign({ ...base, lonelyPsu: rule }), api00));
    const fpc = str(apiclus1, 'dnum').map((d) => (d === '413' ? 1 : 1000));
    matches('lonely.fpc', svyMean(surveyDesign({ ...base, fpc, lonelyPsu: 'remove' }), api00));
  });

  it('svyciprop logit and beta (Korn–Graubard) intervals', () => {
    const yes = str(apiclus1, 'sch.wide').map((s) => s === 'Yes');
    for (const [key, method] of [
      ['prop.logit', 'logit'],
      ['prop.beta', 'korn-graubard'],
    ] as const) {
      const p = svyProportion(dclus1, yes, { method });
      matches(key, p);
      near(p.ci[0], R[key].lo, POINT, `${key} lo`);
      near(p.ci[1], R[key].hi, POINT, `${key} hi`);
    }
  });

  it('svychisq: Rao–Scott F (second order) and chi-square (first order)', () => {
    const t = svyChisq(dclus1, str(apiclus1, 'sch.wide'), str(apiclus1, 'stype'));
    const r = R.chisq;
    near(t.f, r.estimate, POINT, 'F');
    near(t.ndf, r.ndf, POINT, 'ndf');
    near(t.ddf, r.ddf, POINT, 'ddf');
    near(t.p, r.p, POINT, 'p');
    near(t.pearson, r.chisq, POINT, 'X²');
    near(t.chisqP, r.chisqP, POINT, 'p of X²');
  });
});

describe('replicate weights against R survey (as.svrepdesign)', () => {
  it('JK1 on dclus1, with MSE, post-stratified and raked per replicate', () => {
    const rclus1 = replicateDesign(dclus1);
    matches('jk1.mean.api00', svyRepMean(rclus1, api00));
    matches('jk1.total.enroll', svyRepTotal(rclus1, enroll));
    matches('jk1mse.mean.api00', svyRepMean(replicateDesign(dclus1, { mse: true }), api00));
    const rp = replicateDesign(postStratify(dclus1, str(apiclus1, 'stype'), popTypes));
    matches('jk1.post.mean.api00', svyRepMean(rp, api00));
    matches('jk1.post.total.enroll', svyRepTotal(rp, enroll));
    const rr = replicateDesign(rakeDesign(dclus1, margins, { tolerance: 1e-12, maxIterations: 500 }));
    matches('jk1.rake.mean.api00', svyRepMean(rr, api00));
    matches('jk1.rake.total.enroll', svyRepTotal(rr, enroll));
  });

  it('JKn with lonely PSUs and with a certainty stratum', () => {
    const base = { weights: weights(apiclus1, 'pw'), strata: str(apiclus1, 'dnum') };
    for (const rule of ['remove', 'certainty', 'adjust', 'average'] as LonelyPsuRule[])
      matches(`jkn.${rule}`, svyRepMean(replicateDesign(surveyDesign({ ...base, lonelyPsu: rule })), api00));
    const fpc = str(apiclus1, 'dnum').map((d) => (d === '413' ? 1 : 1000));
    matches(
      'jkn.fpc',
      svyRepMean(replicateDesign(surveyDesign({ ...base, fpc, lonelyPsu: 'remove' })), api00),
    );
  });
});

describe('Lohr (2nd ed.) Examples 3.2–3.3 (agstrat) through R survey', () => {
  it('stratified mean, total and proportion with fpc', () => {
    const region = str(agstrat, 'region');
    const popSize = weights(agstrat, 'fpc');
    const n = new Map<string, number>();
    for (const h of region) n.set(h, (n.get(h) ?? 0) + 1);
    const d = surveyDesign({
      weights: popSize.map((N, i) => N / n.get(region[i])!),
      strata: region,
      fpc: popSize,
    });
    const acres = num(agstrat, 'acres92') as number[];
    matches('lohr.mean.acres92', svyMean(d, acres));
    matches('lohr.total.acres92', svyTotal(d, acres));
    matches(
      'lohr.prop.small',
      svyProportion(
        d,
        acres.map((a) => a < 200_000),
      ),
    );
  });
});

describe('reliability and agreement against R psych', () => {
  const forms = ['icc11', 'icc21', 'icc31', 'icc1k', 'icc2k', 'icc3k'] as const;
  const sf = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
  ];
  const mw = [
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
  ];
  it('psych::ICC: all six Shrout–Fleiss forms and their F intervals (Table 2; McGraw & Wong)', () => {
    for (const [name, table] of [
      ['sf', sf],
      ['mw', mw],
    ] as const) {
      const r = icc(table);
      for (const f of forms) {
        const ref = R[`icc.${name}.${f}`];
        near(r.forms[f], ref.estimate, POINT, `${name} ${f}`);
        near(r.intervals[f][0], ref.lo, POINT, `${name} ${f} lo`);
        near(r.intervals[f][1], ref.hi, POINT, `${name} ${f} hi`);
      }
    }
  });

  it('psych::alpha and alpha.ci (Feldt) on the Shrout–Fleiss table', () => {
    const a = cronbachAlphaInterval(sf);
    near(a.alpha, R['alpha.sf'].estimate, POINT, 'alpha');
    near(a.ci[0], R['alpha.sf'].lo, POINT, 'alpha lo');
    near(a.ci[1], R['alpha.sf'].hi, POINT, 'alpha hi');
  });

  it('Benford: chi-square on 8 df and its upper-tail p (R pchisq)', () => {
    const b = benfordTest([1, 10, 100, 2, 20, 3, 4, 5, 7, 9]);
    expect(b.counts).toEqual([3, 2, 1, 1, 1, 0, 1, 0, 1]);
    near(b.chiSquare, R['benford.small'].estimate, POINT, 'chi-square');
    near(b.pValue, R['benford.small'].p, POINT, 'p');
  });
});
