import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allocateLargestRemainder,
  sampleSizeByStratum,
  sampleSizeFor,
  sampleSizePlan,
  stratifiedSample,
} from './sampling';

const frame = [
  ...Array.from({ length: 600 }, (_, i) => ({ id: `u${i}`, district: 'A', area: 'urban' })),
  ...Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, district: 'A', area: 'rural' })),
  ...Array.from({ length: 100 }, (_, i) => ({ id: `e${i}`, district: 'B', area: 'rural' })),
];

describe('sampleSizeFor (Cochran 1977, §4.2)', () => {
  it('textbook values for p = 0.5', () => {
    // n0 = z²·p(1−p)/e² with z = 1.959964: 3.841459·0.25/0.0025 = 384.15 → 385
    expect(sampleSizeFor({ marginOfError: 0.05 })).toBe(385);
    // e = 0.03: 3.841459·0.25/0.0009 = 1067.07 → 1068
    expect(sampleSizeFor({ marginOfError: 0.03 })).toBe(1068);
    // 99 %: z = 2.575829, 6.634897·0.25/0.0025 = 663.49 → 664
    expect(sampleSizeFor({ marginOfError: 0.05, confidence: 0.99 })).toBe(664);
  });

  it('finite population correction n = n0/(1 + (n0−1)/N) matches Krejcie & Morgan (1970) table', () => {
    // N = 1000: 384.146/(1 + 383.146/1000) = 277.74 → 278 (K&M table: 278)
    expect(sampleSizeFor({ marginOfError: 0.05, population: 1000 })).toBe(278);
    // N = 100: 384.146/4.83146 = 79.51 → 80 (K&M: 80); N = 10000: 369.96 → 370 (K&M: 370)
    expect(sampleSizeFor({ marginOfError: 0.05, population: 100 })).toBe(80);
    expect(sampleSizeFor({ marginOfError: 0.05, population: 10000 })).toBe(370);
  });

  it('design effect and response rate: 385 base, deff 1.5 → 576.22, rr 0.6 → 960.4 → 961', () => {
    expect(sampleSizeFor({ marginOfError: 0.05, designEffect: 1.5 })).toBe(577);
    expect(sampleSizeFor({ marginOfError: 0.05, designEffect: 1.5, responseRate: 0.6 })).toBe(961);
    expect(sampleSizeFor({ marginOfError: 0.05, p: 0.2 })).toBe(246); // 3.841459·0.16/0.0025 = 245.85
  });

  it('property: never exceeds the population and decreases as the margin widens', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.01, max: 0.2, noNaN: true }),
        (N, e) => {
          const n = sampleSizeFor({ marginOfError: e, population: N });
          return n <= N && n >= 1 && sampleSizeFor({ marginOfError: e * 1.5, population: N }) <= n;
        },
      ),
    );
  });

  it('by stratum: per stratum sizes, or one overall size split proportionally', () => {
    const strata = [
      { stratum: 'urban', population: 1000 },
      { stratum: 'rural', population: 100 },
    ];
    const per = sampleSizeByStratum(strata, { marginOfError: 0.05 });
    expect(per.strata.map((s) => s.n)).toEqual([278, 80]);
    expect(per.total).toBe(358);
    // Overall N = 1100: 384.146·1100/(1100 + 383.146) = 284.90 → 285; split 1000:100 → 259.09 / 25.91 → 259 + 26
    const prop = sampleSizeByStratum(strata, { marginOfError: 0.05, mode: 'proportional' });
    expect(prop.total).toBe(285);
    expect(prop.strata.map((s) => s.n)).toEqual([259, 26]);
  });
});

describe('sampleSizePlan: never more than the population, and says so', () => {
  it('a low response rate on a small population: invite everyone, with a warning', () => {
    // N = 100: 80 completes needed; at 50 % response that would be 160 invitations.
    const p = sampleSizePlan({ marginOfError: 0.05, population: 100, responseRate: 0.5 });
    expect(p).toMatchObject({ n: 100, completes: 80, capped: true });
    expect(p.warnings[0]).toMatch(/more than the population \(100\)/);
    expect(sampleSizeFor({ marginOfError: 0.05, population: 100, responseRate: 0.5 })).toBe(100);
    expect(sampleSizePlan({ marginOfError: 0.05, population: 1000 })).toMatchObject({
      n: 278,
      capped: false,
      warnings: [],
    });
  });
  it('by stratum: a small stratum is capped and named in the warnings', () => {
    const r = sampleSizeByStratum(
      [
        { stratum: 'urban', population: 5000 },
        { stratum: 'rural', population: 60 },
      ],
      { marginOfError: 0.05, responseRate: 0.6 },
    );
    expect(r.strata.map((s) => [s.n, s.capped])).toEqual([
      [Math.ceil(357 / 0.6), false],
      [60, true],
    ]);
    expect(r.warnings.join()).toMatch(/^rural: /);
  });
  it('property: with any response rate, never more than the population', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (N, rr) => sampleSizeFor({ marginOfError: 0.05, population: N, responseRate: rr }) <= N,
      ),
    );
  });
});

describe('allocateLargestRemainder', () => {
  it('worked example: 10 seats over 6:3:1 shares is 6, 3, 1; 7 seats gives 4.2, 2.1, 0.7 → 4, 2, 1', () => {
    expect(allocateLargestRemainder(10, [600, 300, 100])).toEqual([6, 3, 1]);
    expect(allocateLargestRemainder(7, [600, 300, 100])).toEqual([4, 2, 1]);
  });
  it('caps at the stratum population and hands the excess to the others', () => {
    // equal shares of 30 over caps 5, 100, 100: 10 each would exceed 5 → 5, then 25 split 12.5/12.5 → 13, 12
    expect(allocateLargestRemainder(30, [1, 1, 1], [5, 100, 100])).toEqual([5, 13, 12]);
  });
  it('property: sums to min(size, Σcaps), respects caps, and is within 1 of the quota when uncapped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }),
        (size, shares) => {
          const a = allocateLargestRemainder(size, shares);
          const total = shares.reduce((x, y) => x + y, 0);
          const capped = allocateLargestRemainder(
            size,
            shares,
            shares.map((s) => Math.ceil(s / 10)),
          );
          const capSum = shares.reduce((x, s) => x + Math.ceil(s / 10), 0);
          return (
            a.reduce((x, y) => x + y, 0) === size &&
            a.every((v, i) => Math.abs(v - (size * shares[i]) / total) < 1) &&
            capped.reduce((x, y) => x + y, 0) === Math.min(size, capSum) &&
            capped.every((v, i) => v <= Math.ceil(shares[i] / 10))
          );
        },
      ),
    );
  });
});

describe('stratifiedSample', () => {
  it('proportional allocation 600:300:100 of 50 gives 30/15/5, strata from fields', () => {
    const s = stratifiedSample(frame, {
      size: 50,
      allocation: 'proportional',
      seed: 'survey-2025',
      strata: ['district', 'area'],
    });
    expect(s.allocation).toEqual([
      { stratum: 'A|rural', population: 300, allocated: 15 },
      { stratum: 'A|urban', population: 600, allocated: 30 },
      { stratum: 'B|rural', population: 100, allocated: 5 },
    ]);
    expect(s.sample).toHaveLength(50);
    expect(new Set(s.sample.map((r) => r.id)).size).toBe(50);
    expect(s.sample.find((r) => r.stratum === 'A|urban')!.designWeight).toBe(20);
  });

  it('equal and neyman allocation', () => {
    const eq = stratifiedSample(frame, {
      size: 50,
      allocation: 'equal',
      seed: 1,
      strata: ['district', 'area'],
    });
    expect(eq.allocation.map((a) => a.allocated)).toEqual([17, 17, 16]);
    // Neyman n_h ∝ N_h·S_h: 300·2 = 600, 600·1 = 600, 100·3 = 300 → 50·(0.4, 0.4, 0.2) = 20, 20, 10
    const ney = stratifiedSample(frame, {
      size: 50,
      allocation: 'neyman',
      seed: 1,
      strata: ['district', 'area'],
      sd: { 'A|rural': 2, 'A|urban': 1, 'B|rural': 3 },
    });
    expect(ney.allocation.map((a) => a.allocated)).toEqual([20, 20, 10]);
    expect(() =>
      stratifiedSample(frame, { size: 5, allocation: 'neyman', seed: 1, strata: ['area'] }),
    ).toThrow();
  });

  it('same seed ⇒ same sample, independent of frame order; different seed ⇒ different sample', () => {
    const opts = { size: 40, allocation: 'proportional' as const, seed: 42, strata: ['area'] };
    const a = stratifiedSample(frame, opts).sample.map((r) => r.id);
    const b = stratifiedSample([...frame].reverse(), opts).sample.map((r) => r.id);
    const c = stratifiedSample(frame, { ...opts, seed: 43 }).sample.map((r) => r.id);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('property: allocation sums exactly to min(size, N), draws are distinct and from their stratum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('x', 'y', 'z'), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 80 }),
        fc.constantFrom('proportional' as const, 'equal' as const),
        fc.integer(),
        (strata, size, allocation, seed) => {
          const f = strata.map((stratum, i) => ({ id: `p${i}`, stratum }));
          const s = stratifiedSample(f, { size, allocation, seed });
          const ids = s.sample.map((r) => r.id);
          return (
            s.allocation.reduce((x, a) => x + a.allocated, 0) === Math.min(size, f.length) &&
            s.allocation.every((a) => a.allocated <= a.population) &&
            new Set(ids).size === ids.length &&
            s.sample.every((r) => f.find((x) => x.id === r.id)!.stratum === r.stratum)
          );
        },
      ),
    );
  });
});
