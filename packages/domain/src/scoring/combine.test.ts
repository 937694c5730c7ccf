import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scoreAppraisee } from './aggregate';
import { combineScores } from './combine';
import type { IndicatorNode } from '../indicators/types';

const tree: IndicatorNode[] = [
  {
    code: 'DE',
    name: '德',
    weight: 40,
    rule: { type: 'rating' },
    subjects: [{ type: 'superior', weight: 100 }],
  },
  {
    code: 'JI',
    name: '绩',
    weight: 60,
    rule: { type: 'rating' },
    subjects: [{ type: 'superior', weight: 100 }],
  },
];
const rated = (de: number, ji: number) =>
  scoreAppraisee(tree, {
    DE: { ratings: [{ subject: 'superior', score: de }] },
    JI: { ratings: [{ subject: 'superior', score: ji }] },
  });

describe('combineScores (combined appraisal of people and achievements)', () => {
  it('gives a cadre 30% of the unit result: 0.7 × 85 + 0.3 × 90 = 86.5, explained', () => {
    const own = rated(80, 88.3333333333); // 0.4·80 + 0.6·88.33 = 85
    const c = combineScores(own, [
      { code: 'UNIT', name: '所在单位绩效', total: 90, share: 0.3, note: 'unit result' },
    ]);
    expect(c.total).toBeCloseTo(86.5, 6);
    expect(c.breakdown.map((n) => n.code)).toEqual(['DE', 'JI', 'UNIT']);
    expect(c.breakdown[2].contribution).toBeCloseTo(27, 9);
    expect(c.breakdown.reduce((s, n) => s + n.contribution, 0)).toBeCloseTo(c.total, 9);
  });

  it('keeps the breakdown law for any shares and scores', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.array(
          fc.record({
            total: fc.double({ min: 0, max: 120, noNaN: true }),
            share: fc.double({ min: 0, max: 0.3, noNaN: true }),
          }),
          { maxLength: 3 },
        ),
        (de, ji, parts) => {
          const c = combineScores(
            rated(de, ji),
            parts.map((p, i) => ({ ...p, code: `P${i}`, name: 'part', note: '' })),
          );
          const sum = c.breakdown.reduce((s, n) => s + n.contribution, 0);
          return Math.abs(sum - c.total) < 1e-9 * (1 + c.total);
        },
      ),
    );
  });

  it('refuses shares outside [0, 1] or summing above 1', () => {
    expect(() =>
      combineScores(rated(1, 1), [{ code: 'U', name: 'u', total: 1, share: 1.2, note: '' }]),
    ).toThrow(/share/);
  });
});
