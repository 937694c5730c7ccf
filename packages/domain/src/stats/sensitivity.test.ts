import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rankSensitivity } from './sensitivity';
import { createRng } from './random';

describe('rankSensitivity', () => {
  it('worked example: two appraisees, analytic probability of a rank swap', () => {
    // A = (1, 0), B = (0, 1), weights 0.6/0.4, p = 0.5: A loses iff 0.6·u1 < 0.4·u2 with u ~ U(0.5, 1.5).
    // P(u1 < 2u2/3) = ∫_{0.75}^{1.5} (2u/3 − 0.5) du = [u²/3 − u/2] = 0 − (−0.1875) = 0.1875,
    // so A keeps rank 1 in 81.25 % of runs (Monte Carlo SE with 20000 runs ≈ 0.003).
    const r = rankSensitivity({
      appraisees: [
        { id: 'A', peerGroup: 'g', leafAttainments: [1, 0] },
        { id: 'B', peerGroup: 'g', leafAttainments: [0, 1] },
      ],
      weights: [0.6, 0.4],
      perturbation: 0.5,
      runs: 20000,
      seed: 'example',
    });
    expect(r[0]).toMatchObject({ id: 'A', baseRank: 1, rankMin: 1, rankMax: 2, p5Rank: 1, p95Rank: 2 });
    expect(r[0].sameRankShare).toBeGreaterThan(0.8125 - 0.012);
    expect(r[0].sameRankShare).toBeLessThan(0.8125 + 0.012);
    expect(r[1].sameRankShare).toBeCloseTo(r[0].sameRankShare, 12);
  });

  it('ranks within peer groups, ties share the better rank, and same seed ⇒ same result', () => {
    const opts = {
      appraisees: [
        { id: 'a', peerGroup: 'county', leafAttainments: [80, 90] },
        { id: 'b', peerGroup: 'county', leafAttainments: [80, 90] },
        { id: 'c', peerGroup: 'county', leafAttainments: [70, 60] },
        { id: 'd', peerGroup: 'dept', leafAttainments: [10, 10] },
      ],
      weights: [50, 50],
      runs: 200,
      seed: 3,
    };
    const r = rankSensitivity(opts);
    expect(r.map((x) => x.baseRank)).toEqual([1, 1, 3, 1]);
    expect(r.every((x) => x.sameRankShare === 1)).toBe(true);
    expect(rankSensitivity(opts)).toEqual(r);
  });

  it('property: zero perturbation never moves a rank; an appraisee dominating its group stays first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 3, maxLength: 3 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.integer(),
        (rows, weights, p, seed) => {
          const appraisees = [
            ...rows.map((leafAttainments, i) => ({ id: `x${i}`, peerGroup: 'g', leafAttainments })),
            { id: 'top', peerGroup: 'g', leafAttainments: [101, 101, 101] },
          ];
          const fixed = rankSensitivity({ appraisees, weights, perturbation: 0, runs: 20, seed });
          const moved = rankSensitivity({ appraisees, weights, perturbation: p, runs: 50, seed });
          const top = moved.find((x) => x.id === 'top')!;
          return (
            fixed.every((x) => x.rankMin === x.baseRank && x.rankMax === x.baseRank) && top.rankMax === 1
          );
        },
      ),
    );
  });
});

describe('createRng', () => {
  it('is reproducible, in [0, 1), and roughly uniform', () => {
    const a = createRng('seed');
    const b = createRng('seed');
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    expect(createRng(1)()).not.toBe(createRng('1')());
  });
});

describe('rankSensitivity with offsets', () => {
  it('adds the offset (bonus − deduction) unperturbed: a 5-point bonus keeps B ahead of A for good', () => {
    // A: weighted 80, no bonus. B: weighted 78 + 5 bonus = 83. ±10% on two weights moves the
    // weighted sums by at most a few points, never 5, so B stays first in every run.
    const out = rankSensitivity({
      appraisees: [
        { id: 'A', peerGroup: 'g', leafAttainments: [80, 80] },
        { id: 'B', peerGroup: 'g', leafAttainments: [70, 86], offset: 5 },
      ],
      weights: [50, 50],
      runs: 500,
      seed: 7,
    });
    expect(out.find((r) => r.id === 'B')).toMatchObject({ baseRank: 1, rankMax: 1, sameRankShare: 1 });
  });
});

describe('rankSensitivity base ranks', () => {
  it('equal the competition ranks counted pair by pair, ties within float noise shared', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            group: fc.constantFrom('a', 'b'),
            x: fc.constantFrom(0, 10, 10 + 1e-14, 55.5, 100),
            y: fc.double({ min: 0, max: 100, noNaN: true }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (rows) => {
          const out = rankSensitivity({
            appraisees: rows.map((r, i) => ({ id: `${i}`, peerGroup: r.group, leafAttainments: [r.x, r.y] })),
            weights: [1, 0],
            runs: 1,
            seed: 1,
          });
          rows.forEach((r, i) => {
            const better = rows.filter((o) => o.group === r.group && o.x > r.x + 1e-12 * (1 + Math.abs(r.x)));
            expect(out[i].baseRank).toBe(better.length + 1);
          });
        },
      ),
    );
  });
});
