import { describe, expect, it } from 'vitest';
import {
  CYCLE_STAGES,
  evaluatePrecondition,
  MAX_BLOCKERS,
  nextStage,
  previousStage,
  PRECONDITION_CODES,
  STAGE_PRECONDITIONS,
  stageChecklist,
  uncoveredFailures,
  type CycleFacts,
  type PlanFacts,
} from './preconditions';

const plan = (id: string, extra: Partial<PlanFacts> = {}): PlanFacts => ({
  id,
  label: `单位${id}`,
  labelEn: `Unit ${id}`,
  status: 'approved',
  nodes: 5,
  treeProblems: 0,
  signedSides: ['appraisee', 'office'],
  panels: { expert: 3 },
  ...extra,
});

const facts = (extra: Partial<CycleFacts> = {}): CycleFacts => ({
  cycle: {
    name: '2027年度综合考核',
    type: 'annual',
    periodStart: '2027-01-01',
    periodEnd: '2027-12-31',
    resultsPublishedAt: '2028-02-01T00:00:00.000Z',
  },
  plans: [plan('a'), plan('b')],
  ruleVersions: 1,
  minRaters: 3,
  appealWindowDays: 15,
  results: { withoutResult: [], incomplete: [], stale: [] },
  pendingAppeals: [],
  now: '2028-03-01T00:00:00.000Z',
  ...extra,
});

const byCode = (to: (typeof CYCLE_STAGES)[number], f: CycleFacts) =>
  Object.fromEntries(stageChecklist(to, f).map((c) => [c.code, c]));

describe('stage preconditions', () => {
  it('every code belongs to some link, and the first link has none', () => {
    const used = new Set(Object.values(STAGE_PRECONDITIONS).flat());
    expect([...used].sort()).toEqual([...PRECONDITION_CODES].sort());
    expect(STAGE_PRECONDITIONS.mission_analysis).toEqual([]);
    expect(nextStage('mission_analysis')).toBe('planning');
    expect(nextStage('closed')).toBeNull();
    expect(previousStage('mission_analysis')).toBeNull();
    expect(previousStage('planning')).toBe('mission_analysis');
    expect(previousStage('closed')).toBe('results');
  });

  it('passes every link of a cycle that has everything', () => {
    for (const to of CYCLE_STAGES) expect(stageChecklist(to, facts()).every((c) => c.ok)).toBe(true);
  });

  it('→ planning: names the missing name, type and a reversed period', () => {
    const c = evaluatePrecondition(
      'cycle_defined',
      facts({
        cycle: { ...facts().cycle, name: ' ', type: '', periodStart: '2027-12-31', periodEnd: '2027-01-01' },
      }),
    );
    expect(c.ok).toBe(false);
    expect(c.blockers.map((b) => b.id)).toEqual(['name', 'type', 'period']);
  });

  it('→ execution: an empty cycle fails on plans', () => {
    const list = byCode('execution', facts({ plans: [] }));
    expect(list.plans_exist).toMatchObject({ ok: false, count: 1 });
    // Nothing to approve or sign: those hold vacuously, plans_exist is what blocks.
    expect(list.plans_approved.ok).toBe(true);
  });

  it('→ execution: lists plans not approved with their status and appraisee', () => {
    const list = byCode(
      'execution',
      facts({
        plans: [plan('a', { status: 'draft' }), plan('b', { status: 'published_for_comment' }), plan('c')],
      }),
    );
    expect(list.plans_approved.ok).toBe(false);
    expect(list.plans_approved.blockers).toEqual([
      { id: 'a', label: '单位a', labelEn: 'Unit a', info: { status: 'draft' }, planId: 'a' },
      { id: 'b', label: '单位b', labelEn: 'Unit b', info: { status: 'published_for_comment' }, planId: 'b' },
    ]);
    expect(list.plans_approved).toMatchObject({ count: 2, checked: 3 });
  });

  it('→ execution: approved plans with an empty or invalid tree, or unsigned, block', () => {
    const list = byCode(
      'execution',
      facts({
        plans: [
          plan('a', { nodes: 0 }),
          plan('b', { treeProblems: 2 }),
          plan('c', { signedSides: ['office'] }),
          plan('d', { status: 'draft', nodes: 0, signedSides: [] }),
        ],
      }),
    );
    expect(list.trees_valid.blockers.map((b) => [b.id, b.info])).toEqual([
      ['a', { nodes: 0, problems: 0 }],
      ['b', { nodes: 5, problems: 2 }],
    ]);
    // The draft is blocked by plans_approved, not counted twice here.
    expect(list.plans_signed.blockers.map((b) => [b.id, b.info])).toEqual([['c', { unsigned: 'appraisee' }]]);
  });

  it('→ execution and evaluation: no rules version blocks', () => {
    expect(byCode('execution', facts({ ruleVersions: 0 })).rules_set.ok).toBe(false);
    expect(byCode('evaluation', facts({ ruleVersions: 0 })).rules_set.ok).toBe(false);
  });

  it('→ evaluation: panels below the minimum, by plan and subject; unassigned subjects ignored', () => {
    const list = byCode(
      'evaluation',
      facts({
        plans: [
          plan('a', { panels: { expert: 2, superior: 3, public: 0, data: 0, self: 0 } }),
          plan('b', { panels: { deputy: 0 } }),
          plan('c', { status: 'draft', panels: { expert: 0 } }),
        ],
      }),
    );
    expect(list.panels_staffed.blockers).toEqual([
      {
        id: 'a|expert',
        label: '单位a',
        labelEn: 'Unit a',
        info: { subject: 'expert', raters: 2, min: 3 },
        planId: 'a',
      },
      {
        id: 'b|deputy',
        label: '单位b',
        labelEn: 'Unit b',
        info: { subject: 'deputy', raters: 0, min: 3 },
        planId: 'b',
      },
    ]);
    expect(list.panels_staffed.checked).toBe(3);
  });

  it('→ feedback: results missing, incomplete and stale, each its own check', () => {
    const list = byCode(
      'feedback',
      facts({
        plans: [plan('a'), plan('b'), plan('c'), plan('d')],
        results: { withoutResult: ['a'], incomplete: [{ planId: 'b', missing: 4 }], stale: ['c', 'zz'] },
      }),
    );
    expect(list.results_computed.blockers.map((b) => b.id)).toEqual(['a']);
    expect(list.results_complete.blockers).toEqual([
      { id: 'b', label: '单位b', labelEn: 'Unit b', info: { missing: 4 }, planId: 'b' },
    ]);
    // An id the plans do not know is still named (by id), but names no plan to link to.
    expect(list.results_fresh.blockers.map((b) => [b.label, b.planId])).toEqual([
      ['单位c', 'c'],
      ['zz', undefined],
    ]);
    expect(list.results_fresh.checked).toBe(3);
  });

  it('→ feedback: refuses to judge without the result facts', () => {
    expect(() => stageChecklist('feedback', facts({ results: undefined }))).toThrow(/results facts/);
  });

  it('→ results: needs the publication', () => {
    const f = facts({ cycle: { ...facts().cycle, resultsPublishedAt: null } });
    expect(byCode('results', f).results_published.ok).toBe(false);
    expect(byCode('results', facts()).results_published.ok).toBe(true);
  });

  it('→ closed: pending appeals and an open window block', () => {
    const open = facts({
      now: '2028-02-10T00:00:00.000Z',
      pendingAppeals: [{ id: 'x', label: '单位a', indicatorCode: 'A1' }],
    });
    const list = byCode('closed', open);
    expect(list.appeals_decided.blockers).toEqual([
      { id: 'x', label: '单位a', info: { indicator: 'A1' }, appealId: 'x' },
    ]);
    expect(list.appeal_window_over.blockers[0].info).toEqual({ endsAt: '2028-02-16T00:00:00.000Z' });
    expect(byCode('closed', facts({ now: '2028-02-16T00:00:01.000Z' })).appeal_window_over.ok).toBe(true);
  });

  it('cuts long blocker lists but counts them all', () => {
    const many = Array.from({ length: 120 }, (_, i) => plan(String(i), { status: 'draft' }));
    const c = evaluatePrecondition('plans_approved', facts({ plans: many }));
    expect(c.blockers).toHaveLength(MAX_BLOCKERS);
    expect(c.count).toBe(120);
  });

  it('uncoveredFailures leaves out the overridden and the passing', () => {
    const list = stageChecklist(
      'execution',
      facts({ ruleVersions: 0, plans: [plan('a', { status: 'draft' })] }),
    );
    expect(uncoveredFailures(list, []).map((c) => c.code)).toEqual(['plans_approved', 'rules_set']);
    expect(uncoveredFailures(list, ['rules_set']).map((c) => c.code)).toEqual(['plans_approved']);
  });
});
