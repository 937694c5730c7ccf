import { describe, expect, it } from 'vitest';
import { DEFAULT_DISCLOSURE, discloseResult } from './disclosure';

const cadre = { appraiseeType: 'cadre', grade: 'excellent', consequences: [{ kind: 'promotion_eligible' }] };
const unit = { appraiseeType: 'unit', grade: 'good', consequences: [{ kind: 'bonus_coefficient' }] };

describe('discloseResult', () => {
  it('by default publishes unit results and cadre grades, never cadre consequences', () => {
    expect(discloseResult(DEFAULT_DISCLOSURE, cadre)).toEqual({ ...cadre, consequences: [] });
    expect(discloseResult(DEFAULT_DISCLOSURE, unit)).toBe(unit);
  });
  it('publishes cadre consequences only when allowed, and nothing of a withheld result', () => {
    const all = { unitResults: true, cadreGrades: true, cadreConsequences: true };
    expect(discloseResult(all, cadre)).toBe(cadre);
    expect(discloseResult({ ...all, cadreGrades: false }, cadre)).toBeNull();
    expect(discloseResult({ ...all, unitResults: false }, unit)).toBeNull();
    expect(discloseResult({ ...all, unitResults: false }, cadre)).toBe(cadre);
  });
});
