import {
  AnalysisQuery,
  ExportQuery,
  IdParams,
  PublicSurveysQuery,
  PublishedSurveyListReply,
  PublishSurveyBody,
  PublishSurveyReply,
  SurveyAnalysis,
  SurveyExportReply,
  SurveyReportReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import {
  analyseSurvey,
  DEFAULT_ANALYSIS,
  exportAnswers,
  getPublishedReport,
  listPublishedSurveys,
  publishSurvey,
} from './analysis';

/** Analysis, export and publication of a survey; the published reports on the portal. */
export const surveyAnalysisRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['surveys'];

  app.get(
    '/surveys/:id/analysis',
    { schema: { tags, params: IdParams, querystring: AnalysisQuery, response: { 200: SurveyAnalysis } } },
    async (req) => analyseSurvey(db, req.actor, req.params.id, req.query),
  );
  app.get(
    '/surveys/:id/export',
    { schema: { tags, params: IdParams, querystring: ExportQuery, response: { 200: SurveyExportReply } } },
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
