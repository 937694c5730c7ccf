import { describe, expect, it } from 'vitest';
import { participationWarnings } from './warnings';

describe('participationWarnings', () => {
  it('worked example: 10 participants, 7 experts, 2 high-relevance', () => {
    const participants = [
      ...Array.from({ length: 7 }, () => ({ relevance: 0.3, category: 'expert', district: 'east' })),
      { relevance: 0.6, category: 'deputy' },
      { relevance: 0.85, category: 'deputy' },
      { relevance: 0.1, category: 'third_party', district: 'west' },
    ];
    const { warnings, summary } = participationWarnings({ participants });
    expect(warnings.map((w) => w.kind)).toEqual(['noPublic', 'lowRelevance', 'categoryDominates']);
    expect(summary.n).toBe(10);
    expect(summary.relevanceHistogram.map((b) => b.count)).toEqual([1, 7, 0, 1, 1]);
    expect(summary.highRelevanceShare).toBe(0.2);
    expect(summary.byCategory).toEqual({ expert: 7, deputy: 2, third_party: 1 });
    expect(summary.byDistrict).toEqual({ east: 7, '(none)': 2, west: 1 });
  });
  it('a balanced, relevant public pool gives no warning; share warnings wait for minParticipants', () => {
    const participants = Array.from({ length: 12 }, (_, i) => ({
      relevance: i % 2 ? 0.9 : 0.4,
      category: ['public', 'service_recipient', 'enterprise'][i % 3],
    }));
    expect(participationWarnings({ participants }).warnings).toEqual([]);
    expect(
      participationWarnings({ participants: [{ relevance: 0.1, category: 'public' }] }).warnings,
    ).toEqual([]);
  });
});
