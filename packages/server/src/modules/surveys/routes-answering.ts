import {
  DraftBody,
  DraftReply,
  IdParams,
  InvitationPageReply,
  OpenAnswerBody,
  OpenSurveyReply,
  StoredResponseReply,
  SubmitAnswersBody,
  SurveyTokenParams,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { openInvitation, openModeSurvey, saveDraft, submitByToken, submitOpen } from './intake';

/** The public answering side: open-mode surveys, and the page behind an invitation's link or code. */
export const surveyAnsweringRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['public', 'surveys'];

  app.get(
    '/public/surveys/:id/open',
    { schema: { tags, params: IdParams, response: { 200: OpenSurveyReply } } },
    async (req) => openModeSurvey(db, req.params.id),
  );
  app.post(
    '/public/surveys/:id/open',
    {
      schema: { tags, params: IdParams, body: OpenAnswerBody, response: { 201: StoredResponseReply } },
      // Anyone may answer: a few answers per minute per address keep floods out of the consultation.
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      reply.code(201);
      return { response: await submitOpen(db, req.params.id, req.body) };
    },
  );
  // Short codes are guessable in principle (~49 bits): lookups by code are rate-limited; 256-bit link tokens are not.
  const codeLimit = {
    rateLimit: {
      max: 30,
      timeWindow: '1 minute',
      allowList: ({ params: p }: { params?: unknown }) =>
        typeof p === 'object' && p !== null && 'token' in p && String(p.token).length > 20,
    },
  };
  app.get(
    '/public/s/:token',
    {
      schema: { tags, params: SurveyTokenParams, response: { 200: InvitationPageReply } },
      config: codeLimit,
    },
    async (req) => openInvitation(db, req.params.token),
  );
  app.put(
    '/public/s/:token/draft',
    {
      schema: { tags, params: SurveyTokenParams, body: DraftBody, response: { 200: DraftReply } },
      config: codeLimit,
    },
    async (req) => saveDraft(db, req.params.token, req.body.answers),
  );
  app.post(
    '/public/s/:token',
    {
      schema: {
        tags,
        params: SurveyTokenParams,
        body: SubmitAnswersBody,
        response: { 201: StoredResponseReply },
      },
      config: codeLimit,
    },
    async (req, reply) => {
      reply.code(201);
      return { response: await submitByToken(db, req.params.token, req.body.answers) };
    },
  );
};
