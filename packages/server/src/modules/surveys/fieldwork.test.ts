import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aaporRates } from '@perfcommons/domain';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import {
  answerFor,
  sampledSurvey,
  surveyCity,
  surveyDefinition,
  type Invitation,
} from '../../../test/surveys';
import { surveyResponses } from '../../db/schema';

/**
 * Fieldwork on an empty install: a sample of 80 of its own 1,000-unit frame, answered by link, by
 * interviewers and in open mode, with quotas and recorded outcomes.
 */
let t: TestApp;
let office: Client;
let citizen: Client;
let surveyId: string;
let invitations: Invitation[];
let definition: () => ReturnType<typeof surveyDefinition>;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const city = await surveyCity(t, 'sfw');
  office = city.office;
  definition = () => surveyDefinition(city.eduPlanId, city.culPlanId);
  citizen = await (await city.f.user([{ role: 'public' }])).login();
  ({ surveyId, invitations } = await sampledSurvey(city, 'fieldwork-2025'));
});
afterAll(async () => t?.close());

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
