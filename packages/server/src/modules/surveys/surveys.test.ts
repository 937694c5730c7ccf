import { createHash, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../../../test/global-setup';
import { BACKEND, buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { openDatabase } from '../../db/client';
import { aaporRates, nonresponseAdjust, surveyDesign, svyChisq, svyMean } from '@perfcommons/domain';
import { jobs, surveyFrameUnits, surveyInvitations, surveyResponses } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { sha256 } from '../../lib/hash';
import { submitByToken, submitOpen } from './intake';

process.env.JOB_POLL_SECONDS = '0.5';

let t: TestApp;
let office: Client;
let cycleId: string;
let eduPlanId: string;
let culPlanId: string;
let surveyId: string;

const definition = () => ({
  sections: [
    {
      id: 's1',
      title: '公共服务',
      titleEn: 'Public services',
      questions: [
        {
          id: 'used',
          type: 'single',
          text: '过去一年是否办理过教育相关事项？',
          required: true,
          options: [
            { value: 'yes', label: '是' },
            { value: 'no', label: '否' },
          ],
        },
        {
          id: 'edu_sat',
          type: 'likert5',
          text: '对教育局服务的总体满意度',
          required: true,
          planId: eduPlanId,
          dimension: 'service',
          showIf: { questionId: 'used', in: ['yes'] },
        },
        {
          id: 'm',
          type: 'matrix',
          text: '请评价以下方面',
          required: true,
          scale: 5,
          items: [
            { id: 'edu_eff', text: '教育局办事效率', planId: eduPlanId, dimension: 'efficiency' },
            { id: 'cul_eff', text: '文旅局办事效率', planId: culPlanId, dimension: 'efficiency' },
            { id: 'cul_int', text: '文旅局廉洁', planId: culPlanId, dimension: 'integrity' },
          ],
        },
        { id: 'nps', type: 'rating0to10', text: '推荐程度' },
        {
          id: 'topics',
          type: 'multiple',
          text: '关心的问题',
          options: [
            { value: 'school', label: '入学' },
            { value: 'park', label: '公园' },
            { value: 'road', label: '道路' },
          ],
        },
        { id: 'advice', type: 'text', text: '意见建议', maxLength: 500 },
      ],
    },
  ],
});

/** 1000 units: district A/B × urban/rural (400, 200, 300, 100). */
const frameRows = () => {
  const rows: Record<string, string>[] = [];
  const cells: [string, string, number][] = [
    ['A', 'urban', 400],
    ['A', 'rural', 200],
    ['B', 'urban', 300],
    ['B', 'rural', 100],
  ];
  for (const [d, a, n] of cells)
    for (let i = 0; i < n; i++)
      rows.push({
        id: `${d}${a[0]}${String(i).padStart(4, '0')}`,
        district: d,
        area: a,
        contact: `1380000${String(rows.length).padStart(4, '0')}`,
      });
  return rows;
};

/** A deterministic complete answer; `k` varies it. */
const answerFor = (k: number) => ({
  used: k % 3 === 0 ? 'no' : 'yes',
  ...(k % 3 === 0 ? {} : { edu_sat: 1 + (k % 5) }),
  m: { edu_eff: 1 + ((k + 1) % 5), cul_eff: 1 + ((k * 2) % 5), cul_int: 1 + ((k * 2 + 1) % 5) },
  nps: k % 11,
  topics: k % 2 ? ['school', 'road'] : ['park'],
  advice: k % 4 === 0 ? '希望增加停车位，改善道路交通' : '学校门口交通拥堵',
});

let invitations: {
  invitationId: string;
  token: string;
  shortCode: string;
  stratum: string;
  externalId: string;
}[];

beforeAll(async () => {
  t = await buildTestApp();
  // The demo publishes 2025, which freezes its inputs (results/publication.test.ts): this file
  // works on an unpublished copy of it.
  await t.db.execute(sql`update cycles set results_published_at = null where code = '2025-annual'`);
  office = await t.as('office');
  const cycles = (await office.get('/api/cycles')).json().items;
  cycleId = cycles.find((c: { code: string }) => c.code === '2025-annual').id;
  const orgs = (await office.get('/api/orgs')).json().items;
  const unitId = (code: string) => orgs.find((o: { code: string }) => o.code === code).id;
  const plans = (await office.get(`/api/plans?cycleId=${cycleId}&appraiseeType=unit`)).json().items;
  eduPlanId = plans.find((p: { orgUnitId: string }) => p.orgUnitId === unitId('edu')).id;
  culPlanId = plans.find((p: { orgUnitId: string }) => p.orgUnitId === unitId('cul')).id;
});
afterAll(async () => t.close());

describe('survey design', () => {
  it('creates a survey for the office only, refusing bad questionnaires field by field', async () => {
    const citizen = await t.as('citizen01');
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

describe('fieldwork', () => {
  it('does not answer before fielding; fielding freezes the questionnaire', async () => {
    const res = await t.anon.get(`/api/public/s/${invitations[0].token}`);
    expect(res.json().state).toBe('not_started');
    expect((await office.post(`/api/surveys/${surveyId}/start`)).json().survey.status).toBe('fielding');
    const edit = await office.put(`/api/surveys/${surveyId}/questionnaire`, {
      definition: definition(),
      version: 2,
    });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error).toBe('frozen');
  });

  it('saves partial answers, resumes them, and takes the final answer once', async () => {
    const tok = invitations[1].token;
    const page = (await t.anon.get(`/api/public/s/${tok}`)).json();
    expect(page.state).toBe('open');
    expect(page.version.definition.sections[0].title).toBe('公共服务满意度');
    expect(
      (await t.anon.put(`/api/public/s/${tok}/draft`, { answers: { used: 'yes', edu_sat: 9 } })).json()
        .details,
    ).toEqual([{ path: 'answers.edu_sat', message: 'expected an integer 1–5' }]);
    expect(
      (await t.anon.put(`/api/public/s/${tok}/draft`, { answers: { used: 'yes', edu_sat: 4 } })).statusCode,
    ).toBe(200);
    expect((await t.anon.get(`/api/public/s/${tok}`)).json().answers).toEqual({ used: 'yes', edu_sat: 4 });
    const incomplete = await t.anon.post(`/api/public/s/${tok}`, { answers: { used: 'yes' } });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().details.map((d: { path: string }) => d.path)).toEqual([
      'answers.edu_sat',
      'answers.m',
    ]);
    expect((await t.anon.post(`/api/public/s/${tok}`, { answers: answerFor(1) })).statusCode).toBe(201);
    const again = await t.anon.post(`/api/public/s/${tok}`, { answers: answerFor(1) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('already_answered');
    expect((await t.anon.get(`/api/public/s/${tok}`)).json().state).toBe('answered');
    expect((await t.anon.get(`/api/public/s/${'x'.repeat(43)}`)).statusCode).toBe(404);
  });

  it('stores exactly one answer when 200 submissions of one token race', async () => {
    const tok = invitations[2].token;
    const all = await Promise.all(
      Array.from({ length: 200 }, () => t.anon.post(`/api/public/s/${tok}`, { answers: answerFor(2) })),
    );
    const codes = all.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(199);
    expect(all.filter((r) => r.statusCode === 409).every((r) => r.json().error === 'already_answered')).toBe(
      true,
    );
    const [{ n }] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(surveyResponses)
      .where(eq(surveyResponses.invitationId, invitations[2].invitationId));
    expect(n).toBe(1);
  });

  it('takes interviewer entries by short code, marked by mode and interviewer', async () => {
    const citizen = await t.as('citizen01');
    const body = { code: invitations[3].shortCode.toLowerCase(), mode: 'phone', answers: answerFor(3) };
    expect((await citizen.post(`/api/surveys/${surveyId}/interviews`, body)).statusCode).toBe(403);
    const res = await office.post(`/api/surveys/${surveyId}/interviews`, body);
    expect(res.statusCode).toBe(201);
    expect((await office.post(`/api/surveys/${surveyId}/interviews`, body)).statusCode).toBe(409);
    for (let i = 4; i < 60; i++) {
      const r = await (i % 5 === 0
        ? office.post(`/api/surveys/${surveyId}/interviews`, {
            code: invitations[i].shortCode,
            mode: 'paper',
            answers: answerFor(i),
          })
        : t.anon.post(`/api/public/s/${invitations[i].token}`, { answers: answerFor(i) }));
      expect(r.statusCode).toBe(201);
    }
    const fw = (await office.get(`/api/surveys/${surveyId}/fieldwork`)).json();
    expect(fw.total.responses).toBe(59);
    expect(fw.total.sampled).toBe(80);
    expect(fw.byMode).toEqual([
      { mode: 'paper', n: 11 },
      { mode: 'phone', n: 1 },
      { mode: 'web', n: 47 },
    ]);
    expect(fw.byInterviewer.reduce((a: number, x: { n: number }) => a + x.n, 0)).toBe(12);
    const s = fw.strata.find((x: { stratum: string }) => x.stratum === 'A|urban');
    expect(s.responseRate).toBeCloseTo(s.responses / 32, 10);
  });

  it('refuses answers once a stratum quota is full', async () => {
    const fw = (await office.get(`/api/surveys/${surveyId}/fieldwork`)).json();
    const br = fw.strata.find((x: { stratum: string }) => x.stratum === 'B|urban');
    await office.raw({
      method: 'PATCH' as never,
      url: `/api/surveys/${surveyId}`,
      payload: { quotas: { 'B|urban': br.responses } },
    });
    const next = invitations.slice(60).find((i) => i.stratum === 'B|urban')!;
    const res = await t.anon.post(`/api/public/s/${next.token}`, { answers: answerFor(7) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('quota_full');
    await office.raw({ method: 'PATCH' as never, url: `/api/surveys/${surveyId}`, payload: { quotas: {} } });
  });

  it('open mode is rate-limited and marked as lower trust', async () => {
    const closedOpen = await t.anon.post(`/api/public/surveys/${surveyId}/open`, {
      answers: answerFor(1),
      profile: { district: 'A', area: 'urban' },
    });
    expect(closedOpen.statusCode).toBe(404);
    await office.raw({
      method: 'PATCH' as never,
      url: `/api/surveys/${surveyId}`,
      payload: { openMode: true },
    });
    expect(
      (await t.anon.get(`/api/public/surveys/${surveyId}/open`)).json().version.definition.sections,
    ).toHaveLength(1);
    const missing = await t.anon.post(`/api/public/surveys/${surveyId}/open`, {
      answers: answerFor(1),
      profile: { district: 'A' },
    });
    expect(missing.json().details).toEqual([{ path: 'profile.area', message: 'required' }]);
    const codes: number[] = [];
    // The refused requests above count too: 5 per minute in all.
    for (let i = 0; i < 4; i++)
      codes.push(
        (
          await t.anon.post(`/api/public/surveys/${surveyId}/open`, {
            answers: answerFor(i),
            profile: { district: 'B', area: 'urban' },
          })
        ).statusCode,
      );
    expect(codes).toEqual([201, 201, 201, 429]);
    const [{ n }] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(surveyResponses)
      .where(
        sql`${surveyResponses.surveyId} = ${surveyId} and ${surveyResponses.trust} = 'open' and ${surveyResponses.invitationId} is null`,
      );
    expect(n).toBe(3);
  });
});

describe('fieldwork outcomes', () => {
  it('records outcomes by the office and by interviewers and reports AAPOR rates', async () => {
    const before = (await office.get(`/api/surveys/${surveyId}/fieldwork`)).json().outcomes.total;
    expect(before.complete).toBe(59);
    const put = (inv: { invitationId: string }, outcome: string | null) =>
      office.raw({
        method: 'PUT' as never,
        url: `/api/surveys/${surveyId}/invitations/${inv.invitationId}/outcome`,
        payload: { outcome },
      });
    const [a, b, c, d] = invitations.slice(61, 65);
    expect((await put(a, 'refused')).statusCode).toBe(200);
    // An interviewer records by the short code.
    const byCode = await office.post(`/api/surveys/${surveyId}/outcomes`, {
      code: b.shortCode,
      outcome: 'non_contact',
    });
    expect(byCode.json().outcome).toMatchObject({ invitationId: b.invitationId, outcome: 'non_contact' });
    expect((await put(c, 'ineligible')).statusCode).toBe(200);
    expect((await put(d, 'unknown')).statusCode).toBe(200);
    expect((await put(d, null)).json().outcome.outcome).toBeNull();
    // An answered invitation is completed; bad values and non-office users are refused.
    const answered = await put(invitations[5], 'refused');
    expect(answered.statusCode).toBe(409);
    expect(answered.json().error).toBe('invitation_answered');
    expect((await put(a, 'maybe')).statusCode).toBe(400);
    const citizen = await t.as('citizen01');
    expect(
      (await citizen.post(`/api/surveys/${surveyId}/outcomes`, { code: a.shortCode, outcome: 'refused' }))
        .statusCode,
    ).toBe(403);
    const after = (await office.get(`/api/surveys/${surveyId}/fieldwork`)).json().outcomes.total;
    expect(after.refused).toBe(before.refused + 1);
    expect(after.nonContact).toBe(before.nonContact + 1);
    expect(after.ineligible).toBe(before.ineligible + 1);
    expect(after.unknown).toBe(before.unknown - 3);
    expect(
      after.complete + after.partial + after.refused + after.nonContact + after.ineligible + after.unknown,
    ).toBe(80);
    const r = aaporRates(after);
    expect(after.rr1).toBeCloseTo(r.rr1!, 12);
    expect(after.rr1).toBeCloseTo(59 / 79, 12);
    expect(after.coop1).toBeCloseTo(59 / (59 + after.partial + after.refused), 12);
    expect(after.ref1).toBeCloseTo(after.refused / 79, 12);
    expect(after.con1).toBeCloseTo(r.con1!, 12);
    const list = (await office.get(`/api/surveys/${surveyId}/invitations?limit=5000`)).json().items;
    expect(list.find((x: { id: string }) => x.id === a.invitationId).outcome).toBe('refused');
  });
});

describe('analysis, export and report', () => {
  it('weights by raking to the frame margins and estimates with intervals', async () => {
    const res = await office.get(`/api/surveys/${surveyId}/analysis`);
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a.responses).toEqual({ sampled: 59, open: 3 });
    expect(a.weighting.method).toBe('rake');
    expect(a.weighting.sum).toBeCloseTo(1000, 1);
    expect(a.weighting.margins).toEqual({ district: { A: 600, B: 400 }, area: { urban: 700, rural: 300 } });
    // Raked weights reproduce the district margin 600 : 400.
    const share = (prefix: string) =>
      a.strata
        .filter((s: { stratum: string }) => s.stratum.startsWith(prefix))
        .reduce((x: number, s: { weightShare: number }) => x + s.weightShare, 0);
    expect(share('A|')).toBeCloseTo(0.6, 3);
    const edu = a.satisfaction.byPlan.find((p: { planId: string }) => p.planId === eduPlanId);
    expect(edu.appraiseeName).toBeTruthy();
    expect(edu.index.mean).toBeGreaterThan(20);
    expect(edu.index.ci95[0]).toBeLessThan(edu.index.mean);
    expect(edu.index.ci95[1]).toBeGreaterThan(edu.index.mean);
    expect(edu.index.designEffect).toBeGreaterThanOrEqual(1);
    expect(edu.dimensions.map((d: { dimension: string }) => d.dimension)).toEqual(['efficiency', 'service']);
    expect(a.reliability.find((r: { scale: string }) => r.scale === 'm').items).toBe(3);
    const q = a.questions.find((x: { id: string }) => x.id === 'used');
    expect(q.distribution.n).toBe(59);
    expect(q.distribution.items.find((x: { value: string }) => x.value === 'yes')).toMatchObject({
      label: '是',
      labelEn: null,
    });
    expect(q.crossTab.rowLevels).toEqual(['A|rural', 'A|urban', 'B|rural', 'B|urban']);
    expect(a.questions.find((x: { id: string }) => x.id === 'advice').keywords.length).toBeGreaterThan(0);
    const design = (await office.get(`/api/surveys/${surveyId}/analysis?weighting=design`)).json();
    expect(design.weighting.method).toBe('design');
    const ps = (await office.get(`/api/surveys/${surveyId}/analysis?weighting=poststrat`)).json();
    expect(ps.weighting.method).toBe('poststrat');
    expect(ps.weighting.sum).toBeCloseTo(1000, 1);
  });

  it('estimates with the design drawn: strata, fpc from the frame, bounded intervals, true deff', async () => {
    const a = (await office.get(`/api/surveys/${surveyId}/analysis?weighting=design`)).json();
    expect(a.design).toMatchObject({ strata: 4, fpc: true, lonelyPsu: 'adjust', df: 59 - 4 });
    // The same estimate from the domain functions, on the responses and the frame counts.
    const frame = await t.db
      .select({ stratum: surveyFrameUnits.stratum, n: sql<number>`count(*)::int` })
      .from(surveyFrameUnits)
      .where(eq(surveyFrameUnits.surveyId, surveyId))
      .groupBy(surveyFrameUnits.stratum);
    const N = Object.fromEntries(frame.map((f) => [f.stratum, f.n]));
    const rows = (
      await t.db
        .select()
        .from(surveyResponses)
        .where(eq(surveyResponses.surveyId, surveyId))
        .orderBy(surveyResponses.submittedAt, surveyResponses.id)
    ).filter((r) => r.trust === 'sampled');
    // Nonresponse adjustment within strata first: Σ design weight of the sampled units per stratum,
    // without the one recorded ineligible (invitations[63], unanswered).
    const invs = await t.db.select().from(surveyInvitations).where(eq(surveyInvitations.surveyId, surveyId));
    const eligible: Record<string, number> = {};
    for (const i of invs)
      if (i.outcome !== 'ineligible') eligible[i.stratum] = (eligible[i.stratum] ?? 0) + i.designWeight;
    const adjusted = nonresponseAdjust(
      rows.map((r) => r.designWeight),
      rows.map((r) => r.stratum),
      eligible,
    );
    expect(a.weighting.nonresponse).toBeTruthy();
    const ineligibleStratum = invitations[63].stratum;
    expect(a.weighting.nonresponse[ineligibleStratum]).toBeCloseTo(adjusted.factors[ineligibleStratum], 4);
    // The respondents' weights now add up to the eligible sampled units' (the frame minus one unit's weight).
    const sumW = adjusted.weights.reduce((x, y) => x + y, 0);
    expect(a.weighting.sum).toBeCloseTo(sumW, 1);
    expect(sumW).toBeCloseTo(
      Object.values(eligible).reduce((x, y) => x + y, 0),
      6,
    );
    const d = surveyDesign({
      weights: adjusted.weights,
      strata: rows.map((r) => r.stratum),
      fpc: rows.map((r) => N[r.stratum]),
      lonelyPsu: 'adjust',
    });
    const ys = rows.map((r) => {
      const v = (r.answers as Record<string, unknown>).edu_sat;
      return typeof v === 'number' ? v * 20 : null;
    });
    const ref = svyMean(d, ys, { bounds: [0, 100] });
    const q = a.questions.find((x: { id: string }) => x.id === 'edu_sat').estimate;
    expect(q.mean).toBeCloseTo(ref.estimate, 3);
    expect(q.se).toBeCloseTo(ref.se, 3);
    expect(q.designEffect).toBeCloseTo(ref.deff, 3);
    expect(q.effectiveN).toBeCloseTo(ref.n / ref.deff, 3);
    expect(q.ci95[0]).toBeCloseTo(ref.ci[0], 3);
    // Cross-tab stratum × answer carries the Rao–Scott test computed on the same design.
    const rs = svyChisq(
      d,
      rows.map((r) => r.stratum),
      rows.map((r) => (r.answers as Record<string, unknown>).used),
    );
    const tab = a.questions.find((x: { id: string }) => x.id === 'used').crossTab;
    expect(tab.test.f).toBeCloseTo(rs.f, 3);
    expect(tab.test.ndf).toBeCloseTo(rs.ndf, 3);
    expect(tab.test.ddf).toBeCloseTo(rs.ddf, 3);
    expect(tab.test.p).toBeCloseTo(rs.p, 5);
    expect(tab.test.df).toBe((4 - 1) * (rs.colLevels.length - 1));
    expect(tab.test.p).toBeGreaterThan(0);
    expect(tab.test.p).toBeLessThanOrEqual(1);
    // Every index: a margin of error, and an interval inside 0–100.
    const all = [
      a.satisfaction.overall,
      ...a.satisfaction.byPlan.flatMap((p: { index: unknown; dimensions: { index: unknown }[] }) => [
        p.index,
        ...p.dimensions.map((x) => x.index),
      ]),
      ...a.strata.map((x: { index: unknown }) => x.index),
    ] as { mean: number; moe: number; ci95: [number, number] }[];
    for (const e of all) {
      expect(e.moe).toBeGreaterThan(0);
      expect(e.ci95[0]).toBeGreaterThanOrEqual(0);
      expect(e.ci95[1]).toBeLessThanOrEqual(100);
    }
    // Shares of an option: logit intervals inside [0, 1].
    const used = a.questions.find((x: { id: string }) => x.id === 'used');
    for (const sh of used.shares) {
      expect(sh.ci95[0]).toBeGreaterThanOrEqual(0);
      expect(sh.ci95[1]).toBeLessThanOrEqual(1);
    }
    // Raking reports its own calibration: converged within the trim bounds.
    const raked = (await office.get(`/api/surveys/${surveyId}/analysis`)).json();
    expect(raked.weighting).toMatchObject({ method: 'rake', converged: true, outsideBounds: 0 });
  });

  it('exports answers as CSV and XLSX without personal data, as jobs for their creator', async () => {
    // Queued: 202 with the job's id; the file is the job's, downloaded by whoever queued it.
    const queued = await office.post(`/api/surveys/${surveyId}/export?format=csv`);
    expect(queued.statusCode).toBe(202);
    const { jobId } = queued.json();
    const job = await t.app.jobs.wait(jobId);
    expect(job).toMatchObject({
      kind: 'surveys.export',
      state: 'completed',
      progress: 100,
      input: { surveyId, format: 'csv' },
      result: { rows: 62, file: { filename: 'survey-answers.csv', type: 'text/csv; charset=utf-8' } },
    });
    const csv = await office.get(`/api/jobs/${jobId}/file`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('survey-answers.csv');
    expect(csv.headers['x-content-sha256']).toBe(createHash('sha256').update(csv.rawPayload).digest('hex'));
    expect(Number(csv.headers['content-length'])).toBe(csv.rawPayload.length);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'response,district,area,stratum,mode,trust,designWeight,submittedDate,used,edu_sat,m.edu_eff,m.cul_eff,m.cul_int,nps,topics,advice',
    );
    expect(lines).toHaveLength(63);
    expect(csv.body).not.toMatch(/1380000/);
    expect(csv.body).not.toContain(invitations[1].externalId);
    // Only its creator downloads it: another office account sees the job, not the file.
    const admin = await t.as('admin');
    expect((await admin.get(`/api/jobs/${jobId}`)).statusCode).toBe(200);
    expect((await admin.get(`/api/jobs/${jobId}/file`)).statusCode).toBe(404);
    expect((await t.anon.get(`/api/jobs/${jobId}/file`)).statusCode).toBe(401);
    // `?wait=true` answers the file itself, as the export did in the request before.
    const xlsx = await office.post(`/api/surveys/${surveyId}/export?format=xlsx&wait=true`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0].rowCount).toBe(63);
    // Each export is a security event in the audit log: who, which survey, how many rows.
    const logged = await t.db.execute(
      sql`select data from audit_log where action = 'survey.export' and entity_id = ${surveyId} order by seq`,
    );
    expect(logged.rows.map((r) => (r as { data: unknown }).data)).toEqual([
      { format: 'csv', rows: 62 },
      { format: 'xlsx', rows: 62 },
    ]);
    // Refusals answer at once and queue nothing: not the office (403), a survey not fielded (409).
    const before = (await t.db.execute(sql`select count(*)::int as n from jobs`)).rows[0];
    const manager = await t.as('edu.manager');
    expect((await manager.post(`/api/surveys/${surveyId}/export`)).statusCode).toBe(403);
    const draft = await office.post('/api/surveys', {
      code: 't-export-draft',
      title: '未开展的问卷',
      cycleId,
      strataFields: ['district'],
      definition: definition(),
    });
    expect(draft.statusCode).toBe(201);
    expect((await office.post(`/api/surveys/${draft.json().survey.id}/export`)).statusCode).toBe(409);
    expect((await t.db.execute(sql`select count(*)::int as n from jobs`)).rows[0]).toEqual(before);
  });

  it('keeps the file of an export a day, then 410; a job without a file is 409', async () => {
    const { jobId } = (await office.post(`/api/surveys/${surveyId}/export?format=csv`)).json();
    await t.app.jobs.wait(jobId);
    await t.db.execute(sql`update jobs set finished_at = now() - interval '25 hours' where id = ${jobId}`);
    const gone = await office.get(`/api/jobs/${jobId}/file`);
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error).toBe('expired');
    // The next export deletes the expired file's bytes.
    const next = (await office.post(`/api/surveys/${surveyId}/export?format=csv`)).json().jobId;
    await t.app.jobs.wait(next);
    const left = await t.db.execute(sql`select count(*)::int as n from job_outputs where job_id = ${jobId}`);
    expect(left.rows[0]).toEqual({ n: 0 });
    expect((await office.get(`/api/jobs/${next}/file`)).statusCode).toBe(200);
    // A job still running has made no file yet.
    const me = (await office.get('/api/auth/me')).json().user.id;
    const [running] = await t.db
      .insert(jobs)
      .values({
        id: randomUUID(),
        kind: 'surveys.export',
        state: 'active',
        input: {},
        createdBy: me,
        maxAttempts: 3,
      })
      .returning();
    const noFile = await office.get(`/api/jobs/${running.id}/file`);
    expect(noFile.statusCode).toBe(409);
    expect(noFile.json().error).toBe('job_not_done');
    await t.db.delete(jobs).where(eq(jobs.id, running.id));
  });

  it('publishes a report on the public API that feeds the public satisfaction indicator', async () => {
    expect((await t.anon.get(`/api/public/surveys/${surveyId}`)).statusCode).toBe(404);
    expect((await office.post(`/api/surveys/${surveyId}/publish`, {})).statusCode).toBe(409);
    expect((await office.post(`/api/surveys/${surveyId}/close`)).json().survey.status).toBe('closed');
    expect(
      (await t.anon.post(`/api/public/s/${invitations[70].token}`, { answers: answerFor(70) })).json().error,
    ).toBe('survey_closed');

    const leaf = async () => {
      const results = (await office.get(`/api/cycles/${cycleId}/results`)).json().items;
      const id = results.find((r: { planId: string }) => r.planId === culPlanId).id;
      const { breakdown } = (await office.get(`/api/results/${id}`)).json();
      type Node = {
        code: string;
        children?: Node[];
        notes: string[];
        subjects?: { type: string; n: number; mean: number; used: number }[];
      };
      const find = (ns: Node[]): Node | undefined =>
        ns.reduce<Node | undefined>(
          (f, n) => f ?? (n.subjects?.some((s) => s.type === 'public') ? n : find(n.children ?? [])),
          undefined,
        );
      const node = find(Array.isArray(breakdown) ? breakdown : [breakdown])!;
      return { ...node.subjects!.find((s) => s.type === 'public')!, notes: node.notes };
    };
    await office.post(`/api/cycles/${cycleId}/compute?wait=true`);
    const before = await leaf();
    const pub = await office.post(`/api/surveys/${surveyId}/publish`, {});
    expect(pub.statusCode).toBe(200);
    const list = (await t.anon.get(`/api/public/surveys?cycleId=${cycleId}`)).json().items;
    expect(list.map((s: { id: string }) => s.id)).toContain(surveyId);
    const report = (await t.anon.get(`/api/public/surveys/${surveyId}`)).json();
    expect(report.methodology.sample).toMatchObject({
      size: 80,
      allocation: 'proportional',
      seed: '2025-seed',
    });
    expect(report.methodology.fieldwork.total.responses).toBe(59);
    expect(report.methodology.fieldwork.outcomes.total.rr1).toBeCloseTo(59 / 79, 10);
    expect(JSON.stringify(report)).not.toContain('1380000');
    await office.post(`/api/cycles/${cycleId}/compute?wait=true`);
    const after = await leaf();
    expect(after.n).toBe(before.n + 1);
    // The cycle trims one rating each side: the survey index is an estimate, never trimmed as one rater.
    expect(after.notes.some((n) => n.startsWith('public: ') && n.endsWith('1 survey estimate(s) kept'))).toBe(
      true,
    );
  });
});

describe('quotas under concurrency', () => {
  it('stores exactly the quota of a stratum when many answers of it race, and names the stratum', async () => {
    const created = await office.post('/api/surveys', {
      code: 'quota-race',
      title: '配额并发',
      strataFields: ['district', 'area'],
      definition: definition(),
    });
    const id = created.json().survey.id;
    const rows = [
      ...Array.from({ length: 60 }, (_, i) => ({ id: `Q${i}`, district: 'A', area: 'urban' })),
      ...Array.from({ length: 20 }, (_, i) => ({ id: `R${i}`, district: 'B', area: 'rural' })),
    ];
    expect((await office.post(`/api/surveys/${id}/frame`, { rows })).statusCode).toBe(200);
    await office.post(`/api/surveys/${id}/sample`, { size: 80, allocation: 'proportional', seed: 'q' });
    const issued: { invitationId: string; token: string; stratum: string }[] = (
      await office.post(`/api/surveys/${id}/invitations/issue`, {})
    ).json().items;
    const quota = 7;
    await office.raw({
      method: 'PATCH' as never,
      url: `/api/surveys/${id}`,
      payload: { quotas: { 'A|urban': quota }, openMode: true },
    });
    expect((await office.post(`/api/surveys/${id}/start`)).statusCode).toBe(200);

    const inStratum = issued.filter((i) => i.stratum === 'A|urban');
    expect(inStratum).toHaveLength(60);
    // 70 racing submissions: every invitation of the stratum, the first 10 of them twice.
    const tokens = [...inStratum, ...inStratum.slice(0, 10)].map((i) => i.token);
    // On PostgreSQL half of them go through a second connection pool, as from another server
    // process: its answers are batched apart and only the database can keep the quota.
    const other =
      BACKEND === 'postgres'
        ? await openDatabase({
            databaseUrl: withDatabase(
              process.env.DATABASE_URL!,
              (await t.db.execute(sql`select current_database() as name`)).rows[0].name as string,
            ),
          })
        : null;
    type Outcome = { status: number; error?: string; message?: string; details?: unknown };
    const viaOther = (tok: string, k: number): Promise<Outcome> =>
      submitByToken(other!.db, tok, answerFor(k)).then(
        () => ({ status: 201 }),
        (e: AppError) => ({ status: e.statusCode, error: e.error, message: e.message, details: e.details }),
      );
    const viaHttp = async (tok: string, k: number): Promise<Outcome> => {
      const r = await t.anon.post(`/api/public/s/${tok}`, { answers: answerFor(k) });
      return r.statusCode === 201 ? { status: 201 } : { status: r.statusCode, ...r.json() };
    };
    let outcomes: Outcome[];
    try {
      outcomes = await Promise.all(
        tokens.map((tok, k) => (other && k % 2 ? viaOther(tok, k) : viaHttp(tok, k))),
      );
    } finally {
      await other?.close();
    }
    expect(outcomes.filter((o) => o.status === 201)).toHaveLength(quota);
    const refused = outcomes.filter((o) => o.status !== 201);
    expect(refused.every((o) => o.status === 409)).toBe(true);
    expect(new Set(refused.map((o) => o.error))).toEqual(new Set(['quota_full', 'already_answered']));
    const full = refused.find((o) => o.error === 'quota_full')!;
    expect(full.message).toBe('The quota of stratum A|urban (7) is reached');
    expect(full.details).toEqual([{ path: 'stratum', message: 'quota of A|urban full (7)' }]);
    const stored = async (stratum: string) =>
      (
        await t.db.execute(
          sql`select count(*)::int as n from survey_responses where survey_id = ${id} and stratum = ${stratum}`,
        )
      ).rows[0].n;
    expect(await stored('A|urban')).toBe(quota);

    // Other strata go on; an open-mode answer of the full stratum is refused the same way.
    const rural = issued.find((i) => i.stratum === 'B|rural')!;
    expect((await t.anon.post(`/api/public/s/${rural.token}`, { answers: answerFor(1) })).statusCode).toBe(
      201,
    );
    await expect(
      submitOpen(t.db, id, { answers: answerFor(2), profile: { district: 'A', area: 'urban' } }),
    ).rejects.toMatchObject({ statusCode: 409, error: 'quota_full' });
    expect(await stored('A|urban')).toBe(quota);
    // Raising the quota opens exactly the new places.
    await office.raw({
      method: 'PATCH' as never,
      url: `/api/surveys/${id}`,
      payload: { quotas: { 'A|urban': quota + 1 } },
    });
    const more = await Promise.all(
      [10, 11, 12, 13].map((k) =>
        submitOpen(t.db, id, { answers: answerFor(k), profile: { district: 'A', area: 'urban' } }).then(
          () => 201,
          (e: AppError) => e.statusCode,
        ),
      ),
    );
    expect(more.sort()).toEqual([201, 409, 409, 409]);
    expect(await stored('A|urban')).toBe(quota + 1);

    // A re-issued link voids the old one on the direct path of answers too (the version is known).
    const [old, other2] = issued.filter((i) => i.stratum === 'B|rural').slice(1, 3);
    const [fresh] = (
      await office.post(`/api/surveys/${id}/invitations/issue`, { reissue: [old.invitationId] })
    ).json().items;
    expect((await t.anon.post(`/api/public/s/${old.token}`, { answers: answerFor(3) })).statusCode).toBe(404);
    expect((await t.anon.post(`/api/public/s/${fresh.token}`, { answers: answerFor(3) })).statusCode).toBe(
      201,
    );
    // Answers invalid for the survey's version are refused field by field, not stored.
    const bad = await t.anon.post(`/api/public/s/${other2.token}`, { answers: { ...answerFor(4), nps: 11 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ path: 'answers.nps', message: expect.any(String) }]);
    expect(await stored('B|rural')).toBe(2);
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
