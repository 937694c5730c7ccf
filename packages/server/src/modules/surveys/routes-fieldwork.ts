import {
  FieldworkReply,
  IdParams,
  InterviewBody,
  InvitationParams,
  OutcomeBody,
  OutcomeByCodeBody,
  OutcomeReply,
  StoredResponseReply,
  SurveyReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { enterInterview } from './intake';
import { recordOutcome } from './outcomes';
import { closeFielding, fieldwork, startFielding } from './use-cases';

/** Fieldwork: start and close, live progress, outcomes of invitations without an answer, interviews. */
export const surveyFieldworkRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['surveys'];

  app.post(
    '/surveys/:id/start',
    { schema: { tags, params: IdParams, response: { 200: SurveyReply } } },
    async (req) => ({ survey: await startFielding(db, req.actor, req.params.id) }),
  );
  app.post(
    '/surveys/:id/close',
    { schema: { tags, params: IdParams, response: { 200: SurveyReply } } },
    async (req) => ({ survey: await closeFielding(db, req.actor, req.params.id) }),
  );
  app.get(
    '/surveys/:id/fieldwork',
    { schema: { tags, params: IdParams, response: { 200: FieldworkReply } } },
    async (req) => fieldwork(db, req.actor, req.params.id),
  );
  app.put(
    '/surveys/:id/invitations/:invitationId/outcome',
    { schema: { tags, params: InvitationParams, body: OutcomeBody, response: { 200: OutcomeReply } } },
    async (req) => ({
      outcome: await recordOutcome(db, req.actor, req.params.id, {
        invitationId: req.params.invitationId,
        outcome: req.body.outcome,
      }),
    }),
  );
  app.post(
    '/surveys/:id/outcomes',
    { schema: { tags, params: IdParams, body: OutcomeByCodeBody, response: { 200: OutcomeReply } } },
    async (req) => ({ outcome: await recordOutcome(db, req.actor, req.params.id, req.body) }),
  );
  app.post(
    '/surveys/:id/interviews',
    { schema: { tags, params: IdParams, body: InterviewBody, response: { 201: StoredResponseReply } } },
    async (req, reply) => {
      reply.code(201);
      return {
        response: await enterInterview(db, req.actor, req.params.id, req.body),
      };
    },
  );
};
