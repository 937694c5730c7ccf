import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { buildTestApp, type TestApp } from '../../../test/helper';

// Issue 15, "public pages that explain": what the portal's result page reads from the public API — the
// per-indicator breakdown and the veto that capped a grade — and what it must never carry.
let t: TestApp;

interface Node {
  code: string;
  attainment: number;
  contribution: number;
  weight: number;
  children?: Node[];
}
const flat = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...flat(n.children ?? [])]);

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

async function resultOf(cycleCode: string, where: ReturnType<typeof sql>) {
  const rows = await rowsOf<{ id: string }>(
    t.db,
    sql`select r.id from results r join plans p on p.id = r.plan_id join cycles c on c.id = r.cycle_id
        join org_units o on o.id = p.org_unit_id where c.code = ${cycleCode} and ${where} limit 1`,
  );
  return rows[0]?.id;
}

describe('public result explained', () => {
  it('北山区 2025: per-indicator breakdown and the veto that capped the grade', async () => {
    const id = await resultOf('2025-annual', sql`o.code = 'bs' and p.appraisee_type = 'unit'`);
    expect(id).toBeTruthy();
    const res = await t.anon.get(`/api/public/results/${id}`);
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
    expect(body.result.total).toBeCloseTo(72.5, 1);
    expect(body.result.grade).toBe('unqualified');
    expect(body.result.gradeByScore).not.toBe('unqualified');
    expect(body.result.veto.triggered).toBe(true);
    expect(body.result.veto.mode).toBe('unqualified');
    expect(body.result.veto.codes.length).toBeGreaterThan(0);
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
    const id = await resultOf('2021-2025-term', sql`true`);
    if (!id) return; // the term cycle may have no computed result yet: nothing to leak then
    const res = await t.anon.get(`/api/public/results/${id}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('breakdown');
  });

  it("a cadre's personnel consequences stay hidden under the default policy", async () => {
    const rows = await rowsOf<{ result_id: string; kind: string }>(
      t.db,
      sql`select k.result_id, k.kind from consequences k join results r on r.id = k.result_id
          join plans p on p.id = r.plan_id join cycles c on c.id = r.cycle_id
          where c.code = '2025-annual' and p.appraisee_type = 'cadre' limit 1`,
    );
    expect(rows.length, 'a 2025 cadre has a consequence in the demo city').toBe(1);
    const res = await t.anon.get(`/api/public/results/${rows[0].result_id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { result: { consequences: unknown[] }; breakdown: Node[] };
    expect(body.result.consequences).toEqual([]);
    expect(body.breakdown.length).toBeGreaterThan(0);
  });

  it('a result whose inputs changed since it was computed shows no breakdown to the public', async () => {
    const id = await resultOf('2025-annual', sql`o.code = 'bs' and p.appraisee_type = 'unit'`);
    // An input written since: the plan's inputs counter moves (as the triggers on values and ratings
    // move it), so neither the stored key nor a key a rescore reproduced (result_inputs) matches.
    await t.db.execute(sql`insert into plan_input_versions (plan_id, version)
      select plan_id, 1000000 from results where id = ${id}
      on conflict (plan_id) do update set version = plan_input_versions.version + 1`);
    const res = await t.anon.get(`/api/public/results/${id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { result: { stale: boolean; total: number }; breakdown: Node[] };
    expect(body.result.stale).toBe(true);
    expect(body.result.total).toBeCloseTo(72.5, 1);
    expect(body.breakdown).toEqual([]);
  });
});
