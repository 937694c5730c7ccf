import {
  AnalysisQuery,
  ExportQuery,
  IdParams,
  JobAccepted,
  PublicSurveysQuery,
  PublishedSurveyListReply,
  PublishSurveyBody,
  PublishSurveyReply,
  SurveyAnalysis,
  SurveyExportReply,
  SurveyReportReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { sendJobOutput } from '../jobs/routes';
import {
  analyseSurvey,
  DEFAULT_ANALYSIS,
  getPublishedReport,
  listPublishedSurveys,
  publishSurvey,
} from './analysis';
import { queueSurveyExport } from './export-job';

/** Analysis, export and publication of a survey; the published reports on the portal. */
export const surveyAnalysisRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['surveys'];

  app.get(
    '/surveys/:id/analysis',
    { schema: { tags, params: IdParams, querystring: AnalysisQuery, response: { 200: SurveyAnalysis } } },
    async (req) => analyseSurvey(db, req.actor, req.params.id, req.query),
  );
  // A job (202 with its id; the file at GET /api/jobs/:id/file); `?wait=true` answers the file.
  app.post(
    '/surveys/:id/export',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: ExportQuery,
        response: { 200: SurveyExportReply, 202: JobAccepted },
      },
    },
    async (req, reply) => {
      const jobId = await queueSurveyExport(db, app.jobs, req.actor, req.params.id, req.query.format);
      if (!req.query.wait) return reply.code(202).send({ jobId });
      const done = await app.jobs.outcome(jobId);
      if (!done.done) return reply.code(202).send({ jobId });
      return sendJobOutput(reply, db, req.actor, jobId);
    },
  );
  app.post(
    '/surveys/:id/publish',
    { schema: { tags, params: IdParams, body: PublishSurveyBody, response: { 200: PublishSurveyReply } } },
    async (req) => publishSurvey(db, req.actor, req.params.id, req.body ?? DEFAULT_ANALYSIS),
  );

  const ptags = ['public', 'surveys'];
  app.get(
    '/public/surveys',
    { schema: { tags: ptags, querystring: PublicSurveysQuery, response: { 200: PublishedSurveyListReply } } },
    async (req) => ({ items: await listPublishedSurveys(db, req.query) }),
  );
  app.get(
    '/public/surveys/:id',
    { schema: { tags: ptags, params: IdParams, response: { 200: SurveyReportReply } } },
    async (req) => getPublishedReport(db, req.params.id),
  );
};
