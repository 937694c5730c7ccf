import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { QUESTION_TYPES, type Answers, type Questionnaire } from '@perfcommons/domain';
import { badRequest } from '../../lib/errors';
import {
  analyseSurvey,
  DEFAULT_ANALYSIS,
  exportAnswers,
  getPublishedReport,
  listPublishedSurveys,
  publishSurvey,
} from './analysis';
import { parseFrameSheet } from './frame';
import { INVITATION_OUTCOMES, recordOutcome } from './outcomes';
import {
  enterInterview,
  openInvitation,
  openModeSurvey,
  saveDraft,
  submitByToken,
  submitOpen,
} from './intake';
import {
  closeFielding,
  createSurvey,
  drawSample,
  fieldwork,
  getSample,
  getSurvey,
  issueInvitations,
  listInvitations,
  listSurveys,
  listVersions,
  storeFrame,
  sampleSize,
  saveQuestionnaire,
  startFielding,
  updateSurvey,
} from './service';

const IdParams = z.object({ id: z.uuid() });
const TokenParams = z.object({
  /** Link token (43 characters) or short code (XXXXX-XXXXX). */
  token: z.string().min(8).max(100),
});
const Id = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'letters, digits and _ starting with a letter');
const Text = z.string().trim().min(1).max(1000);
const Mapping = {
  /** Plan of the appraisee this item rates (its public satisfaction indicator is fed by the index). */
  planId: z.uuid().optional(),
  /** Satisfaction dimension, e.g. service, efficiency, integrity. */
  dimension: z.string().trim().min(1).max(40).optional(),
};
const QuestionSchema = z.object({
  /** Unique id within the questionnaire, used as answer key and export column. */
  id: Id,
  /** single, multiple, likert5, likert7, rating0to10, matrix or text. */
  type: z.enum(QUESTION_TYPES),
  /** Question wording (zh-CN). */
  text: Text,
  /** Question wording (en). */
  textEn: Text.optional(),
  /** Must be answered when shown. */
  required: z.boolean().optional(),
  /** Choices of single / multiple. */
  options: z
    .array(z.object({ value: Id, label: Text, labelEn: Text.optional() }))
    .max(50)
    .optional(),
  /** Rows of a matrix, each on the matrix's Likert scale. */
  items: z
    .array(z.object({ id: Id, text: Text, textEn: Text.optional(), ...Mapping }))
    .max(60)
    .optional(),
  /** Points of a matrix's scale (5 or 7). */
  scale: z.union([z.literal(5), z.literal(7)]).optional(),
  /** Longest text answer. */
  maxLength: z.number().int().min(1).max(5000).optional(),
  /** Shown only when an earlier question's answer is one of `in`. */
  showIf: z.object({ questionId: Id, in: z.array(z.union([z.string(), z.number()])).max(50) }).optional(),
  ...Mapping,
});
export const QuestionnaireSchema = z.object({
  /** Sections in order, each with its questions. */
  sections: z
    .array(
      z.object({
        id: Id,
        title: Text,
        titleEn: Text.optional(),
        questions: z.array(QuestionSchema).max(200),
      }),
    )
    .min(1)
    .max(30),
});
const StrataField = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/);
const Margins = z.record(z.string(), z.record(z.string(), z.number().nonnegative()));
const Quotas = z.record(z.string(), z.number().int().nonnegative());
const AnswersSchema = z.record(
  z.string(),
  z.union([
    z.string().max(5000),
    z.array(z.string().max(100)).max(50),
    z.number(),
    z.record(z.string(), z.number()),
  ]),
);

const CreateBody = z.object({
  /** Unique short code, e.g. 2025-satisfaction. */
  code: z.string().trim().min(2).max(60),
  /** Title (zh-CN). */
  title: Text,
  /** Title (en). */
  titleEn: Text.optional(),
  /** Introduction shown to respondents. */
  description: z.string().max(5000).optional(),
  /** Cycle whose results the satisfaction index feeds. */
  cycleId: z.uuid().optional(),
  /** Frame fields forming the strata, e.g. ["district","area","respondentType"]. */
  strataFields: z.array(StrataField).min(1).max(5),
  /** Allow answers without invitation (rate-limited, lower trust). */
  openMode: z.boolean().optional(),
  /** Completed answers wanted per stratum key. */
  quotas: Quotas.optional(),
  /** Population margins per strata field for raking; default: frame counts. */
  margins: Margins.optional(),
  /** The questionnaire (version 1). */
  definition: QuestionnaireSchema,
});
const UpdateBody = z.object({
  /** Title (zh-CN). */
  title: Text.optional(),
  /** Title (en). */
  titleEn: Text.nullable().optional(),
  /** Introduction. */
  description: z.string().max(5000).nullable().optional(),
  /** Allow answers without invitation. */
  openMode: z.boolean().optional(),
  /** Completed answers wanted per stratum key. */
  quotas: Quotas.optional(),
  /** Population margins for raking (null = frame counts). */
  margins: Margins.nullable().optional(),
});
const SampleBody = z.object({
  /** Total sample size. */
  size: z.number().int().min(1).max(200_000),
  /** proportional, equal or neyman. */
  allocation: z.enum(['proportional', 'equal', 'neyman']),
  /** Seed of the draw; the same seed reproduces the same sample. */
  seed: z.string().trim().min(1).max(100),
  /** Standard deviation per stratum (neyman). */
  sd: z.record(z.string(), z.number().nonnegative()).optional(),
});
const AnalysisQuery = z.object({
  /** design, poststrat or rake (default). */
  weighting: z.enum(['design', 'poststrat', 'rake']).default(DEFAULT_ANALYSIS.weighting),
  /** Smallest weight as a multiple of the mean weight (raking). */
  trimMin: z.coerce.number().min(0).max(1).default(DEFAULT_ANALYSIS.trimMin),
  /** Largest weight as a multiple of the mean weight (raking). */
  trimMax: z.coerce.number().min(1).max(100).default(DEFAULT_ANALYSIS.trimMax),
});

const ALLOWED_UPLOADS = /\.(xlsx|csv)$/i;

export const surveyRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  const tags = ['surveys'];

  app.get('/surveys', { schema: { tags } }, async (req) => ({ items: await listSurveys(db, req.actor) }));
  app.post('/surveys', { schema: { tags, body: CreateBody } }, async (req, reply) => {
    reply.code(201);
    return createSurvey(db, req.actor, { ...req.body, definition: req.body.definition as Questionnaire });
  });
  app.post(
    '/surveys/sample-size',
    {
      schema: {
        tags,
        body: z.object({
          /** Half-width of the 95 % interval of a proportion, e.g. 0.05. */
          marginOfError: z.number().gt(0).lt(1),
          /** Confidence level, default 0.95. */
          confidence: z.number().gt(0).lt(1).optional(),
          /** Expected proportion, default 0.5. */
          p: z.number().min(0).max(1).optional(),
          /** Design effect, default 1. */
          designEffect: z.number().positive().optional(),
          /** Expected response rate, default 1. */
          responseRate: z.number().gt(0).max(1).optional(),
          /** perStratum (each stratum reported on its own) or proportional (one overall size). */
          mode: z.enum(['perStratum', 'proportional']).optional(),
          /** Take the strata from this survey's frame. */
          surveyId: z.uuid().optional(),
          /** Or give them. */
          strata: z
            .array(z.object({ stratum: z.string(), population: z.number().int().nonnegative() }))
            .max(1000)
            .optional(),
        }),
      },
    },
    async (req) => sampleSize(db, req.actor, req.body),
  );
  app.get('/surveys/:id', { schema: { tags, params: IdParams } }, async (req) =>
    getSurvey(db, req.actor, req.params.id),
  );
  app.patch('/surveys/:id', { schema: { tags, params: IdParams, body: UpdateBody } }, async (req) => ({
    survey: await updateSurvey(db, req.actor, req.params.id, req.body),
  }));
  app.get('/surveys/:id/versions', { schema: { tags, params: IdParams } }, async (req) => ({
    items: await listVersions(db, req.actor, req.params.id),
  }));
  app.put(
    '/surveys/:id/questionnaire',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          /** The whole questionnaire. */
          definition: QuestionnaireSchema,
          /** The version this edit started from (409 version_conflict when stale). */
          version: z.number().int().min(0),
        }),
      },
    },
    async (req) => ({
      version: await saveQuestionnaire(db, req.actor, req.params.id, {
        definition: req.body.definition as Questionnaire,
        version: req.body.version,
      }),
    }),
  );
  app.post(
    '/surveys/:id/frame',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          /** Frame rows: id, the strata fields, optional contact (kept for invitations only). */
          rows: z
            .array(z.record(z.string(), z.string().max(500)))
            .min(1)
            .max(200_000),
          /** replace the frame, or append these rows (chunked upload); required once a frame exists. */
          mode: z.enum(['replace', 'append']).optional(),
        }),
      },
      bodyLimit: 50 * 1024 * 1024,
    },
    async (req) => storeFrame(db, req.actor, req.params.id, req.body.rows as never, req.body.mode),
  );
  app.post(
    '/surveys/:id/frame/import',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: z.object({ mode: z.enum(['replace', 'append']).optional() }),
      },
    },
    async (req) => {
      if (!req.isMultipart())
        throw badRequest('Send the file as multipart/form-data', [{ path: 'file', message: 'required' }]);
      const file = await req.file();
      if (!file) throw badRequest('No file uploaded', [{ path: 'file', message: 'required' }]);
      if (!ALLOWED_UPLOADS.test(file.filename))
        throw badRequest('Upload an .xlsx or .csv file', [
          { path: 'file', message: 'unsupported file type' },
        ]);
      const { strataFields } = (await getSurvey(db, req.actor, req.params.id)).survey;
      const { rows, ignoredColumns } = await parseFrameSheet(
        await file.toBuffer(),
        file.filename,
        strataFields,
      );
      return {
        ...(await storeFrame(db, req.actor, req.params.id, rows, req.query.mode)),
        ignoredColumns,
      };
    },
  );
  app.post('/surveys/:id/sample', { schema: { tags, params: IdParams, body: SampleBody } }, async (req) => ({
    sample: await drawSample(db, req.actor, req.params.id, req.body),
  }));
  app.get('/surveys/:id/sample', { schema: { tags, params: IdParams } }, async (req) =>
    getSample(db, req.actor, req.params.id),
  );
  app.post(
    '/surveys/:id/invitations/issue',
    {
      schema: {
        tags,
        params: IdParams,
        body: z
          .object({
            /** Re-issue these invitations (their old links stop working). */
            reissue: z.array(z.uuid()).max(10_000).optional(),
          })
          .default({}),
      },
    },
    async (req) => ({ items: await issueInvitations(db, req.actor, req.params.id, req.body ?? {}) }),
  );
  app.get(
    '/surveys/:id/invitations',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: z.object({
          /** Only this stratum. */
          stratum: z.string().optional(),
          /** sampled, issued, partial or answered. */
          status: z.enum(['sampled', 'issued', 'partial', 'answered']).optional(),
          /** Page size. */
          limit: z.coerce.number().int().min(1).max(5000).default(100),
          /** Rows to skip. */
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (req) => listInvitations(db, req.actor, req.params.id, req.query),
  );
  app.post('/surveys/:id/start', { schema: { tags, params: IdParams } }, async (req) => ({
    survey: await startFielding(db, req.actor, req.params.id),
  }));
  app.post('/surveys/:id/close', { schema: { tags, params: IdParams } }, async (req) => ({
    survey: await closeFielding(db, req.actor, req.params.id),
  }));
  app.get('/surveys/:id/fieldwork', { schema: { tags, params: IdParams } }, async (req) =>
    fieldwork(db, req.actor, req.params.id),
  );
  app.put(
    '/surveys/:id/invitations/:invitationId/outcome',
    {
      schema: {
        tags,
        params: z.object({ id: z.uuid(), invitationId: z.uuid() }),
        body: z.object({
          /** refused, non_contact, ineligible or unknown; null clears it. */
          outcome: z.enum(INVITATION_OUTCOMES).nullable(),
        }),
      },
    },
    async (req) => ({
      outcome: await recordOutcome(db, req.actor, req.params.id, {
        invitationId: req.params.invitationId,
        outcome: req.body.outcome,
      }),
    }),
  );
  app.post(
    '/surveys/:id/outcomes',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          /** The invitation's short code or link token (interviewers). */
          code: z.string().trim().min(8).max(100),
          /** refused, non_contact, ineligible or unknown; null clears it. */
          outcome: z.enum(INVITATION_OUTCOMES).nullable(),
        }),
      },
    },
    async (req) => ({
      outcome: await recordOutcome(db, req.actor, req.params.id, req.body),
    }),
  );
  app.post(
    '/surveys/:id/interviews',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          /** The invitation's short code or link token. */
          code: z.string().trim().min(8).max(100),
          /** paper, phone or face (face to face). */
          mode: z.enum(['paper', 'phone', 'face']),
          /** Answers by question id. */
          answers: AnswersSchema,
        }),
      },
    },
    async (req, reply) => {
      reply.code(201);
      return {
        response: await enterInterview(db, req.actor, req.params.id, {
          ...req.body,
          answers: req.body.answers as Answers,
        }),
      };
    },
  );
  app.get(
    '/surveys/:id/analysis',
    { schema: { tags, params: IdParams, querystring: AnalysisQuery } },
    async (req) => analyseSurvey(db, req.actor, req.params.id, req.query),
  );
  app.get(
    '/surveys/:id/export',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: z.object({ /** csv or xlsx. */ format: z.enum(['csv', 'xlsx']).default('csv') }),
      },
    },
    async (req, reply) => {
      const out = await exportAnswers(db, req.actor, req.params.id, req.query.format);
      reply
        .header('content-type', out.type)
        .header('content-disposition', `attachment; filename="survey-answers.${out.ext}"`);
      return reply.send(out.body);
    },
  );
  app.post(
    '/surveys/:id/publish',
    { schema: { tags, params: IdParams, body: AnalysisQuery.default(DEFAULT_ANALYSIS) } },
    async (req) => publishSurvey(db, req.actor, req.params.id, req.body ?? DEFAULT_ANALYSIS),
  );

  // Public side: published reports, the answering page's API, open mode.
  const ptags = ['public'];
  app.get(
    '/public/surveys',
    { schema: { tags: ptags, querystring: z.object({ cycleId: z.uuid().optional() }) } },
    async (req) => ({ items: await listPublishedSurveys(db, req.query) }),
  );
  app.get('/public/surveys/:id', { schema: { tags: ptags, params: IdParams } }, async (req) =>
    getPublishedReport(db, req.params.id),
  );
  app.get('/public/surveys/:id/open', { schema: { tags: ptags, params: IdParams } }, async (req) =>
    openModeSurvey(db, req.params.id),
  );
  app.post(
    '/public/surveys/:id/open',
    {
      schema: {
        tags: ptags,
        params: IdParams,
        body: z.object({
          /** Answers by question id. */
          answers: AnswersSchema,
          /** The respondent's own strata fields (district, area, type …). */
          profile: z.record(z.string(), z.string().max(100)),
        }),
      },
      // Anyone may answer: a few answers per minute per address keep floods out of the consultation.
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      reply.code(201);
      return {
        response: await submitOpen(db, req.params.id, {
          answers: req.body.answers as Answers,
          profile: req.body.profile,
        }),
      };
    },
  );
  // Short codes are guessable in principle (~49 bits): lookups by code are rate-limited; 256-bit link tokens are not.
  const codeLimit = {
    rateLimit: {
      max: 30,
      timeWindow: '1 minute',
      allowList: (req: { params?: unknown }) => ((req.params as { token?: string })?.token ?? '').length > 20,
    },
  };
  app.get(
    '/public/s/:token',
    { schema: { tags: ptags, params: TokenParams }, config: codeLimit },
    async (req) => openInvitation(db, req.params.token),
  );
  app.put(
    '/public/s/:token/draft',
    {
      schema: {
        tags: ptags,
        params: TokenParams,
        body: z.object({ /** Answers so far. */ answers: AnswersSchema }),
      },
      config: codeLimit,
    },
    async (req) => saveDraft(db, req.params.token, req.body.answers as Answers),
  );
  app.post(
    '/public/s/:token',
    {
      schema: {
        tags: ptags,
        params: TokenParams,
        body: z.object({ /** All answers. */ answers: AnswersSchema }),
      },
      config: codeLimit,
    },
    async (req, reply) => {
      reply.code(201);
      return { response: await submitByToken(db, req.params.token, req.body.answers as Answers) };
    },
  );
};
