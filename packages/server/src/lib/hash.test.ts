import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sameJson } from './hash';

/** JSON-like data with what JSON.stringify treats specially: undefined, NaN, -0, Dates, holes. */
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, 0, -0, 1, 1.5, NaN, Infinity, '', 'a', '0'),
    fc.double(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

describe('sameJson', () => {
  it('answers as the comparison of the canonical JSON texts', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        // A value against a copy of itself rebuilt from JSON, and with its keys in another order.
        const text = canonicalJson(a);
        if (text !== undefined) expect(sameJson(a, JSON.parse(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(sameJson({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([0.1 + 0.2], [0.3])).toBe(false);
  });
});
