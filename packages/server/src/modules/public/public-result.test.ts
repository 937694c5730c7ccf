import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { DEFAULT_CONSEQUENCE_RULES } from '../evaluation/rules';
import { factory, VETO_TREE } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';

// Issue 15, "public pages that explain": what the portal's result page reads from the public API — the
// per-indicator breakdown and the veto that capped a grade — and what it must never carry.
let t: TestApp;
/** The unit's published result, capped by a veto; the cadre's published result; a computed, unpublished one. */
const id = { unit: '', cadre: '', unpublished: '' };

interface Node {
  code: string;
  attainment: number;
  contribution: number;
  weight: number;
  children?: Node[];
}
const flat = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...flat(n.children ?? [])]);

/** A1 at 90 of 100 (72 points), one major accident: 72 by score, unqualified by the veto. */
const TOTAL = 72;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'pubres');
  const office = await f.office();
  const verifier = (await f.user([{ role: 'verifier' }])).actor;
  const unit = await f.org();
  const report = async (planId: string, year: number, a1: number, a2: number) =>
    f.values(
      planId,
      [
        { indicatorCode: 'A1', period: String(year), value: a1 },
        { indicatorCode: 'A2', period: String(year), value: a2 },
      ],
      { by: office, verifyAs: verifier },
    );

  // The published cycle, with the default consequence rules (a cadre's admonishment, accountability …).
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  await f.rules(cycle.id, { consequenceRules: DEFAULT_CONSEQUENCE_RULES });
  const unitPlan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id, tree: VETO_TREE });
  const cadrePlan = await f.plan({
    cycleId: cycle.id,
    orgUnitId: unit.id,
    personId: (await f.person({ orgUnitId: unit.id })).id,
    tree: VETO_TREE,
  });
  await report(unitPlan.id, 2031, 90, 1);
  await report(cadrePlan.id, 2031, 90, 1);
  await f.results(cycle.id, { publish: true });

  // A later cycle, computed but not published.
  const later = await f.cycle({ year: 2032, stage: 'planning' });
  const laterPlan = await f.plan({ cycleId: later.id, orgUnitId: unit.id, tree: VETO_TREE });
  await report(laterPlan.id, 2032, 95, 0);
  await f.results(later.id);

  const resultOf = async (planId: string) =>
    (await rowsOf<{ id: string }>(t.db, sql`select id from results where plan_id = ${planId}`))[0].id;
  id.unit = await resultOf(unitPlan.id);
  id.cadre = await resultOf(cadrePlan.id);
  id.unpublished = await resultOf(laterPlan.id);
});
afterAll(() => t.close());

describe('public result explained', () => {
  it('a unit: per-indicator breakdown and the veto that capped the grade', async () => {
    const res = await t.anon.get(`/api/public/results/${id.unit}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      result: {
        total: number;
        grade: string;
        gradeByScore: string;
        veto: { triggered: boolean; codes: string[]; mode: string };
      };
      breakdown: Node[];
    };
    expect(body.result.total).toBeCloseTo(TOTAL, 1);
    expect(body.result.grade).toBe('unqualified');
    expect(body.result.gradeByScore).not.toBe('unqualified');
    expect(body.result.veto.triggered).toBe(true);
    expect(body.result.veto.mode).toBe('unqualified');
    expect(body.result.veto.codes).toEqual(['A2']);
    const nodes = flat(body.breakdown);
    // Every vetoed indicator is in the breakdown, below full marks (what the portal names and explains).
    for (const code of body.result.veto.codes) {
      const node = nodes.find((n) => n.code === code);
      expect(node, code).toBeDefined();
      expect(node!.attainment).toBeLessThan(100);
    }
    // The first level's contributions add up to the published total (with bonus and deduction).
    const sum = body.breakdown.reduce((s, n) => s + n.contribution, 0);
    expect(sum).toBeCloseTo(body.result.total, 1);
  });

  it('results of a cycle not yet published are not found', async () => {
    const res = await t.anon.get(`/api/public/results/${id.unpublished}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('breakdown');
  });

  it("a cadre's personnel consequences stay hidden under the default policy", async () => {
    const rows = await rowsOf<{ result_id: string; kind: string }>(
      t.db,
      sql`select result_id, kind from consequences where result_id = ${id.cadre}`,
    );
    expect(rows.length, 'the cadre has a consequence').toBeGreaterThan(0);
    const res = await t.anon.get(`/api/public/results/${id.cadre}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { result: { consequences: unknown[] }; breakdown: Node[] };
    expect(body.result.consequences).toEqual([]);
    expect(body.breakdown.length).toBeGreaterThan(0);
  });

  it('a result whose inputs changed since it was computed shows no breakdown to the public', async () => {
    // An input written since: the plan's inputs counter moves (as the triggers on values and ratings
    // move it), so neither the stored key nor a key a rescore reproduced (result_inputs) matches.
    await t.db.execute(sql`insert into plan_input_versions (plan_id, version)
      select plan_id, 1000000 from results where id = ${id.unit}
      on conflict (plan_id) do update set version = plan_input_versions.version + 1`);
    const res = await t.anon.get(`/api/public/results/${id.unit}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { result: { stale: boolean; total: number }; breakdown: Node[] };
    expect(body.result.stale).toBe(true);
    expect(body.result.total).toBeCloseTo(TOTAL, 1);
    expect(body.breakdown).toEqual([]);
  });
});
