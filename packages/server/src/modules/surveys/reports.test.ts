import { createHash, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonresponseAdjust, surveyDesign, svyChisq, svyMean } from '@perfcommons/domain';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import {
  answerFor,
  sampledSurvey,
  surveyCity,
  surveyDefinition,
  type Invitation,
} from '../../../test/surveys';
import { jobs, surveyFrameUnits, surveyInvitations, surveyResponses } from '../../db/schema';
import { submitOpen } from './intake';

/**
 * Analysis, export and the published report on an empty install: the fielded sample of 80 of a
 * 1,000-unit frame answered 59 times (web, phone and paper), 3 open-mode answers, 3 recorded outcomes
 * (refused, non-contact, ineligible), and three residents' ratings of 文旅局's public leaf.
 */
process.env.JOB_POLL_SECONDS = '0.5';

let t: TestApp;
let office: Client;
let admin: Client;
let manager: Client;
let cycleId: string;
let eduPlanId: string;
let culPlanId: string;
let surveyId: string;
let invitations: Invitation[];
let definition: () => ReturnType<typeof surveyDefinition>;
/** The residents' ratings of 文旅局's public leaf A2. */
const PUBLIC_SCORES = [40, 70, 95];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const city = await surveyCity(t, 'srep');
  ({ office, eduPlanId, culPlanId } = city);
  cycleId = city.cycle.id;
  definition = () => surveyDefinition(eduPlanId, culPlanId);
  admin = await (await city.f.user([{ role: 'admin' }])).login();
  manager = await (await city.f.user([{ role: 'unit_manager', orgUnitId: city.eduUnitId }])).login();
  ({ surveyId, invitations } = await sampledSurvey(city, 'report-2025'));
  expect((await office.post(`/api/surveys/${surveyId}/start`)).statusCode).toBe(200);
  // Invitations 1–59 answered: one by phone, every fifth on paper, the others by their link.
  for (let i = 1; i < 60; i++) {
    const r = await (i === 3 || i % 5 === 0
      ? office.post(`/api/surveys/${surveyId}/interviews`, {
          code: invitations[i].shortCode,
          mode: i === 3 ? 'phone' : 'paper',
          answers: answerFor(i),
        })
      : t.anon.post(`/api/public/s/${invitations[i].token}`, { answers: answerFor(i) }));
    expect(r.statusCode, r.body).toBe(201);
  }
  // Three open-mode answers (lower trust, no invitation).
  await office.raw({
    method: 'PATCH' as never,
    url: `/api/surveys/${surveyId}`,
    payload: { openMode: true },
  });
  for (let k = 0; k < 3; k++)
    await submitOpen(t.db, surveyId, { answers: answerFor(k), profile: { district: 'B', area: 'urban' } });
  // Outcomes of three unanswered invitations.
  for (const [i, outcome] of [
    [61, 'refused'],
    [62, 'non_contact'],
    [63, 'ineligible'],
  ] as const) {
    const r = await office.raw({
      method: 'PUT' as never,
      url: `/api/surveys/${surveyId}/invitations/${invitations[i].invitationId}/outcome`,
      payload: { outcome },
    });
    expect(r.statusCode, r.body).toBe(200);
  }
  // Residents rate 文旅局's public leaf: a panel the cycle trims one rating each side of.
  const raters = [];
  for (let i = 0; i < PUBLIC_SCORES.length; i++) raters.push(await city.f.user([{ role: 'public' }]));
  const assigned = await city.f.tasks({
    cycleId,
    planIds: [culPlanId],
    subjectType: 'public',
    raterIds: raters.map((r) => r.id),
  });
  expect(assigned.created).toBe(PUBLIC_SCORES.length);
  for (const [i, rater] of raters.entries()) {
    const r = await (
      await rater.login()
    ).post(`/api/plans/${culPlanId}/ratings`, {
      indicatorCode: 'A2',
      subjectType: 'public',
      score: PUBLIC_SCORES[i],
    });
    expect(r.statusCode, r.body).toBe(201);
  }
});
afterAll(async () => t?.close());

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
    expect(before.n).toBe(PUBLIC_SCORES.length);
    expect(after.n).toBe(before.n + 1);
    // The cycle trims one rating each side: the survey index is an estimate, never trimmed as one rater.
    expect(after.notes.some((n) => n.startsWith('public: ') && n.endsWith('1 survey estimate(s) kept'))).toBe(
      true,
    );
    expect(after.notes).toContain(
      `public: dropped 1 highest and 1 lowest of ${PUBLIC_SCORES.length}; 1 survey estimate(s) kept`,
    );
  });
});
