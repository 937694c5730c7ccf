import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rollupTrajectory, trajectoryStatus, type TrajectoryColour } from './trajectory';

describe('trajectoryStatus', () => {
  // Baseline 60 %, target 80 % over 4 quarters: expected at Q2 = 60 + 20·2/4 = 70.
  const base = { baseline: 60, target: 80, direction: 'increase' as const, periodIndex: 2, periods: 4 };
  it('worked example: Q2 expected 70; 68 is 2/20 = 10 % short → green, 66 is 20 % → yellow, 64 is 30 % → red', () => {
    expect(trajectoryStatus({ ...base, actual: 72 })).toEqual({
      expected: 70,
      gap: 2,
      shortfallShare: 0,
      status: 'green',
    });
    expect(trajectoryStatus({ ...base, actual: 68 })).toMatchObject({ gap: -2, status: 'green' });
    expect(trajectoryStatus({ ...base, actual: 66 })).toMatchObject({
      status: 'yellow',
      shortfallShare: 0.2,
    });
    expect(trajectoryStatus({ ...base, actual: 64 })).toMatchObject({ status: 'red' });
  });
  it('decrease: complaints from 200 to 100 over 4 periods; at period 1 expected 175, actual 190 is 15 % short → yellow', () => {
    const r = trajectoryStatus({
      baseline: 200,
      target: 100,
      direction: 'decrease',
      periodIndex: 1,
      periods: 4,
      actual: 190,
    });
    expect(r).toEqual({ expected: 175, gap: -15, shortfallShare: 0.15, status: 'yellow' });
  });
  it('rejects a period outside the cycle', () => {
    expect(() => trajectoryStatus({ ...base, periodIndex: 5, actual: 1 })).toThrow();
  });
  it('property: being on or ahead of the line is always green; the status worsens monotonically with shortfall', () => {
    const rank = { green: 0, yellow: 1, red: 2 };
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (baseline, target, periods, idx, a, b) => {
          const periodIndex = idx % (periods + 1);
          const direction = target >= baseline ? ('increase' as const) : ('decrease' as const);
          const sign = direction === 'increase' ? 1 : -1;
          const e = baseline + ((target - baseline) * periodIndex) / periods;
          const ahead = trajectoryStatus({
            baseline,
            target,
            direction,
            periods,
            periodIndex,
            actual: e + sign * a,
          });
          const [s1, s2] = [Math.min(a, b), Math.max(a, b)];
          const r1 = trajectoryStatus({
            baseline,
            target,
            direction,
            periods,
            periodIndex,
            actual: e - sign * s1,
          });
          const r2 = trajectoryStatus({
            baseline,
            target,
            direction,
            periods,
            periodIndex,
            actual: e - sign * s2,
          });
          return ahead.status === 'green' && rank[r1.status] <= rank[r2.status];
        },
      ),
    );
  });
});

describe('rollupTrajectory', () => {
  it('worked example: 1 red of 8 is 12.5 % → yellow; 2 red of 8 is 25 % → red; all green → green; none → null', () => {
    const g = 'green' as const;
    expect(rollupTrajectory(['red', g, g, g, g, g, g, g])).toBe('yellow');
    expect(rollupTrajectory(['red', 'red', g, g, g, g, g, g])).toBe('red');
    expect(rollupTrajectory(['yellow', g])).toBe('yellow');
    expect(rollupTrajectory([g, g])).toBe('green');
    expect(rollupTrajectory([])).toBeNull();
    expect(() => rollupTrajectory([g], 0)).toThrow();
  });
  it('property: turning one indicator worse never improves the roll-up', () => {
    const rank = { green: 0, yellow: 1, red: 2 };
    const colour = fc.constantFrom<TrajectoryColour>('green', 'yellow', 'red');
    fc.assert(
      fc.property(fc.array(colour, { minLength: 1, maxLength: 30 }), fc.nat(), (list, i) => {
        const j = i % list.length;
        const worse = [...list];
        worse[j] = 'red';
        return rank[rollupTrajectory(worse)!] >= rank[rollupTrajectory(list)!];
      }),
    );
  });
});
