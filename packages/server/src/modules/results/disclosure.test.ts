import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeBundle, type OpenDataBundle } from '@perfcommons/domain';
import { rowsOf } from '../../db/client';
import { DEFAULT_CONSEQUENCE_RULES } from '../evaluation/rules';
import { factory, type Factory, VETO_TREE } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

// Issue 14: what the public sees of a cycle is one policy, applied on every public path.
let t: TestApp;
let f: Factory;
let cycleId: string;
/** The office, a city leader (an evaluator without a unit in scope) and a unit's manager. */
let office: Client;
let leader: Client;
let manager: Client;
/**
 * A cadre's result of the published cycle with a personnel consequence of a kind no unit has (so
 * the kind's absence from a whole export proves the cadres' consequences are withheld), and that kind.
 */
let cadre: { resultId: string; kind: string; name: string };
let unitResultId: string;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t, 'disclosure');
  const officeActor = await f.office();
  const verifier = (await f.user([{ role: 'verifier' }])).actor;
  // A published cycle under the default consequence rules: two units graded excellent and good (a
  // bonus coefficient, as units get), and a cadre at 68, basically qualified: an admonishment, which
  // the rules give cadres only.
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  cycleId = cycle.id;
  await f.rules(cycleId, { consequenceRules: DEFAULT_CONSEQUENCE_RULES });
  const report = (planId: string, a1: number) =>
    f.values(
      planId,
      [
        { indicatorCode: 'A1', period: '2031', value: a1 },
        { indicatorCode: 'A2', period: '2031', value: 0 },
      ],
      { by: officeActor, verifyAs: verifier },
    );
  const units = [await f.org(), await f.org()];
  for (const [i, a1] of [95, 80].entries())
    await report((await f.plan({ cycleId, orgUnitId: units[i].id, tree: VETO_TREE })).id, a1);
  const person = await f.person({ orgUnitId: units[0].id, name: '测试干部 披露' });
  await report(
    (await f.plan({ cycleId, orgUnitId: units[0].id, personId: person.id, tree: VETO_TREE })).id,
    60,
  );
  await f.results(cycleId, { publish: true });
  office = await (await f.user([{ role: 'office' }])).login();
  leader = await (await f.user([{ role: 'evaluator' }])).login();
  manager = await (await f.user([{ role: 'unit_manager', orgUnitId: units[1].id }])).login();
  const rows = await rowsOf<{ result_id: string; kind: string; name: string }>(
    t.db,
    sql`select c.result_id, c.kind, pe.name from consequences c
        join results r on r.id = c.result_id join plans p on p.id = r.plan_id
        join people pe on pe.id = p.person_id
        where c.cycle_id = ${cycleId} and p.appraisee_type = 'cadre'
          and not exists (select 1 from consequences u join results ur on ur.id = u.result_id
                          join plans up on up.id = ur.plan_id
                          where u.cycle_id = c.cycle_id and u.kind = c.kind and up.appraisee_type <> 'cadre')
        order by c.kind limit 1`,
  );
  expect(rows.length, 'the cycle gives its cadre a consequence no unit has').toBe(1);
  expect(rows[0].kind).toBe('admonishment');
  cadre = { resultId: rows[0].result_id, kind: rows[0].kind, name: rows[0].name };
  [{ id: unitResultId }] = await rowsOf<{ id: string }>(
    t.db,
    sql`select r.id from results r join plans p on p.id = r.plan_id
        where r.cycle_id = ${cycleId} and p.appraisee_type = 'unit' limit 1`,
  );
});
afterAll(() => t.close());

/** Every public way out of the cycle's results, each as text (what a reader could find the kind in). */
async function publicPaths() {
  const out: Record<string, { status: number; text: string }> = {};
  const take = async (name: string, url: string) => {
    const res = await t.anon.get(url);
    out[name] = { status: res.statusCode, text: res.body };
    return res;
  };
  await take('public list', `/api/public/results?cycleId=${cycleId}`);
  await take('public result', `/api/public/results/${cadre.resultId}`);
  await take('public revisions', `/api/public/results/${cadre.resultId}/revisions`);
  await take('officials API, anonymous', `/api/results/${cadre.resultId}`);
  await take('officials API revisions, anonymous', `/api/results/${cadre.resultId}/revisions`);
  // The bundle's regulations state the consequence rules (public law, also /regulations/text); what
  // is withheld is who got which consequence: the rest of the bundle.
  const { regulations: _rules, ...data } = (
    await take('bundle', `/api/public/cycles/${cycleId}/bundle`)
  ).json();
  out['bundle data'] = { status: 200, text: JSON.stringify(data) };
  await take('csv', `/api/public/cycles/${cycleId}/results.csv?lang=en`);
  const xlsx = await t.app.inject({
    method: 'GET',
    url: `/api/public/cycles/${cycleId}/results.xlsx?lang=en`,
  });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.worksheets[0].eachRow((row) => cells.push(JSON.stringify(row.values)));
  out.xlsx = { status: xlsx.statusCode, text: cells.join('\n') };
  // A city leader (evaluator) is an official but has no unit in scope: the public view.
  const res = await leader.get(`/api/cycles/${cycleId}/results`);
  out['evaluator, cycle results'] = { status: res.statusCode, text: res.body };
  return out;
}

const kindsOf = (bundle: OpenDataBundle, resultId: string) =>
  bundle.results.find((r) => r.id === resultId)?.consequences;

describe('disclosure policy', () => {
  it('by default: a cadre grade is public, the consequence leaves through no public path', async () => {
    const policy = (await t.anon.get(`/api/public/cycles/${cycleId}/disclosure`)).json();
    expect(policy).toEqual({
      unitResults: true,
      cadreGrades: true,
      cadreConsequences: false,
      isDefault: true,
    });
    const paths = await publicPaths();
    for (const [name, { status, text }] of Object.entries(paths).filter(([n]) => n !== 'bundle')) {
      expect(status, name).toBe(200);
      expect(text.includes(cadre.kind), `${name} must not hold ${cadre.kind}`).toBe(false);
    }
    // The cadre is still listed with a grade, and the office still sees the consequence.
    const listed = JSON.parse(paths['public list'].text).items.find(
      (r: { id: string }) => r.id === cadre.resultId,
    );
    expect(listed).toMatchObject({ appraiseeName: cadre.name, consequences: [] });
    expect(listed.grade).not.toBeNull();
    expect((await office.get(`/api/results/${cadre.resultId}`)).body).toContain(cadre.kind);
    // The bundle says what it withholds, and still recomputes without a difference.
    const bundle = JSON.parse(paths.bundle.text) as OpenDataBundle;
    expect(bundle.disclosure).toMatchObject({ cadreGrades: true, cadreConsequences: false });
    expect(kindsOf(bundle, cadre.resultId)).toEqual([]);
    expect(recomputeBundle(bundle).differences).toEqual([]);
  });

  it('the office allows consequences: they appear on every public path', async () => {
    const res = await office.put(`/api/cycles/${cycleId}/disclosure`, {
      unitResults: true,
      cadreGrades: true,
      cadreConsequences: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ cadreConsequences: true, isDefault: false });
    const paths = await publicPaths();
    for (const name of ['public list', 'public result', 'officials API, anonymous', 'bundle', 'csv', 'xlsx'])
      expect(paths[name].text.includes(cadre.kind), `${name} holds ${cadre.kind}`).toBe(true);
    const bundle = JSON.parse(paths.bundle.text) as OpenDataBundle;
    expect(kindsOf(bundle, cadre.resultId)).toContain(cadre.kind);
    expect(recomputeBundle(bundle).differences).toEqual([]);
    // Audited, and the chain still verifies.
    const [entry] = await rowsOf<{ data: { after: { cadreConsequences: boolean } } }>(
      t.db,
      sql`select data from audit_log where action = 'cycle.disclosure' and entity_id = ${cycleId}`,
    );
    expect(entry.data.after.cadreConsequences).toBe(true);
    const verify = (await office.get('/api/audit/verify')).json();
    expect(verify.ok, JSON.stringify(verify)).toBe(true);
  });

  it('without cadre grades a cadre result is not public at all; unit results stay', async () => {
    const bad = await office.put(`/api/cycles/${cycleId}/disclosure`, {
      unitResults: true,
      cadreGrades: false,
      cadreConsequences: true,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ path: 'cadreConsequences', message: 'requires cadreGrades' }]);
    expect(
      (
        await office.put(`/api/cycles/${cycleId}/disclosure`, {
          unitResults: true,
          cadreGrades: false,
          cadreConsequences: false,
        })
      ).statusCode,
    ).toBe(200);
    expect((await t.anon.get(`/api/public/results/${cadre.resultId}`)).statusCode).toBe(404);
    expect((await t.anon.get(`/api/public/results/${cadre.resultId}/revisions`)).statusCode).toBe(404);
    expect((await t.anon.get(`/api/results/${cadre.resultId}`)).statusCode).toBe(404);
    expect((await t.anon.get(`/api/public/results/${unitResultId}`)).statusCode).toBe(200);
    const list = (await t.anon.get(`/api/public/results?cycleId=${cycleId}`)).json().items as {
      appraiseeType: string;
    }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((r) => r.appraiseeType !== 'cadre')).toBe(true);
    const bundle = (await t.anon.get(`/api/public/cycles/${cycleId}/bundle`)).json() as OpenDataBundle;
    expect(bundle.plans.every((p) => p.appraiseeType !== 'cadre')).toBe(true);
    expect(bundle.results.some((r) => r.id === cadre.resultId)).toBe(false);
    expect((await t.anon.get(`/api/public/cycles/${cycleId}/results.csv`)).body).not.toContain(cadre.name);
    // The cadre and the office still see it.
    expect((await office.get(`/api/results/${cadre.resultId}`)).statusCode).toBe(200);
  });

  it('only the office sets the policy', async () => {
    const body = { unitResults: true, cadreGrades: true, cadreConsequences: true };
    expect((await t.anon.put(`/api/cycles/${cycleId}/disclosure`, body)).statusCode).toBe(401);
    expect((await manager.put(`/api/cycles/${cycleId}/disclosure`, body)).statusCode).toBe(403);
  });
});
