import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { anomalyFlags } from './anomaly';

describe('anomalyFlags', () => {
  it('worked example: history 10, 12, 11, 13 (mean 11.5, sd 1.291) flags 16 as a jump but not 15', () => {
    // sd = √((2.25 + 0.25 + 0.25 + 2.25)/3) = √(5/3) = 1.29099; 3·sd = 3.873.
    // |16 − 11.5| = 4.5 > 3.873 → jump; |15 − 11.5| = 3.5 ≤ 3.873 → no flag.
    expect(anomalyFlags({ history: [10, 12, 11, 13], value: 16 }).map((f) => f.kind)).toEqual(['jump']);
    expect(anomalyFlags({ history: [10, 12, 11, 13], value: 15 })).toEqual([]);
    expect(anomalyFlags({ history: [10, 12, 11, 13], value: 15, k: 2 }).map((f) => f.kind)).toEqual(['jump']);
  });
  it('needs 3 history values and a positive sd for a jump', () => {
    expect(anomalyFlags({ history: [10, 11], value: 1000 })).toEqual([]);
    expect(anomalyFlags({ history: [5, 5, 5], value: 9 })).toEqual([]);
  });
  it('out of range and repeated values', () => {
    const f = anomalyFlags({ history: [96, 97, 97, 97], value: 97, plausibleMin: 0, plausibleMax: 100 });
    expect(f.map((x) => x.kind)).toEqual(['repeated']);
    expect(anomalyFlags({ history: [], value: 101, plausibleMax: 100 })[0]).toMatchObject({
      kind: 'outOfRange',
    });
    expect(anomalyFlags({ history: [], value: -1, plausibleMin: 0 })[0].kind).toBe('outOfRange');
    expect(anomalyFlags({ history: [1, 2, 3], value: 7, recent: [7, 7, 7] }).map((x) => x.kind)).toContain(
      'repeated',
    );
  });
  it('property: a value equal to the historical mean never jumps', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 3, maxLength: 20 }), (h) => {
        const m = h.reduce((a, b) => a + b, 0) / h.length;
        return !anomalyFlags({ history: h, value: m }).some((f) => f.kind === 'jump');
      }),
    );
  });
});
