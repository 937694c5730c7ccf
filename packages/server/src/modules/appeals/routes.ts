import {
  AppealBody,
  AppealListReply,
  AppealReply,
  AppealsQuery,
  DecideAppealBody,
  DecideAppealReply,
  IdParams,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { decideAppeal, fileAppeal, listAppeals } from './service';

const tags = ['appeals'];

export const appealRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.post(
    '/results/:id/appeals',
    { schema: { tags, params: IdParams, body: AppealBody, response: { 201: AppealReply } } },
    async (req, reply) => {
      reply.code(201);
      return { appeal: await fileAppeal(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get(
    '/appeals',
    { schema: { tags, querystring: AppealsQuery, response: { 200: AppealListReply } } },
    async (req) => ({ items: await listAppeals(db, req.actor, req.query) }),
  );
  app.post(
    '/appeals/:id/decide',
    { schema: { tags, params: IdParams, body: DecideAppealBody, response: { 200: DecideAppealReply } } },
    async (req) => decideAppeal(db, req.actor, req.params.id, req.body),
  );
};
