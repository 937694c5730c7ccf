import {
  CreateSurveyBody,
  CreateSurveyReply,
  IdParams,
  SaveQuestionnaireBody,
  SaveQuestionnaireReply,
  SurveyDetailReply,
  SurveyListReply,
  SurveyReply,
  SurveyVersionListReply,
  UpdateSurveyBody,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { surveyAnalysisRoutes } from './routes-analysis';
import { surveyAnsweringRoutes } from './routes-answering';
import { surveyFieldworkRoutes } from './routes-fieldwork';
import { surveySamplingRoutes } from './routes-sampling';
import {
  createSurvey,
  getSurvey,
  listSurveys,
  listVersions,
  saveQuestionnaire,
  updateSurvey,
} from './use-cases';

/** Surveys: design here; sampling, fieldwork, analysis and the public answering side in their own files. */
export const surveyRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['surveys'];

  app.get('/surveys', { schema: { tags, response: { 200: SurveyListReply } } }, async (req) => ({
    items: await listSurveys(db, req.actor),
  }));
  app.post(
    '/surveys',
    { schema: { tags, body: CreateSurveyBody, response: { 201: CreateSurveyReply } } },
    async (req, reply) => {
      reply.code(201);
      return createSurvey(db, req.actor, req.body);
    },
  );
  app.get(
    '/surveys/:id',
    { schema: { tags, params: IdParams, response: { 200: SurveyDetailReply } } },
    async (req) => getSurvey(db, req.actor, req.params.id),
  );
  app.patch(
    '/surveys/:id',
    { schema: { tags, params: IdParams, body: UpdateSurveyBody, response: { 200: SurveyReply } } },
    async (req) => ({ survey: await updateSurvey(db, req.actor, req.params.id, req.body) }),
  );
  app.get(
    '/surveys/:id/versions',
    { schema: { tags, params: IdParams, response: { 200: SurveyVersionListReply } } },
    async (req) => ({ items: await listVersions(db, req.actor, req.params.id) }),
  );
  app.put(
    '/surveys/:id/questionnaire',
    {
      schema: {
        tags,
        params: IdParams,
        body: SaveQuestionnaireBody,
        response: { 200: SaveQuestionnaireReply },
      },
    },
    async (req) => ({
      version: await saveQuestionnaire(db, req.actor, req.params.id, {
        definition: req.body.definition,
        version: req.body.version,
      }),
    }),
  );

  await app.register(surveySamplingRoutes);
  await app.register(surveyFieldworkRoutes);
  await app.register(surveyAnalysisRoutes);
  await app.register(surveyAnsweringRoutes);
};
