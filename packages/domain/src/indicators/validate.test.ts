import { describe, expect, it } from 'vitest';
import type { IndicatorNode } from './types';
import { SUBJECT_TYPES } from './types';
import { validateTree } from './validate';

const rating = { type: 'rating' as const };

describe('validateTree', () => {
  it('accepts a valid tree with bonus items outside the weighted sum', () => {
    const tree: IndicatorNode[] = [
      { code: 'A', name: '经济', weight: 60, rule: rating },
      {
        code: 'B',
        name: '满意度',
        weight: 40,
        children: [{ code: 'B1', name: '群众', weight: 100, subjects: [{ type: 'public', weight: 100 }] }],
      },
      { code: 'X', name: '加分', weight: 5, kind: 'bonus', rule: { type: 'perUnit', points: 1 } },
    ];
    expect(validateTree(tree)).toEqual([]);
    expect(SUBJECT_TYPES).toContain('service_recipient');
  });

  it('reports a linear rule whose target is not beyond its baseline, in either direction', () => {
    const linear = (baseline: number, target: number, direction: 'higher' | 'lower') => ({
      type: 'linear' as const,
      baseline,
      target,
      direction,
    });
    const tree: IndicatorNode[] = [
      { code: 'A', name: 'a', weight: 25, rule: linear(6, 6, 'higher') },
      { code: 'B', name: 'b', weight: 25, rule: linear(3, 4, 'lower') },
      { code: 'C', name: 'c', weight: 25, rule: linear(3, 6, 'higher') },
      { code: 'D', name: 'd', weight: 25, rule: linear(4, 3, 'lower') },
    ];
    expect(validateTree(tree)).toEqual([
      expect.objectContaining({ code: 'A', kind: 'ruleTarget', field: 'rule.target' }),
      expect.objectContaining({ code: 'B', kind: 'ruleTarget', field: 'rule.target' }),
    ]);
  });

  it('reports every problem', () => {
    const deep = (d: number): IndicatorNode =>
      d === 6
        ? { code: `L${d}`, name: 'x', weight: 100, rule: rating }
        : { code: `L${d}`, name: 'x', weight: 100, children: [deep(d + 1)] };
    const tree: IndicatorNode[] = [
      { code: 'A', name: ' ', weight: 50 },
      { code: 'A', name: 'dup', weight: -10, rule: rating },
      {
        code: 'C',
        name: 'c',
        weight: 40,
        children: [
          {
            code: 'C1',
            name: 'c1',
            weight: 70,
            rule: rating,
            subjects: [
              { type: 'data', weight: 50 },
              { type: 'public', weight: 40 },
            ],
          },
          { code: 'C2', name: 'c2', weight: 20, rule: { type: 'perUnit', points: 1 } },
        ],
      },
      deep(1),
    ];
    const got = validateTree(tree).map((p) => [p.kind, p.path.join('>'), p.field]);
    expect(got).toEqual([
      ['weightSum', '', 'children'],
      ['emptyName', 'A', 'name'],
      ['missingRule', 'A', 'rule'],
      ['duplicateCode', 'A', 'code'],
      ['negativeWeight', 'A', 'weight'],
      ['weightSum', 'C', 'children'],
      ['subjectWeightSum', 'C>C1', 'subjects'],
      ['missingRule', 'C>C2', 'rule'],
      ['depth', 'L1>L2>L3>L4>L5', 'code'],
      ['depth', 'L1>L2>L3>L4>L5>L6', 'code'],
    ]);
  });
});
