import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveyPermissions } from '@perfcommons/contracts';
import { DEFAULT_ANALYSIS, type SurveyStatus } from '@perfcommons/contracts/enums';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { answerFor, frameRows, surveyCity, surveyDefinition, type Invitation } from '../../../test/surveys';

/**
 * Issue 11: the survey detail's `can` is what the use cases allow. Through the survey's life (draft,
 * fielding, closed, published) every action is sent right after reading `can`: 2xx exactly when `can`
 * says so, else the refusal it gives (409; the portal's report 404).
 */
let t: TestApp;
let office: Client;
let surveyId: string;
let definition: () => ReturnType<typeof surveyDefinition>;
let invitations: Invitation[] = [];
let next = 0;

type Action = keyof SurveyPermissions;
type Probe = () => Promise<{ statusCode: number; body: string }>;

const detail = async () => {
  const res = await office.get(`/api/surveys/${surveyId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    survey: { status: SurveyStatus };
    version: { version: number };
    can: SurveyPermissions;
  };
};

/** The request each `can` stands for (as the web sends it), and the status it is refused with. */
const probes: Record<Action, { send: Probe; refused: number }> = {
  editQuestionnaire: {
    send: async () =>
      office.put(`/api/surveys/${surveyId}/questionnaire`, {
        definition: definition(),
        version: (await detail()).version.version,
      }),
    refused: 409,
  },
  changeFrame: {
    send: () => office.post(`/api/surveys/${surveyId}/frame`, { rows: frameRows(), mode: 'replace' }),
    refused: 409,
  },
  drawSample: {
    send: () =>
      office.post(`/api/surveys/${surveyId}/sample`, { size: 40, allocation: 'proportional', seed: 'can' }),
    refused: 409,
  },
  issueInvitations: {
    send: async () => {
      const res = await office.post(`/api/surveys/${surveyId}/invitations/issue`, {});
      if (res.statusCode === 200) invitations = [...invitations, ...res.json().items];
      return res;
    },
    refused: 409,
  },
  recordOutcomes: {
    send: () =>
      office.put(`/api/surveys/${surveyId}/invitations/${invitations[next++].invitationId}/outcome`, {
        outcome: 'refused',
      }),
    refused: 409,
  },
  enterInterviews: {
    send: () =>
      office.post(`/api/surveys/${surveyId}/interviews`, {
        code: invitations[next].shortCode,
        mode: 'paper',
        answers: answerFor(next++),
      }),
    refused: 409,
  },
  analyse: { send: () => office.get(`/api/surveys/${surveyId}/analysis`), refused: 409 },
  viewReport: { send: () => t.anon.get(`/api/public/surveys/${surveyId}`), refused: 404 },
  start: { send: () => office.post(`/api/surveys/${surveyId}/start`, {}), refused: 409 },
  close: { send: () => office.post(`/api/surveys/${surveyId}/close`, {}), refused: 409 },
  publish: { send: () => office.post(`/api/surveys/${surveyId}/publish`, DEFAULT_ANALYSIS), refused: 409 },
};

/** Reads `can`, sends the action, and checks the server agrees with itself. */
async function check(action: Action) {
  const { can } = await detail();
  const res = await probes[action].send();
  if (can[action]) expect(res.statusCode, `${action}: ${res.body}`).toBeLessThan(300);
  else expect(res.statusCode, `${action}: ${res.body}`).toBe(probes[action].refused);
}

const no: SurveyPermissions = {
  editQuestionnaire: false,
  changeFrame: false,
  drawSample: false,
  issueInvitations: false,
  start: false,
  close: false,
  recordOutcomes: false,
  enterInterviews: false,
  analyse: false,
  publish: false,
  viewReport: false,
};
const expected: Record<SurveyStatus, SurveyPermissions> = {
  draft: {
    ...no,
    editQuestionnaire: true,
    changeFrame: true,
    drawSample: true,
    issueInvitations: true,
    start: true,
  },
  fielding: {
    ...no,
    issueInvitations: true,
    close: true,
    recordOutcomes: true,
    enterInterviews: true,
    analyse: true,
  },
  closed: { ...no, recordOutcomes: true, analyse: true, publish: true },
  published: { ...no, analyse: true, publish: true, viewReport: true },
};
/** The actions that keep the status, in the order sent; then the ones that move it, the allowed one last. */
const steady: Action[] = [
  'editQuestionnaire',
  'changeFrame',
  'drawSample',
  'changeFrame',
  'issueInvitations',
  'recordOutcomes',
  'enterInterviews',
  'enterInterviews',
  'analyse',
  'viewReport',
];
const moves: Record<SurveyStatus, Action[]> = {
  draft: ['close', 'publish', 'start'],
  fielding: ['start', 'publish', 'close'],
  closed: ['start', 'close', 'publish'],
  published: ['start', 'close', 'publish'],
};
const after: Record<SurveyStatus, SurveyStatus> = {
  draft: 'fielding',
  fielding: 'closed',
  closed: 'published',
  published: 'published',
};

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const city = await surveyCity(t, 'scan');
  office = city.office;
  definition = () => surveyDefinition(city.eduPlanId, city.culPlanId);
  const created = await office.post('/api/surveys', {
    code: 'can-2025',
    title: '公共服务满意度调查',
    cycleId: city.cycle.id,
    strataFields: ['district', 'area'],
    definition: definition(),
  });
  expect(created.statusCode, created.body).toBe(201);
  surveyId = created.json().survey.id;
  expect((await office.post(`/api/surveys/${surveyId}/frame`, { rows: frameRows() })).statusCode).toBe(200);
});
afterAll(async () => t?.close());

describe('survey detail can', () => {
  it.each(['draft', 'fielding', 'closed', 'published'] as const)(
    'in %s: sends can, and each action is allowed exactly when can says so',
    async (status) => {
      const d = await detail();
      expect(d.survey.status).toBe(status);
      expect(d.can).toEqual(expected[status]);
      for (const action of [...steady, ...moves[status]]) await check(action);
      expect((await detail()).survey.status).toBe(after[status]);
    },
  );

  it('once a sample is drawn the frame is fixed, and the questionnaire once fielded', async () => {
    const { can } = await detail();
    expect(can.changeFrame).toBe(false);
    expect(can.editQuestionnaire).toBe(false);
  });
});
