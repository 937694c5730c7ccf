import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeBundle, type OpenDataBundle } from '@perfcommons/domain';
import { rowsOf } from '../../db/client';
import { factory, type FactoryAppraisal } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { departmentTree } from '../plans/templates';
import { DEFAULT_CONSEQUENCE_RULES } from '../evaluation/rules';
import { safeText } from './export';

let t: TestApp;
let cycleId: string;
/** A later cycle in planning: nothing published. */
let laterId: string;
let built: FactoryAppraisal;
let body: string;
let bundle: OpenDataBundle;
const dir = mkdtempSync(path.join(tmpdir(), 'pc-bundle-'));

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'od');
  // A published annual cycle with the demo's rules: 24 units in three peer groups with four cadres
  // each (120 results), panels of five per subject, a published satisfaction survey of four units.
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  cycleId = cycle.id;
  await f.rules(cycleId, {
    trimEachSide: 1,
    minRaters: 3,
    unitShareForCadres: 0.2,
    consequenceRules: DEFAULT_CONSEQUENCE_RULES,
  });
  built = await f.appraisal({
    cycleId,
    groups: [
      { kind: 'department', units: 8 },
      { kind: 'department', units: 8 },
      { kind: 'district', units: 8 },
    ],
    cadresPerUnit: 4,
    panel: { superior: 5, peer: 5, deputy: 5, public: 5 },
    veto: 16,
    survey: { units: 4, respondents: 160 },
    publish: true,
  });
  const later = await f.cycle({ year: 2032, stage: 'planning' });
  laterId = later.id;
  await f.plan({ cycleId: laterId, orgUnitId: built.units[0].id, tree: departmentTree(), status: 'draft' });

  const res = await t.anon.get(`/api/public/cycles/${cycleId}/bundle`);
  expect(res.statusCode, res.body).toBe(200);
  body = res.body;
  bundle = JSON.parse(body);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('open data bundle', () => {
  it('is served with its SHA-256 as ETag, answers 304 to it, and the digest endpoint agrees', async () => {
    const res = await t.anon.get(`/api/public/cycles/${cycleId}/bundle`);
    expect(res.headers.etag).toBe(`"${sha(body)}"`);
    expect(res.body).toBe(body); // same published data, same bytes
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/public/cycles/${cycleId}/bundle`,
      headers: { 'if-none-match': `"${sha(body)}"` },
    });
    expect(again.statusCode).toBe(304);
    const digest = (await t.anon.get(`/api/public/cycles/${cycleId}/bundle/digest`)).json();
    expect(digest).toMatchObject({ sha256: sha(body), bytes: Buffer.byteLength(body) });
  });

  it('holds regulations, trees, values with period, panels, estimates and results with revisions', () => {
    expect(bundle.format).toBe('perfcommons-open-data');
    expect(bundle.regulations.gradeScheme.bands.length).toBeGreaterThan(1);
    expect(bundle.regulations.rules).toMatchObject({
      trimEachSide: expect.any(Number),
      missingData: expect.any(String),
    });
    expect(bundle.plans.length).toBe(bundle.results.length);
    expect(bundle.results.length).toBeGreaterThan(100);
    expect(bundle.results.length).toBe(built.units.length + built.cadres.length);
    expect(bundle.results.every((r) => r.revision !== null && r.revision >= 1)).toBe(true);
    expect(bundle.values[0]).toEqual({
      planId: expect.any(String),
      indicatorCode: expect.any(String),
      period: expect.any(String),
      value: expect.any(Number),
    });
    expect(bundle.panels.some((p) => p.ratings && p.ratings.length >= bundle.disclosure.panelMinimum)).toBe(
      true,
    );
    expect(bundle.surveyEstimates.length).toBeGreaterThan(0);
    // One estimate per surveyed unit (its one public leaf), from the published survey.
    expect(bundle.surveyEstimates.map((e) => e.planId).sort()).toEqual([...built.survey!.planIds].sort());
    expect(bundle.surveyEstimates.every((e) => e.survey === built.survey!.code)).toBe(true);
  });

  it('contains no personal data: no user ids, names of accounts, e-mails or rater identities', async () => {
    const ids = await rowsOf<{ id: string; username: string }>(t.db, sql`select id, username from users`);
    for (const u of ids) {
      expect(body).not.toContain(u.id);
      expect(body).not.toContain(`"${u.username}"`);
    }
    expect(body).not.toMatch(/raterId|userId|email|phone|@example/);
    // A panel under the disclosure minimum shows no individual scores.
    for (const p of bundle.panels)
      if (p.raters < bundle.disclosure.panelMinimum) expect(p.ratings).toBeUndefined();
  });

  it('recomputes every published result from the bundle alone', () => {
    const { results, differences } = recomputeBundle(bundle);
    expect(differences).toEqual([]);
    expect(results).toBe(bundle.results.length);
  });

  it('a bundle with one changed number fails, naming the result', () => {
    const forged = structuredClone(bundle);
    const target = forged.results.find((r) => r.complete)!;
    target.total += 0.5;
    const { differences } = recomputeBundle(forged);
    expect(differences).toContainEqual(
      expect.objectContaining({ resultId: target.id, field: 'total', published: target.total }),
    );
    // An input changed instead: the published result no longer follows from it.
    const input = structuredClone(bundle);
    const disclosed = input.panels.find((p) => p.ratings && p.ratings.length >= 5)!;
    disclosed.ratings = disclosed.ratings!.map((r) => ({ ...r, score: 0 }));
    expect(recomputeBundle(input).differences.some((d) => d.planId === disclosed.planId)).toBe(true);
  });

  it('npx perfcommons verify-bundle exits 0 on the true bundle and 1 on a tampered one', () => {
    const bin = path.resolve(import.meta.dirname, '../../../bin/perfcommons.js');
    const good = path.join(dir, 'good.json');
    writeFileSync(good, body);
    const ok = spawnSync(process.execPath, [bin, 'verify-bundle', good], { encoding: 'utf8' });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(sha(body));
    expect(ok.stdout).toMatch(/identical/);

    const forged = structuredClone(bundle);
    const target = forged.results.find((r) => r.grade !== null)!;
    target.grade = target.grade === 'excellent' ? 'good' : 'excellent';
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(forged));
    const no = spawnSync(process.execPath, [bin, 'verify-bundle', bad], { encoding: 'utf8' });
    expect(no.status, no.stdout + no.stderr).toBe(1);
    expect(no.stdout).toContain(`result ${target.id}): grade`);
  });

  it('explains each leaf with its input period, verification status and formula', async () => {
    // A unit result (cadres are rated, not measured): its leaves have reported values.
    const valued = new Set(bundle.values.map((v) => v.planId));
    const r = bundle.results.find((x) => x.complete && valued.has(x.planId))!;
    const { breakdown } = (await t.anon.get(`/api/public/results/${r.id}`)).json();
    type Node = {
      children?: Node[];
      input?: { period: string; status: string };
      formula?: { zh: string; en: string };
    };
    const leaves = (ns: Node[]): Node[] => ns.flatMap((n) => (n.children?.length ? leaves(n.children) : [n]));
    const withInput = leaves(breakdown).filter((n) => n.input);
    expect(withInput.length).toBeGreaterThan(0);
    expect(withInput[0].input).toMatchObject({ period: expect.stringMatching(/^\d{4}/), status: 'verified' });
    expect(leaves(breakdown).some((n) => n.formula?.en && n.formula.zh)).toBe(true);
  });

  it('is 404 for a cycle whose results are not published', async () => {
    expect((await t.anon.get(`/api/public/cycles/${laterId}/bundle`)).statusCode).toBe(404);
  });
});

describe('spreadsheets of published results', () => {
  it('CSV: UTF-8 with BOM, a header and one row per result', async () => {
    const res = await t.anon.get(`/api/public/cycles/${cycleId}/results.csv?lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^Appraisee,Type,Peer group,Rank/);
    expect(lines.length - 1).toBe(bundle.results.length);
    // The last column is the published revision.
    expect(lines.slice(1).every((l) => /,\d+$/.test(l))).toBe(true);
    const zh = await t.anon.get(`/api/public/cycles/${cycleId}/results.csv`);
    expect(zh.body.startsWith('\uFEFF被考核对象')).toBe(true);
  });

  it('XLSX: the same rows in a workbook', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/public/cycles/${cycleId}/results.xlsx` });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0].rowCount).toBe(bundle.results.length + 1);
  });

  it('escapes text a spreadsheet would run as a formula', () => {
    expect(safeText('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(safeText('+1')).toBe(`'+1`);
    expect(safeText('教育局')).toBe('教育局');
  });
});

describe('regulations that define every number', () => {
  it('states the rules from the frozen rule objects, in zh-CN and en', async () => {
    const reg = (await t.anon.get(`/api/public/cycles/${cycleId}/regulations/text`)).json();
    const en = reg.en.flatMap((s: { items: string[] }) => s.items).join('\n');
    const zh = reg['zh-CN'].flatMap((s: { items: string[] }) => s.items).join('\n');
    const rules = bundle.regulations.rules;
    expect(en).toContain(`the ${rules.trimEachSide} highest and ${rules.trimEachSide} lowest`);
    expect(en).toContain(`fewer than ${rules.minRaters} ratings`);
    expect(en).toMatch(/effective sample size/);
    expect(en).toMatch(/both band limits are inclusive/);
    expect(en).toMatch(/rounded down/);
    expect(en).toMatch(/year's value of the cycle/);
    expect(en).toMatch(/weight is its cap in points/);
    expect(zh).toContain(`去掉最高和最低各 ${rules.trimEachSide} 个`);
    expect(reg.en.length).toBe(reg['zh-CN'].length);
  });
});
