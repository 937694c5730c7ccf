import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_RELEVANCE_RULES, relevanceScore } from './relevance';

const bureau = { orgUnitId: 'civil-affairs', districtsServed: ['east', 'west'] };

describe('relevanceScore (DEFAULT_RELEVANCE_RULES)', () => {
  it('worked example: verified service recipient in a served district = 0.4 + 0.15 + 0.25 + 0.2 = 1.0', () => {
    const r = relevanceScore(
      {
        category: 'service_recipient',
        district: 'east',
        relationships: [{ orgUnitId: 'civil-affairs', kind: 'service_recipient', verified: true }],
      },
      bureau,
    );
    expect(r.score).toBeCloseTo(1, 12);
    expect(r.parts.map((p) => p.points)).toEqual([0.4, 0.15, 0.25, 0.2]);
  });
  it('worked example: member of the public elsewhere, tie to another unit = 0.2; unverified complainant here = 0.2 + 0.15 + 0.2', () => {
    const other = {
      category: 'public',
      district: 'north',
      relationships: [{ orgUnitId: 'tax', kind: 'applicant', verified: true }],
    };
    expect(relevanceScore(other, bureau)).toEqual({
      score: 0.2,
      parts: [{ reason: 'category public', points: 0.2 }],
    });
    const c = relevanceScore(
      {
        category: 'public',
        district: 'west',
        relationships: [{ orgUnitId: 'civil-affairs', kind: 'complainant', verified: false }],
      },
      bureau,
    );
    expect(c.score).toBeCloseTo(0.55, 12);
  });
  it('only the strongest tie counts; appraisee categoryWeights override the base; the cap is explained', () => {
    const p = {
      category: 'enterprise',
      district: 'east',
      relationships: [
        { orgUnitId: 'civil-affairs', kind: 'complainant', verified: false },
        { orgUnitId: 'civil-affairs', kind: 'applicant', verified: true },
      ],
    };
    // 0.35 + 0.15 + 0.25 + 0.2 = 0.95
    expect(relevanceScore(p, bureau).score).toBeCloseTo(0.95, 12);
    const r = relevanceScore(p, { ...bureau, categoryWeights: { enterprise: 0.6 } });
    expect(r.score).toBe(1);
    expect(r.parts.at(-1)!.reason).toBe('capped at 1');
    expect(r.parts.reduce((a, x) => a + x.points, 0)).toBeCloseTo(1, 12);
  });
  it('property: score in [0, 1], equals the sum of parts, and verifying a tie never lowers it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('public', 'service_recipient', 'enterprise', 'deputy', 'other'),
        fc.option(fc.constantFrom('east', 'west', 'north'), { nil: undefined }),
        fc.array(
          fc.record({
            orgUnitId: fc.constantFrom('civil-affairs', 'tax'),
            kind: fc.constantFrom('applicant', 'complainant', 'x'),
            verified: fc.boolean(),
          }),
        ),
        (category, district, relationships) => {
          const r = relevanceScore({ category, district, relationships }, bureau, DEFAULT_RELEVANCE_RULES);
          const v = relevanceScore(
            { category, district, relationships: relationships.map((x) => ({ ...x, verified: true })) },
            bureau,
          );
          return (
            r.score >= 0 &&
            r.score <= 1 &&
            Math.abs(r.parts.reduce((a, p) => a + p.points, 0) - r.score) < 1e-12 &&
            v.score >= r.score - 1e-12
          );
        },
      ),
    );
  });
});
