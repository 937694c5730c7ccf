import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../indicators/errors';
import { bonusDeduction, ruleMax, scoreRule, type AttainmentRule, type BandedRule } from './rules';

describe('scoreRule', () => {
  it('linear: baseline → 0, target → 100, capped at 100 × cap', () => {
    const up: AttainmentRule = { type: 'linear', baseline: 5, target: 7, direction: 'higher', cap: 1.2 };
    expect(scoreRule(up, 5)).toBe(0);
    expect(scoreRule(up, 6)).toBe(50);
    expect(scoreRule(up, 7)).toBe(100);
    expect(scoreRule(up, 7.3)).toBeCloseTo(115, 12);
    expect(scoreRule(up, 9)).toBe(120);
    expect(scoreRule(up, 3)).toBe(0);
    // PM2.5: from 40 down to 35 µg/m³.
    const down: AttainmentRule = { type: 'linear', baseline: 40, target: 35, direction: 'lower' };
    expect(scoreRule(down, 37)).toBeCloseTo(60, 12);
    expect(scoreRule(down, 30)).toBe(100);
    expect(() => scoreRule({ ...down, direction: 'higher' }, 37)).toThrow(DomainError);
    expect(() => scoreRule({ ...up, cap: 0.5 }, 6)).toThrow(DomainError);
  });

  it('banded: first matching band, inclusive bounds, else 0', () => {
    // Business environment rank: 1st–3rd full marks, 4th–6th 80, 7th–10th 60.
    const rank: AttainmentRule = {
      type: 'banded',
      bands: [
        { max: 3, points: 100 },
        { min: 4, max: 6, points: 80 },
        { min: 7, max: 10, points: 60 },
      ],
    };
    expect([1, 3, 4, 6, 7, 10, 11].map((v) => scoreRule(rank, v))).toEqual([100, 100, 80, 80, 60, 60, 0]);
    expect(() => scoreRule({ type: 'banded', bands: [{ points: 120 }] }, 1)).toThrow(DomainError);
  });

  it('passFail, ratio and rating', () => {
    expect(scoreRule({ type: 'passFail', passWhen: 'zero' }, 0)).toBe(100);
    expect(scoreRule({ type: 'passFail', passWhen: 'zero' }, 2)).toBe(0);
    expect(scoreRule({ type: 'passFail', passWhen: 'nonzero' }, 1)).toBe(100);
    expect(scoreRule({ type: 'ratio', target: 8, direction: 'higher' }, 6)).toBe(75);
    expect(scoreRule({ type: 'ratio', target: 8, direction: 'higher' }, 10)).toBe(100);
    expect(scoreRule({ type: 'ratio', target: 8, direction: 'lower', cap: 1.5 }, 4)).toBe(150);
    expect(scoreRule({ type: 'ratio', target: 8, direction: 'lower' }, 10)).toBe(80);
    expect(scoreRule({ type: 'ratio', target: 8, direction: 'lower' }, 0)).toBe(100);
    expect(scoreRule({ type: 'rating' }, 104)).toBe(100);
    expect(() => scoreRule({ type: 'rating' }, NaN)).toThrow(DomainError);
  });

  it('bonusDeduction: value × points, capped at the weight', () => {
    const node = {
      code: 'B',
      name: '表彰',
      weight: 3,
      kind: 'bonus' as const,
      rule: { type: 'perUnit' as const, points: 1.5 },
    };
    expect(bonusDeduction(node, 1)).toBe(1.5);
    expect(bonusDeduction(node, 4)).toBe(3);
    expect(bonusDeduction(node, null)).toBe(0);
    expect(bonusDeduction({ ...node, rule: { type: 'passFail', passWhen: 'nonzero' } }, 2)).toBe(3);
  });
});

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
const linearArb = fc
  .record({
    baseline: finite,
    gap: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
    direction: fc.constantFrom('higher' as const, 'lower' as const),
    cap: fc.double({ min: 1, max: 2, noNaN: true }),
  })
  .map(({ baseline, gap, direction, cap }): AttainmentRule => ({
    type: 'linear',
    baseline,
    target: direction === 'higher' ? baseline + gap : baseline - gap,
    direction,
    cap,
  }));
const ratioArb = fc
  .record({
    target: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
    direction: fc.constantFrom('higher' as const, 'lower' as const),
    cap: fc.double({ min: 1, max: 2, noNaN: true }),
  })
  .map((r): AttainmentRule => ({ type: 'ratio', ...r }));
// Monotone bands for a higher-is-better value: ascending thresholds, the best band first.
const bandedArb = fc
  .uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 6 })
  .chain((mins) =>
    fc
      .uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: mins.length, maxLength: mins.length })
      .map((points): BandedRule => {
        const ms = [...mins].sort((a, b) => b - a);
        const ps = [...points].sort((a, b) => b - a);
        return { type: 'banded', bands: ms.map((min, i) => ({ min, points: ps[i] })) };
      }),
  );
const ruleArb = fc.oneof(linearArb, ratioArb, bandedArb);

describe('scoreRule, laws', () => {
  it('stays within [0, max]', () => {
    fc.assert(
      fc.property(ruleArb, finite, (rule, v) => {
        const a = scoreRule(rule, v);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(ruleMax(rule));
      }),
    );
  });

  it('a better value never scores lower', () => {
    fc.assert(
      fc.property(ruleArb, finite, finite, (rule, a, b) => {
        const dir = rule.type === 'banded' ? 'higher' : (rule as { direction: 'higher' | 'lower' }).direction;
        const [worse, better] = (dir === 'higher' ? a <= b : a >= b) ? [a, b] : [b, a];
        expect(scoreRule(rule, better)).toBeGreaterThanOrEqual(scoreRule(rule, worse));
      }),
    );
  });
});
