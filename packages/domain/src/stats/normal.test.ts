import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cumulativeStdNormalProbability } from 'simple-statistics';
import { normalQuantile, zForConfidence } from './normal';

describe('normalQuantile', () => {
  it('matches standard normal tables to 1e-8', () => {
    // Abramowitz & Stegun 26.2 / any z table: z.975 = 1.959963985, z.995 = 2.575829304, z.90 = 1.281551566
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829304, 8);
    expect(normalQuantile(0.9)).toBeCloseTo(1.281551566, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(zForConfidence(0.95)).toBeCloseTo(1.959963985, 8);
  });
  it('property: antisymmetric and inverse of the (tabulated) normal CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (p) => {
        const z = normalQuantile(p);
        // simple-statistics' CDF is a 2-decimal lookup table, so only a loose check there.
        return (
          Math.abs(z + normalQuantile(1 - p)) < 1e-8 &&
          Math.abs(cumulativeStdNormalProbability(z) - p) < 0.006
        );
      }),
    );
  });
});
