import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { consequences } from '../../db/schema';
import { systemActor } from '../../lib/system';
import { DEFAULT_CONSEQUENCE_RULES } from '../evaluation/rules';
import { cadreTree, departmentTree } from '../plans/templates';
import { cycleResultStatus } from './freshness';
import { computeCycleResults } from './service';

let t: TestApp;
let office: Client;
/** A city leader, the term cadres' superior rater; a verifier of reported values. */
let leaderUser: FactoryUser;
let verifierUser: FactoryUser;
/**
 * Its own cycles, named by role: `annual` (computed, the cadres' annual results), `term` (its cadres'
 * term plans, in evaluation, taking half the total from the annual results) and `next` (an annual
 * cycle in planning, its unit plans drafts of the department template).
 */
const cycle: Record<'annual' | 'term' | 'next', string> = { annual: '', term: '', next: '' };

interface Missing {
  code: string;
  name: string;
  reason: string;
  veto?: boolean;
}
interface Result {
  veto: { triggered: boolean };
  id: string;
  planId: string;
  personId: string | null;
  appraiseeType: string;
  total: number;
  grade: string | null;
  gradeByScore: string | null;
  rank: number | null;
  peerGroupSize: number;
  complete: boolean;
  missing: Missing[];
  sensitivity: unknown;
  consequences: unknown[];
}
interface Node {
  code: string;
  kind: string;
  weight: number;
  attainment: number;
  contribution: number;
  missing?: string;
  excluded?: boolean;
  children?: Node[];
}

const results = async (cycleId: string): Promise<Result[]> =>
  (await office.get(`/api/cycles/${cycleId}/results`)).json().items;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'missing');
  const officeActor = await f.office();
  verifierUser = await f.user([{ role: 'verifier' }]);
  leaderUser = await f.user([{ role: 'evaluator' }]);
  // The demo's rules: trimmed means of at least three raters, the default consequences; the term
  // takes half of its total from the annual results within it and none from the unit's result.
  const rules = { trimEachSide: 1, minRaters: 3, consequenceRules: DEFAULT_CONSEQUENCE_RULES };
  const units = [await f.org(), await f.org()];
  const cadres = [];
  for (const unit of units) cadres.push({ unit, person: await f.person({ orgUnitId: unit.id }) });

  // The annual cycle within the term: the cadres' annual results, complete (verified data).
  const annual = await f.cycle({ year: 2031, stage: 'planning' });
  cycle.annual = annual.id;
  await f.rules(annual.id, { ...rules, unitShareForCadres: 0.2 });
  for (const [i, { unit, person }] of cadres.entries()) {
    for (const personId of [undefined, person.id]) {
      const plan = await f.plan({ cycleId: annual.id, orgUnitId: unit.id, personId });
      await f.values(
        plan.id,
        [
          { indicatorCode: 'A1', period: '2031', value: 4 + i },
          { indicatorCode: 'A2', period: '2031', value: 85 + 5 * i },
        ],
        { by: officeActor, verifyAs: verifierUser.actor },
      );
    }
  }
  await f.results(annual.id);

  // The term (its period holds the annual cycle's): the cadres' plans on the five dimensions, rated.
  const term = await f.cycle({ year: 2031, type: 'term', stage: 'planning' });
  cycle.term = term.id;
  await f.rules(term.id, { ...rules, unitShareForCadres: 0, annualShareForTerm: 0.5 });
  const termPlans = [];
  for (const { unit, person } of cadres)
    termPlans.push(
      (await f.plan({ cycleId: term.id, orgUnitId: unit.id, personId: person.id, tree: cadreTree() })).id,
    );
  await f.stage(term.id, 'evaluation');
  expect(
    await f.tasks({
      cycleId: term.id,
      planIds: termPlans,
      subjectType: 'superior',
      raterIds: [leaderUser.id],
    }),
  ).toEqual({ created: termPlans.length, skipped: [] });

  // The next annual cycle, in planning: the units' plans of the department template, drafts.
  const next = await f.cycle({ year: 2032, stage: 'planning' });
  cycle.next = next.id;
  await f.rules(next.id, rules);
  for (const unit of units)
    await f.plan({ cycleId: next.id, orgUnitId: unit.id, tree: departmentTree(), status: 'draft' });

  office = await (await f.user([{ role: 'office' }])).login();
});
afterAll(async () => t.close());

describe('the term cycle computes from its frozen rules', () => {
  it('publishes one set of rules: the regulations are the rules in force', async () => {
    const term = cycle.term;
    const regs = (await t.anon.get(`/api/public/cycles/${term}/regulations`)).json();
    expect(regs.rules).toMatchObject({
      annualShareForTerm: 0.5,
      unitShareForCadres: 0,
      missingData: 'incomplete',
    });
    const live = (await office.get(`/api/cycles/${term}/rules`)).json();
    expect(live.rules).toEqual(regs.rules);
  });

  it('leaves unrated cadres incomplete: half the annual mean, no grade, rank, sensitivity or consequence', async () => {
    const term = cycle.term;
    const res = await office.post(`/api/cycles/${term}/compute?wait=true`);
    expect(res.statusCode).toBe(200);
    const items: Result[] = res.json().items;
    expect(items.length).toBeGreaterThan(0);
    const annual = new Map(
      (await results(cycle.annual)).filter((r) => r.personId).map((r) => [r.personId, r.total]),
    );
    for (const r of items) {
      // No term ratings yet: every dimension lacks raters; the annual results make half the total.
      expect(r).toMatchObject({ complete: false, grade: null, gradeByScore: null, rank: null });
      expect(r.sensitivity).toBeNull();
      expect(r.consequences).toEqual([]);
      expect(r.peerGroupSize).toBe(0);
      expect(r.missing.map((m) => [m.code, m.reason])).toEqual([
        ['DE', 'insufficient_raters'],
        ['NENG', 'insufficient_raters'],
        ['QIN', 'insufficient_raters'],
        ['JI', 'insufficient_raters'],
        ['LIAN', 'insufficient_raters'],
      ]);
      expect(r.total).toBeGreaterThan(0);
      expect(r.total).toBeCloseTo(0.5 * annual.get(r.personId)!, 9);
    }
    const detail = (await office.get(`/api/results/${items[0].id}`)).json();
    expect(detail.result).toMatchObject({ complete: false, stale: false });
    const part = (detail.breakdown as Node[]).find((n) => n.code === 'ANNUAL')!;
    expect(part).toMatchObject({ weight: 50 });
    expect((detail.breakdown as Node[]).find((n) => n.code === 'DE')).toMatchObject({
      missing: 'insufficient_raters',
      attainment: 0,
    });
    expect(await t.db.select().from(consequences).where(eq(consequences.cycleId, term))).toEqual([]);
  });

  it('ignores cycles.rules changed behind the platform’s back after freezing', async () => {
    const term = cycle.term;
    const before = await results(term);
    await t.db.execute(
      sql`update cycles set rules = jsonb_set(jsonb_set(rules, '{annualShareForTerm}', '0'), '{missingData}', '"zero"') where id = ${term}`,
    );
    const res = (await office.post(`/api/cycles/${term}/compute?wait=true`)).json();
    expect(res).toMatchObject({ rescored: 0, rewritten: 0 });
    expect((await results(term)).map((r) => [r.id, r.total, r.complete])).toEqual(
      before.map((r) => [r.id, r.total, r.complete]),
    );
  });

  it('reports stale results after an input changes, and none after the recompute', async () => {
    const term = cycle.term;
    const status = await cycleResultStatus(t.db, term);
    const items = await results(term);
    expect(status).toMatchObject({ approvedPlans: items.length, withoutResult: [], stale: [] });
    expect(status.incomplete).toHaveLength(items.length);
    expect(status.incomplete[0].missing[0]).toMatchObject({ reason: 'insufficient_raters' });
    const leader = await leaderUser.login();
    const planId = items[0].planId;
    const rated = await leader.post(`/api/plans/${planId}/ratings`, {
      subjectType: 'superior',
      indicatorCode: 'DE',
      score: 88,
    });
    expect(rated.statusCode).toBe(201);
    expect((await cycleResultStatus(t.db, term)).stale).toEqual([planId]);
    await office.post(`/api/cycles/${term}/compute?wait=true`);
    expect((await cycleResultStatus(t.db, term)).stale).toEqual([]);
  });

  it('answers 409 rules_not_frozen when no frozen rules exist', async () => {
    const term = cycle.term;
    await t.db.execute(sql`update cycle_rule_versions set frozen_at = null where cycle_id = ${term}`);
    const res = await office.post(`/api/cycles/${term}/compute?wait=true`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('rules_not_frozen');
    expect((await cycleResultStatus(t.db, term)).stale.length).toBeGreaterThan(0);
    await t.db.execute(sql`update cycle_rule_versions set frozen_at = now() where cycle_id = ${term}`);
  });
});

describe('missing data under the cycle’s rule', () => {
  let planId: string;
  let codes: { data: string[]; veto: string[] };

  it('renormalise: a plan with part of its data reported is complete, its missing leaves excluded', async () => {
    const next = cycle.next;
    const { rules } = (await office.get(`/api/cycles/${next}/rules`)).json();
    const put = await office.put(`/api/cycles/${next}/rules`, {
      rules: { ...rules, missingData: 'renormalise' },
      note: '缺少数据的指标不计分',
    });
    expect(put.statusCode).toBe(200);
    const plans = (await office.get(`/api/plans?cycleId=${next}&appraiseeType=unit`)).json().items;
    planId = plans[0].id;
    // Approval has its own tests (plans); here only the scoring matters.
    await t.db.execute(sql`update plans set status = 'approved', approved_at = now() where id = ${planId}`);
    for (const to of ['execution', 'evaluation']) {
      const { checklist } = (await office.get(`/api/cycles/${next}/transition-check?to=${to}`)).json();
      const overrides = checklist
        .filter((c: { ok: boolean }) => !c.ok)
        .map((c: { code: string }) => ({ code: c.code, reason: '测试：其余计划仍为草稿' }));
      expect((await office.post(`/api/cycles/${next}/transition`, { to, overrides })).statusCode).toBe(200);
    }
    expect((await t.anon.get(`/api/public/cycles/${next}/regulations`)).json().rules.missingData).toBe(
      'renormalise',
    );

    // Report and verify the first data leaf of each of two first-level indicators, and the veto
    // leaves (a veto without its data cannot be decided: incomplete under any rule).
    const { tree } = (await office.get(`/api/plans/${planId}`)).json();
    const leaves = (n: {
      code: string;
      kind?: string;
      subjects?: unknown[];
      children?: unknown[];
    }): string[] =>
      n.children?.length
        ? (n.children as (typeof n)[]).flatMap(leaves)
        : (n.kind ?? 'normal') === 'normal' && !(n.subjects as unknown[] | undefined)?.length
          ? [n.code]
          : [];
    const firsts = (tree as { code: string; children?: unknown[] }[]).filter((n) => n.children?.length);
    const vetoes = (ns: { code: string; veto?: unknown; children?: unknown[] }[]): string[] =>
      ns.flatMap((n) => (n.children?.length ? vetoes(n.children as (typeof n)[]) : n.veto ? [n.code] : []));
    codes = { data: firsts.slice(0, 2).map((n) => leaves(n)[0]), veto: vetoes(tree) };
    expect(codes.veto.length).toBeGreaterThan(0);
    const report = await office.post(`/api/plans/${planId}/values/bulk`, {
      rows: [
        ...codes.data.map((indicatorCode) => ({ indicatorCode, period: '2032', value: 1 })),
        ...codes.veto.map((indicatorCode) => ({ indicatorCode, period: '2032', value: 0 })),
      ],
    });
    expect(report.statusCode).toBe(200);
    const values = (await office.get(`/api/plans/${planId}/values`)).json().items;
    const verifier = await verifierUser.login();
    for (const v of values)
      expect(
        (await verifier.post(`/api/values/${v.id}/verify`, { decision: 'verified', version: v.version }))
          .statusCode,
      ).toBe(200);

    const res = await office.post(`/api/cycles/${next}/compute?wait=true`);
    expect(res.statusCode).toBe(200);
    const r: Result = res.json().items.find((x: Result) => x.planId === planId);
    expect(r.complete).toBe(true);
    expect(r.grade).not.toBeNull();
    expect(r.rank).toBe(1);
    expect(r.missing.length).toBeGreaterThan(0);
    expect(r.missing.map((m) => m.code)).not.toContain(codes.data[0]);
    const detail = (await office.get(`/api/results/${r.id}`)).json();
    const breakdown: Node[] = detail.breakdown;
    const normal = breakdown.filter((n) => n.kind === 'normal');
    // Only the first-level indicators with a reported leaf are left; their weights fill the 100.
    const kept = normal.filter((n) => !n.excluded);
    const reported = new Set([...codes.data, ...codes.veto]);
    expect(kept.map((n) => n.code)).toEqual(
      firsts.filter((f) => leaves(f).some((c) => reported.has(c))).map((f) => f.code),
    );
    expect(kept.length).toBeLessThan(normal.length);
    expect(r.veto).toMatchObject({ triggered: false });
    const all = normal.reduce((s, n) => s + n.weight, 0);
    const present = kept.reduce((s, n) => s + n.weight, 0);
    for (const n of kept) {
      expect(n.contribution).toBeCloseTo((n.weight / present) * (all / 100) * n.attainment, 9);
      // Inside, the one present leaf carries its parent: renormalised to the whole weight.
      const leaf = n.children!.find((c) => !c.excluded && !c.children?.length && c.kind === 'normal')!;
      expect(n.attainment).toBeCloseTo(leaf.attainment, 9);
      expect(n.children!.filter((c) => c.missing).every((c) => c.excluded && c.contribution === 0)).toBe(
        true,
      );
    }
    const sum = breakdown.reduce((s, n) => s + n.contribution, 0);
    expect(sum).toBeCloseTo(r.total, 9);
  });

  it('incomplete (the default): unreported and unverified leaves leave the result without grade or rank', async () => {
    const next = cycle.next;
    // One more value, reported but not verified: missing as 'unverified', not 'unreported'.
    const { tree } = (await office.get(`/api/plans/${planId}`)).json();
    const third = (tree as { code: string; children?: { code: string; subjects?: unknown[] }[] }[])
      .filter((n) => n.children?.length)[2]
      .children!.find((c) => !c.subjects?.length)!.code;
    expect(
      (await office.post(`/api/plans/${planId}/values`, { indicatorCode: third, period: '2032', value: 1 }))
        .statusCode,
    ).toBe(201);
    // The same inputs under the default rule: rather than set up a second cycle, its frozen version
    // loses the rule in place (tests only; the platform never edits a frozen version).
    await t.db.execute(
      sql`update cycle_rule_versions set rules = rules - 'missingData' where cycle_id = ${next} and frozen_at is not null`,
    );
    const res = await office.post(`/api/cycles/${next}/compute?wait=true`);
    const r: Result = res.json().items.find((x: Result) => x.planId === planId);
    expect(r).toMatchObject({
      complete: false,
      grade: null,
      rank: null,
      gradeByScore: null,
      sensitivity: null,
    });
    expect(r.consequences).toEqual([]);
    expect(r.missing.find((m) => m.code === third)).toMatchObject({ reason: 'unverified' });
    expect(r.missing.some((m) => m.reason === 'unreported')).toBe(true);
    expect(r.missing.map((m) => m.code)).not.toContain(codes.data[0]);
    // Every result row written is audited with its hash (the plan approved by SQL above is not).
    const verify = (await office.get('/api/audit/verify')).json();
    expect(verify.problems.filter((p: { message: string }) => /^result:/.test(p.message))).toEqual([]);
    // The bulk path (packed reads, unverified values flagged in them) finds the same: every plan
    // of the cycle rescored from packed rows, the figures unchanged.
    await t.db.execute(
      sql`insert into plan_input_versions (plan_id, version) select id, 1 from plans where cycle_id = ${next}
          on conflict (plan_id) do update set version = plan_input_versions.version + 1`,
    );
    const bulk = await computeCycleResults(t.db, systemActor(), next, { bulkFrom: 1 });
    expect(bulk.rescored).toBe(bulk.count);
    const again = (await results(next)).find((x) => x.planId === planId)!;
    expect([again.complete, again.total, again.missing]).toEqual([r.complete, r.total, r.missing]);
  });
});
