import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { recomputeBundle, type OpenDataBundle } from '@perfcommons/domain';
import { people, results } from '../../db/schema';
import { approvePlan, saveTree, submitPlan } from '../plans/service';
import { createPlan } from '../plans/setup';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type Factory } from '../../../test/factories';

let t: TestApp;
let f: Factory;
let office: Client;
let cycleId: string;
const plan = { a: '', b: '', cadre: '' };
let body: string;
let bundle: OpenDataBundle;
const dir = mkdtempSync(path.join(tmpdir(), 'pc-findings-bundle-'));

/** One measured leaf and a deduction item for findings (1 point per unit, capped at 5). */
const TREE: IndicatorNodeInput[] = [
  {
    code: 'S',
    name: '政务服务',
    weight: 100,
    children: [
      {
        code: 'S1',
        name: '12345 按期办结率',
        weight: 100,
        unit: '%',
        rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
    ],
  },
  {
    code: 'H1',
    name: '审计、巡察、财政问题扣分',
    weight: 5,
    kind: 'deduction',
    unit: '项',
    rule: { type: 'perUnit', points: 1 },
  },
];

const finding = (planId: string, kind: string, points: number, n: number) => ({
  planId,
  indicatorCode: 'H1',
  kind,
  docTitle: `关于测试单位2031年度问题的${kind === 'audit' ? '审计报告' : kind === 'finance' ? '财政检查通报' : '巡察反馈'}`,
  docNumber: `测〔2031〕${n}号`,
  docDate: `2031-0${n}-15`,
  description: `内部说明 ${n}：不得出现在开放数据中`,
  points,
});

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  const a = await f.office();
  office = await t.as((await f.user([{ role: 'office' }])).username);
  const cycle = await f.cycle({ stage: 'planning', year: 2031 });
  cycleId = cycle.id;
  const unitA = await f.org();
  const unitB = await f.org();
  plan.a = (await f.plan({ cycleId, orgUnitId: unitA.id, tree: TREE })).id;
  plan.b = (await f.plan({ cycleId, orgUnitId: unitB.id, tree: TREE })).id;
  // The cadre heading unit A, with a plan of the same tree.
  const [person] = await t.db
    .insert(people)
    .values({ code: `${unitA.code}-head`, name: '测试局长', position: '局长', orgUnitId: unitA.id })
    .returning();
  const created = await createPlan(t.db, a, {
    appraiseeType: 'cadre',
    cycleId,
    personId: person.id,
    source: { kind: 'template', template: 'blank' },
    ownerId: null,
  });
  const saved = await saveTree(t.db, a, created.plan.id, { tree: TREE, version: created.plan.version });
  await submitPlan(t.db, a, saved.plan.id, { lintOverride: { reason: 'test: minimal tree' } });
  await approvePlan(t.db, a, saved.plan.id, {});
  plan.cadre = saved.plan.id;

  const verifier = await f.user([{ role: 'verifier' }]);
  for (const [id, value] of [
    [plan.a, 90],
    [plan.b, 80],
    [plan.cadre, 70],
  ] as const)
    await f.values(id, [{ indicatorCode: 'S1', period: '2031', value }], { by: a, verifyAs: verifier.actor });
  await f.stage(cycleId, 'evaluation');

  // Unit A: an audit finding (2 points) and a finance one (1 point); the cadre: an inspection finding
  // (1.5 points); unit B: one finding, withdrawn.
  for (const body of [
    finding(plan.a, 'audit', 2, 3),
    finding(plan.a, 'finance', 1, 5),
    finding(plan.cadre, 'discipline', 1.5, 4),
  ]) {
    const res = await office.post(`/api/cycles/${cycleId}/findings`, body);
    expect(res.statusCode, res.body).toBe(201);
  }
  const withdrawn = await office.post(`/api/cycles/${cycleId}/findings`, finding(plan.b, 'audit', 2, 6));
  const w = await office.post(`/api/findings/${withdrawn.json().finding.id}/withdraw`, {
    reason: '整改复核后撤销',
  });
  expect(w.statusCode, w.body).toBe(200);

  expect((await office.post(`/api/cycles/${cycleId}/compute?wait=true`)).statusCode).toBe(200);
  await f.stage(cycleId, 'feedback');
  const pub = await office.post(`/api/cycles/${cycleId}/publish-results`, {});
  expect(pub.statusCode, pub.body).toBe(200);
  const res = await t.anon.get(`/api/public/cycles/${cycleId}/bundle`);
  expect(res.statusCode, res.body).toBe(200);
  body = res.body;
  bundle = JSON.parse(body);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

describe('findings in the open data bundle', () => {
  it('the published results carry the findings’ deductions', async () => {
    const deduction = async (planId: string) =>
      (await t.db.select().from(results).where(eq(results.planId, planId)))[0];
    // Unit A: 90 − (2 + 1) = 87; unit B: 80 (the withdrawn finding deducts nothing).
    expect((await deduction(plan.a)).deduction).toBeCloseTo(3, 9);
    expect((await deduction(plan.a)).total).toBeCloseTo(87, 9);
    expect((await deduction(plan.b)).deduction).toBe(0);
    expect((await deduction(plan.cadre)).deduction).toBeCloseTo(1.5, 9);
  });

  it('lists active findings with their source document, within the disclosure policy', () => {
    const units = bundle.findings!.filter((x) => x.planId === plan.a);
    expect(units).toEqual([
      {
        planId: plan.a,
        indicatorCode: 'H1',
        kind: 'audit',
        docTitle: '关于测试单位2031年度问题的审计报告',
        docNumber: '测〔2031〕3号',
        docDate: '2031-03-15',
        points: 2,
      },
      {
        planId: plan.a,
        indicatorCode: 'H1',
        kind: 'finance',
        docTitle: '关于测试单位2031年度问题的财政检查通报',
        docNumber: '测〔2031〕5号',
        docDate: '2031-05-15',
        points: 1,
      },
    ]);
    // The default policy withholds a cadre's consequences: the item's points only, no kind or document.
    expect(bundle.findings!.filter((x) => x.planId === plan.cadre)).toEqual([
      { planId: plan.cadre, indicatorCode: 'H1', points: 1.5, summarised: true },
    ]);
    expect(bundle.findings!.some((x) => x.planId === plan.b)).toBe(false);
    expect(body).not.toContain('巡察反馈');
    expect(body).not.toContain('不得出现在开放数据中');
  });

  it('verify-bundle recomputes every result including the deductions, and needs the findings to', () => {
    expect(recomputeBundle(bundle)).toEqual({ results: 3, differences: [] });
    const bin = path.resolve(import.meta.dirname, '../../../bin/perfcommons.js');
    const good = path.join(dir, 'good.json');
    writeFileSync(good, body);
    const ok = spawnSync(process.execPath, [bin, 'verify-bundle', good], { encoding: 'utf8' });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/All 3 published results recomputed/);

    // Without the findings, unit A and the cadre recompute 3 and 1.5 points higher.
    const stripped = { ...structuredClone(bundle), findings: [] };
    const { differences } = recomputeBundle(stripped);
    const of = (planId: string, field: string) =>
      differences.find((d) => d.planId === planId && d.field === field);
    expect(of(plan.a, 'deduction')).toMatchObject({ published: 3, recomputed: 0 });
    expect(of(plan.a, 'total')).toMatchObject({ published: 87, recomputed: 90 });
    expect(of(plan.cadre, 'deduction')).toMatchObject({ published: 1.5, recomputed: 0 });
    expect(differences.some((d) => d.planId === plan.b)).toBe(false);
    const bad = path.join(dir, 'stripped.json');
    writeFileSync(bad, JSON.stringify(stripped));
    const no = spawnSync(process.execPath, [bin, 'verify-bundle', bad], { encoding: 'utf8' });
    expect(no.status, no.stdout + no.stderr).toBe(1);
    expect(no.stdout).toMatch(/DIFFERS .*deduction published 3, recomputed 0/);
  });
});
