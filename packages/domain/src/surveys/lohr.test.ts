import { describe, expect, it } from 'vitest';
import { surveyDesign, svyMean, svyProportion, svyTotal } from './design';
import agstratCsv from './fixtures/agstrat.csv?raw';

/**
 * Lohr, Sampling: Design and Analysis (2nd ed.), Example 3.2 and 3.3: the stratified random sample
 * of 300 US counties from the 1992 Census of Agriculture (`agstrat`), strata = the four regions
 * with N_h = 1054 (NC), 220 (NE), 1382 (S), 422 (W). The book prints
 * ȳ_str = 295,561 (SE 16,380), t̂_str = 909,736,035 (SE 50,417,248) for acres92, and
 * p̂_str = 0.5139 (SE 0.0248) for the share of counties with fewer than 200,000 acres.
 * Data: fixtures/README.md.
 */
const rows = agstratCsv
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const region = rows.map((r) => r[0]);
const acres = rows.map((r) => Number(r[1]));
const popSize = rows.map((r) => Number(r[3]));
const sampled = new Map<string, number>();
for (const h of region) sampled.set(h, (sampled.get(h) ?? 0) + 1);
const design = surveyDesign({
  weights: rows.map((r, i) => popSize[i] / sampled.get(region[i])!),
  strata: region,
  fpc: popSize,
});

function relClose(a: number, b: number, rel: number) {
  expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(rel);
}

describe('Lohr (2nd ed.) Examples 3.2–3.3: stratified sample of counties', () => {
  it('has the book’s sample: 103, 21, 135 and 41 counties by region', () => {
    expect(Object.fromEntries(sampled)).toEqual({ NC: 103, NE: 21, S: 135, W: 41 });
  });

  it('mean acres 295,561 (SE 16,380) and total 909,736,035 (SE 50,417,248)', () => {
    const m = svyMean(design, acres);
    expect(Math.abs(m.estimate - 295_560.77)).toBeLessThan(0.01);
    relClose(m.se, 16_380, 1e-3);
    expect(m.df).toBe(300 - 4);
    const t = svyTotal(design, acres);
    // The book prints the total to the acre: 1e-6 relative is well inside it.
    relClose(t.estimate, 909_736_035, 1e-9);
    relClose(t.se, 50_417_248, 1e-6);
  });

  it('share of counties under 200,000 acres 0.5139 (SE 0.0248)', () => {
    const p = svyProportion(
      design,
      acres.map((a) => a < 200_000),
    );
    expect(Math.abs(p.estimate - 0.5139)).toBeLessThan(5e-5);
    relClose(p.se, 0.0248, 2e-3);
    expect(p.ci[0]).toBeGreaterThan(0);
    expect(p.ci[1]).toBeLessThan(1);
  });
});
