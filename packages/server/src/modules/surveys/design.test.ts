import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { frameRows, surveyCity, surveyDefinition } from '../../../test/surveys';
import { surveyInvitations } from '../../db/schema';
import { sha256 } from '../../lib/hash';

/**
 * Designing a survey on an empty install: the questionnaire and its versions, the sampling frame, the
 * sample and the invitations (fieldwork.test.ts answers them, reports.test.ts analyses the answers).
 */
process.env.JOB_POLL_SECONDS = '0.5';

let t: TestApp;
let office: Client;
let citizen: Client;
let cycleId: string;
let surveyId: string;
let definition: () => ReturnType<typeof surveyDefinition>;

let invitations: {
  invitationId: string;
  token: string;
  shortCode: string;
  stratum: string;
  externalId: string;
}[];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const city = await surveyCity(t, 'sdes');
  office = city.office;
  cycleId = city.cycle.id;
  definition = () => surveyDefinition(city.eduPlanId, city.culPlanId);
  citizen = await (await city.f.user([{ role: 'public' }])).login();
});
afterAll(async () => t?.close());

describe('survey design', () => {
  it('creates a survey for the office only, refusing bad questionnaires field by field', async () => {
    const body = {
      code: 't-2025',
      title: '测试调查',
      cycleId,
      strataFields: ['district', 'area'],
      definition: definition(),
    };
    expect((await citizen.post('/api/surveys', body)).statusCode).toBe(403);
    const bad = definition();
    bad.sections[0].questions[1].showIf = { questionId: 'advice', in: ['x'] };
    bad.sections[0].questions[0].options = [{ value: 'yes', label: '是' }];
    const res = await office.post('/api/surveys', { ...body, definition: bad });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toEqual([
      'definition.sections.0.questions.0.options',
      'definition.sections.0.questions.1.showIf.questionId',
    ]);
    const created = await office.post('/api/surveys', body);
    expect(created.statusCode).toBe(201);
    surveyId = created.json().survey.id;
    expect(created.json().version.version).toBe(1);
    expect((await office.post('/api/surveys', body)).statusCode).toBe(409);
  });

  it('versions the questionnaire with optimistic concurrency', async () => {
    const def = definition();
    def.sections[0].title = '公共服务满意度';
    const saved = await office.put(`/api/surveys/${surveyId}/questionnaire`, { definition: def, version: 1 });
    expect(saved.json().version.version).toBe(2);
    const stale = await office.put(`/api/surveys/${surveyId}/questionnaire`, { definition: def, version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toBe('version_conflict');
    expect(
      (await office.get(`/api/surveys/${surveyId}/versions`))
        .json()
        .items.map((v: { version: number }) => v.version),
    ).toEqual([2, 1]);
  });
});

describe('sampling frame and sample', () => {
  it('refuses a frame file with row-level errors and stores nothing', async () => {
    const csv = 'id,district,area,contact\nX1,A,urban,\nX1,A,urban,\nX3,,rural,\n,B,urban,\n';
    const { payload, headers } = multipart('frame.csv', Buffer.from(csv));
    const res = await office.raw({
      method: 'POST',
      url: `/api/surveys/${surveyId}/frame/import?wait=true`,
      payload,
      headers,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      { path: 'rows.1.id', message: 'row 3: duplicate of rows.0' },
      { path: 'rows.2.district', message: 'row 4: empty' },
      { path: 'rows.3.id', message: 'row 5: empty' },
    ]);
    expect((await office.get(`/api/surveys/${surveyId}`)).json().frame.size).toBe(0);
  });

  it('imports an XLSX frame and reports its strata', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('frame');
    ws.addRow(['id', 'district', 'area', 'contact', 'name']);
    for (const r of frameRows()) ws.addRow([r.id, r.district, r.area, r.contact, '张三']);
    const { payload, headers } = multipart('frame.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const res = await office.raw({
      method: 'POST',
      url: `/api/surveys/${surveyId}/frame/import?wait=true`,
      payload,
      headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      mode: 'replace',
      inserted: 1000,
      replaced: 0,
      total: 1000,
      ignoredColumns: ['name'],
      strata: [
        { stratum: 'A|rural', population: 200 },
        { stratum: 'A|urban', population: 400 },
        { stratum: 'B|rural', population: 100 },
        { stratum: 'B|urban', population: 300 },
      ],
    });
  });

  it('computes sample sizes per stratum from the frame', async () => {
    const res = await office.post('/api/surveys/sample-size', {
      surveyId,
      marginOfError: 0.05,
      mode: 'proportional',
    });
    // 1000 units, ±5 %, 95 %: 384.15/(1 + 383.15/1000) = 277.7 → 278, split proportionally.
    expect(res.json().total).toBe(278);
    expect(res.json().strata.map((s: { n: number }) => s.n)).toEqual([56, 111, 28, 83]);
    expect((await office.post('/api/surveys/sample-size', { marginOfError: 0.05 })).statusCode).toBe(400);
  });

  it('reproduces the same sample from the same seed, and another from another seed', async () => {
    const draw = async (seed: string) => {
      const res = await office.post(`/api/surveys/${surveyId}/sample`, {
        size: 80,
        allocation: 'proportional',
        seed,
      });
      expect(res.statusCode).toBe(200);
      const s = (await office.get(`/api/surveys/${surveyId}/sample`)).json();
      return { sample: s.sample, ids: s.members.map((m: { externalId: string }) => m.externalId) };
    };
    const a = await draw('2025-seed');
    const b = await draw('other');
    const c = await draw('2025-seed');
    expect(a.ids).toHaveLength(80);
    expect(c.ids).toEqual(a.ids);
    expect(b.ids).not.toEqual(a.ids);
    expect(c.sample.seed).toBe('2025-seed');
    expect(c.sample.strata).toEqual([
      { stratum: 'A|rural', population: 200, allocated: 16 },
      { stratum: 'A|urban', population: 400, allocated: 32 },
      { stratum: 'B|rural', population: 100, allocated: 8 },
      { stratum: 'B|urban', population: 300, allocated: 24 },
    ]);
    const neyman = await office.post(`/api/surveys/${surveyId}/sample`, {
      size: 80,
      allocation: 'neyman',
      seed: 'x',
    });
    expect(neyman.statusCode).toBe(400);
    expect(neyman.json().details[0].path).toMatch(/^sd\./);
    await draw('2025-seed');
  });

  it('issues unguessable tokens and short codes, keeping only their hashes', async () => {
    const res = await office.post(`/api/surveys/${surveyId}/invitations/issue`, {});
    invitations = res.json().items;
    expect(invitations).toHaveLength(80);
    expect(invitations[0].token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(invitations[0].shortCode).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    const [row] = await t.db
      .select()
      .from(surveyInvitations)
      .where(eq(surveyInvitations.id, invitations[0].invitationId));
    expect(row.tokenHash).toBe(sha256(`token:${invitations[0].token}`));
    const dump = JSON.stringify(await t.db.select().from(surveyInvitations));
    expect(dump).not.toContain(invitations[0].token);
    expect(dump).not.toContain(invitations[0].shortCode.replace('-', ''));
    expect((await office.post(`/api/surveys/${surveyId}/invitations/issue`, {})).json().items).toEqual([]);
    expect(
      (await office.post(`/api/surveys/${surveyId}/sample`, { size: 10, allocation: 'equal', seed: 'x' }))
        .statusCode,
    ).toBe(409);
    const list = (await office.get(`/api/surveys/${surveyId}/invitations?status=issued&limit=5`)).json();
    expect(list.total).toBe(80);
    expect(list.items).toHaveLength(5);
  });
});

describe('frame upload: replace or append, never silently truncated', () => {
  it('a frame sent in chunks keeps every chunk; a second upload must say replace or append', async () => {
    const created = await office.post('/api/surveys', {
      code: 'frame-chunks',
      title: '分批上传抽样框',
      strataFields: ['district', 'area'],
      definition: definition(),
    });
    const id = created.json().survey.id;
    const chunk = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        id: `U${from + i}`,
        district: (from + i) % 2 ? 'A' : 'B',
        area: 'urban',
      }));
    const first = await office.post(`/api/surveys/${id}/frame`, { rows: chunk(0, 5000) });
    expect(first.json()).toMatchObject({ mode: 'replace', inserted: 5000, replaced: 0, total: 5000 });
    // The last chunk sent like the first one used to replace the rest (5,200 units became 200).
    const again = await office.post(`/api/surveys/${id}/frame`, { rows: chunk(5000, 200) });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      error: 'frame_exists',
      details: [{ path: 'mode', message: 'replace or append' }],
    });
    const appended = await office.post(`/api/surveys/${id}/frame`, {
      rows: chunk(5000, 200),
      mode: 'append',
    });
    expect(appended.json()).toMatchObject({ mode: 'append', inserted: 200, replaced: 0, total: 5200 });
    const dup = await office.post(`/api/surveys/${id}/frame`, { rows: chunk(5199, 2), mode: 'append' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().details).toEqual([{ path: 'rows.0.id', message: 'already in the frame' }]);
    const replaced = await office.post(`/api/surveys/${id}/frame`, { rows: chunk(0, 10), mode: 'replace' });
    expect(replaced.json()).toMatchObject({ mode: 'replace', inserted: 10, replaced: 5200, total: 10 });
  });
});
