import { describe, expect, it } from 'vitest';
import { aaporRates } from './aapor';

describe('aaporRates (AAPOR Standard Definitions)', () => {
  it('computes RR1, COOP1, REF1 and CON1 of a worked example', () => {
    // 1,000 sampled: I = 400 complete, P = 50 partial, R = 150 refused, NC = 120 non-contact,
    // O = 30 other, U = 200 unknown eligibility, 50 ineligible (left out of every denominator).
    // Eligible or possibly eligible: 400 + 50 + 150 + 120 + 30 + 200 = 950.
    //   RR1   = 400 / 950                          = 0.421053
    //   COOP1 = 400 / (400 + 50 + 150 + 30) = 400 / 630 = 0.634921
    //   REF1  = 150 / 950                          = 0.157895
    //   CON1  = (400 + 50 + 150 + 30) / 950 = 630 / 950 = 0.663158
    const r = aaporRates({
      complete: 400,
      partial: 50,
      refused: 150,
      nonContact: 120,
      other: 30,
      unknown: 200,
      ineligible: 50,
    });
    expect(r.rr1).toBeCloseTo(0.421053, 6);
    expect(r.coop1).toBeCloseTo(0.634921, 6);
    expect(r.ref1).toBeCloseTo(0.157895, 6);
    expect(r.con1).toBeCloseTo(0.663158, 6);
  });

  it('ineligible cases change no rate; empty denominators give null; bad counts are refused', () => {
    const base = { complete: 3, refused: 1, nonContact: 1, unknown: 0 };
    expect(aaporRates({ ...base, ineligible: 40 })).toEqual(aaporRates(base));
    expect(aaporRates(base).rr1).toBeCloseTo(0.6, 12);
    expect(aaporRates({ complete: 0, refused: 0, nonContact: 0, unknown: 0 })).toEqual({
      rr1: null,
      coop1: null,
      ref1: null,
      con1: null,
    });
    expect(aaporRates({ complete: 0, refused: 0, nonContact: 5, unknown: 0 }).coop1).toBeNull();
    expect(() => aaporRates({ ...base, refused: -1 })).toThrow(/refused/);
    expect(() => aaporRates({ ...base, unknown: 1.5 })).toThrow(/unknown/);
  });
});
