import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../indicators/errors';
import {
  applyVeto,
  DEFAULT_GRADE_SCHEME,
  GRADES,
  gradeAndRank,
  quotaLimit,
  type GradeEntry,
  type GradeScheme,
} from './grade';

const entry = (id: string, total: number, extra: Partial<GradeEntry> = {}): GradeEntry => ({
  id,
  total,
  peerGroup: 'districts',
  ...extra,
});

describe('gradeAndRank', () => {
  it('competition ranking within a peer group, by bands', () => {
    const noQuota: GradeScheme = { ...DEFAULT_GRADE_SCHEME, quotas: [] };
    const r = gradeAndRank(
      [
        entry('a', 85),
        entry('b', 92),
        entry('c', 85),
        entry('d', 59),
        entry('x', 99, { peerGroup: 'depts' }),
      ],
      noQuota,
    );
    expect(r.map((x) => [x.id, x.rank, x.grade])).toEqual([
      ['a', 2, 'good'],
      ['b', 1, 'excellent'],
      ['c', 2, 'good'],
      ['d', 4, 'unqualified'],
      ['x', 1, 'excellent'],
    ]);
  });

  it('quota: at most 20% of 10 excellent, the rest drop to good', () => {
    const totals = [98, 96, 95, 93, 91, 85, 82, 75, 65, 50];
    const r = gradeAndRank(totals.map((t, i) => entry(`d${i}`, t)));
    expect(r.map((x) => x.grade)).toEqual([
      'excellent',
      'excellent',
      'good',
      'good',
      'good',
      'good',
      'good',
      'qualified',
      'basically_qualified',
      'unqualified',
    ]);
    expect(r[2].gradeByScore).toBe('excellent');
    expect(r[2].reasons).toEqual(['quota: excellent capped at 20% of 10 → 2']);
  });

  it('shareQuota: everyone tied at the boundary drops', () => {
    const totals = [98, 95, 95, 93, 80, 80, 80, 80, 80, 80];
    const r = gradeAndRank(totals.map((t, i) => entry(`d${i}`, t)));
    expect(r.slice(0, 4).map((x) => x.grade)).toEqual(['excellent', 'good', 'good', 'good']);
    expect(r[1].reasons).toContain('tie at the quota boundary: all entries tied at 95 drop to good');
  });

  it('weightedScoreThenCode: ties broken by weighted score, then code', () => {
    const scheme: GradeScheme = { ...DEFAULT_GRADE_SCHEME, tieBreak: 'weightedScoreThenCode' };
    const totals = [98, 95, 95, 95, 80, 80, 80, 80, 80, 80];
    const r = gradeAndRank(
      totals.map((t, i) => entry(`d${i}`, t, { weightedScore: i === 3 ? 94 : 93, tieKey: `k${9 - i}` })),
      scheme,
    );
    // d3 has the higher weighted score; ranks still shared.
    expect(r.slice(0, 4).map((x) => [x.grade, x.rank])).toEqual([
      ['excellent', 1],
      ['good', 2],
      ['good', 2],
      ['excellent', 2],
    ]);
  });

  it('veto after quota: downOne caps one below the score grade, unqualified to the lowest', () => {
    const r = gradeAndRank([
      entry('a', 95, { veto: { triggered: true, mode: 'downOne' } }),
      entry('b', 85, { veto: { triggered: true } }),
      entry('c', 70),
      entry('d', 72),
      entry('e', 71),
    ]);
    expect(r.map((x) => x.grade)).toEqual(['good', 'unqualified', 'qualified', 'qualified', 'qualified']);
    expect(r[1].reasons).toEqual(['veto: capped to unqualified']);
    expect(applyVeto('qualified', 'downOne', GRADES)).toBe('basically_qualified');
    expect(applyVeto('unqualified', 'downOne', GRADES)).toBe('unqualified');
  });

  it('a vetoed top scorer takes no excellent place', () => {
    const r = gradeAndRank([
      entry('a', 95, { veto: { triggered: true, mode: 'downOne' } }),
      entry('b', 92),
      entry('c', 91),
      entry('d', 70),
      entry('e', 70),
    ]);
    expect(r.map((x) => x.grade)).toEqual(['good', 'excellent', 'good', 'qualified', 'qualified']);
    expect(r[2].reasons).toEqual(['quota: excellent capped at 20% of 5 → 1']);
  });

  it('with the default 20%, a group of 4 has no excellent place', () => {
    expect(gradeAndRank([entry('a', 99), entry('b', 70), entry('c', 70), entry('d', 70)])[0]).toMatchObject({
      grade: 'good',
      gradeByScore: 'excellent',
    });
  });

  it('small groups: floor gives 0 unless atLeastOne', () => {
    expect(quotaLimit({ grade: 'excellent', maxShare: 0.2 }, 4)).toBe(0);
    expect(quotaLimit({ grade: 'excellent', maxShare: 0.2, atLeastOne: true }, 4)).toBe(1);
    expect(quotaLimit({ grade: 'excellent', maxShare: 0.29 }, 100)).toBe(29);
  });

  it('rejects a quota on the lowest grade', () => {
    expect(() =>
      gradeAndRank([entry('a', 1)], {
        ...DEFAULT_GRADE_SCHEME,
        quotas: [{ grade: 'unqualified', maxShare: 0.1 }],
      }),
    ).toThrow(DomainError);
  });

  it('quotas are never exceeded and grades never rise above the score grade', () => {
    const schemeArb = fc.record({
      tieBreak: fc.constantFrom('shareQuota' as const, 'weightedScoreThenCode' as const),
      ex: fc.double({ min: 0, max: 1, noNaN: true }),
      good: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    const entriesArb = fc.array(
      fc.record({
        total: fc.integer({ min: 50, max: 100 }),
        peerGroup: fc.constantFrom('a', 'b', 'c'),
        veto: fc.boolean(),
        weightedScore: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(schemeArb, entriesArb, (s, es) => {
        const scheme: GradeScheme = {
          bands: DEFAULT_GRADE_SCHEME.bands,
          quotas: [
            { grade: 'excellent', maxShare: s.ex },
            { grade: 'good', maxShare: s.good },
          ],
          tieBreak: s.tieBreak,
        };
        const r = gradeAndRank(
          es.map((e, i) => ({ id: `e${i}`, ...e, veto: { triggered: e.veto, mode: 'downOne' as const } })),
          scheme,
        );
        for (const g of ['a', 'b', 'c']) {
          const n = r.filter((x) => x.peerGroup === g).length;
          for (const q of scheme.quotas!) {
            expect(r.filter((x) => x.peerGroup === g && x.grade === q.grade).length).toBeLessThanOrEqual(
              quotaLimit(q, n),
            );
          }
        }
        for (const x of r)
          expect(GRADES.indexOf(x.grade as never)).toBeGreaterThanOrEqual(
            GRADES.indexOf(x.gradeByScore as never),
          );
      }),
    );
  });
});
