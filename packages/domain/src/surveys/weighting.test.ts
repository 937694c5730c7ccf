import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { postStratifyWeights, rakeWeights } from './weighting';

/** Respondents in a sex × age table with the given cell counts. */
function table(counts: Record<string, number>) {
  const out: { id: string; sex: string; age: string }[] = [];
  for (const [cell, n] of Object.entries(counts)) {
    const [sex, age] = cell.split('-');
    for (let i = 0; i < n; i++) out.push({ id: `${cell}${i}`, sex, age });
  }
  return out;
}

describe('rakeWeights', () => {
  it('worked example: raking a 2×2 table keeps the sample odds ratio (Deming & Stephan 1940; Bishop, Fienberg & Holland ch. 3)', () => {
    // Sample cells M-young 2, M-old 3, F-young 4, F-old 1: odds ratio (2·1)/(3·4) = 1/6.
    // Margins: sex 500/500, age young 400/old 600 (N = 1000). IPF converges to the table with
    // these margins and odds ratio 1/6: x(100 + x) = (500 − x)(400 − x)/6 ⇒ x² + 300x − 40000 = 0
    // ⇒ x = 100, so cells M-young 100, M-old 400, F-young 300, F-old 200, and per person
    // weights 100/2 = 50, 400/3 = 133.33, 300/4 = 75, 200/1 = 200.
    const r = rakeWeights(
      table({ 'M-young': 2, 'M-old': 3, 'F-young': 4, 'F-old': 1 }),
      {
        sex: { M: 500, F: 500 },
        age: { young: 400, old: 600 },
      },
      { tolerance: 1e-10, maxIterations: 1000 },
    );
    expect(r.converged).toBe(true);
    expect(r.weights['M-young0']).toBeCloseTo(50, 6);
    expect(r.weights['M-old2']).toBeCloseTo(400 / 3, 6);
    expect(r.weights['F-young3']).toBeCloseTo(75, 6);
    expect(r.weights['F-old0']).toBeCloseTo(200, 6);
    expect(r.total).toBe(1000);
  });

  it('worked example: equal cells rake to the independence table R_i·C_j/N; shares use the population total', () => {
    // Each cell 5 people; shares sex 0.48/0.52, age 0.3/0.7, total 20000:
    // M-young 20000·0.48·0.3 = 2880 → 576 per person; F-old 20000·0.52·0.7 = 7280 → 1456.
    const r = rakeWeights(
      table({ 'M-young': 5, 'M-old': 5, 'F-young': 5, 'F-old': 5 }),
      { sex: { M: 0.48, F: 0.52 }, age: { young: 0.3, old: 0.7 } },
      { populationTotal: 20000 },
    );
    expect(r.weights['M-young0']).toBeCloseTo(576, 3);
    expect(r.weights['F-old4']).toBeCloseTo(1456, 3);
    expect(r.iterations).toBeLessThanOrEqual(2);
  });

  it('trimming caps weights at max × mean and re-rakes', () => {
    // Untrimmed F-old weight is 200 = 2× the mean 100. Capping at 1.9× (190) is feasible:
    // F-old 190 ⇒ M-old (600 − 190)/3 = 136.67, M-young (500 − 410)/2 = 45, F-young (500 − 190)/4 = 77.5.
    const resp = table({ 'M-young': 2, 'M-old': 3, 'F-young': 4, 'F-old': 1 });
    const r = rakeWeights(
      resp,
      { sex: { M: 500, F: 500 }, age: { young: 400, old: 600 } },
      { trim: { max: 1.9 }, maxIterations: 1000 },
    );
    const ws = Object.values(r.weights);
    expect(r.converged).toBe(true);
    expect(ws.reduce((a, b) => a + b, 0)).toBeCloseTo(1000, 6);
    expect(Math.max(...ws)).toBeLessThanOrEqual(190 * (1 + 1e-6));
    expect(r.weights['F-old0']).toBeCloseTo(190, 2);
  });

  it('rejects categories missing from the margins and empty target cells', () => {
    expect(() => rakeWeights(table({ 'M-young': 1 }), { sex: { F: 1 } })).toThrow(/not in the margins/);
    expect(() => rakeWeights(table({ 'M-young': 1 }), { sex: { M: 1, F: 1 } })).toThrow(/no respondent/);
  });

  it('property: converged weights reproduce every margin and sum to the total', () => {
    const cats = ['a', 'b', 'c'];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...cats),
            fc.constantFrom('x', 'y'),
            fc.double({ min: 0.5, max: 3, noNaN: true }),
          ),
          {
            minLength: 6,
            maxLength: 40,
          },
        ),
        fc.tuple(
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1, max: 100 }),
        ),
        fc.integer({ min: 1, max: 99 }),
        (rows, [ta, tb, tc], px) => {
          const resp = rows.map(([g, h, w], i) => ({ id: `r${i}`, g, h, baseWeight: w }));
          const gm: Record<string, number> = {};
          [ta, tb, tc].forEach((t, i) => {
            if (resp.some((r) => r.g === cats[i])) gm[cats[i]] = t;
          });
          const total = Object.values(gm).reduce((a, b) => a + b, 0);
          const hm: Record<string, number> = {};
          const hasX = resp.some((r) => r.h === 'x');
          const hasY = resp.some((r) => r.h === 'y');
          if (hasX && hasY) Object.assign(hm, { x: (total * px) / 100, y: (total * (100 - px)) / 100 });
          else hm[hasX ? 'x' : 'y'] = total;
          const r = rakeWeights(resp, { g: gm, h: hm }, { maxIterations: 2000, tolerance: 1e-9 });
          // A table with structural zeros may have no exact solution: then converged is false.
          if (!r.converged) return true;
          const sumBy = (key: 'g' | 'h', c: string) =>
            resp.filter((x) => x[key] === c).reduce((s, x) => s + r.weights[x.id], 0);
          return (
            Object.entries(gm).every(([c, t]) => Math.abs(sumBy('g', c) - t) < 1e-6 * total) &&
            Object.entries(hm).every(([c, t]) => Math.abs(sumBy('h', c) - t) < 1e-6 * total)
          );
        },
      ),
    );
  });
});

describe('postStratifyWeights', () => {
  it('worked example: urban 600 over 3 respondents (base 1, 1, 2) and rural 400 over 2', () => {
    // urban Σbase = 4 → 600/4 = 150 per unit of base weight: 150, 150, 300; rural 400/2 = 200 each.
    const r = postStratifyWeights(
      [
        { id: 'a', cell: 'urban' },
        { id: 'b', cell: 'urban' },
        { id: 'c', cell: 'urban', baseWeight: 2 },
        { id: 'd', cell: 'rural' },
        { id: 'e', cell: 'rural' },
      ],
      { urban: 600, rural: 400, enterprise: 50 },
    );
    expect(r.weights).toEqual({ a: 150, b: 150, c: 300, d: 200, e: 200 });
    expect(r.emptyCells).toEqual(['enterprise']);
  });

  it('builds cells from fields', () => {
    const r = postStratifyWeights(
      [
        { id: 'a', area: 'urban', sex: 'F' },
        { id: 'b', area: 'urban', sex: 'M' },
      ],
      { 'urban|F': 10, 'urban|M': 30 },
      { cellFields: ['area', 'sex'] },
    );
    expect(r.weights).toEqual({ a: 10, b: 30 });
  });
});
