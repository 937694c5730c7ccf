import {
  CycleUnitQuery,
  IdParams,
  ModerateBody,
  ModerateReply,
  NeedBody,
  NeedLinkBody,
  NeedLinkParams,
  NeedLinkReply,
  NeedListReply,
  NeedReply,
  NeedSupportReply,
  OkReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { submitLimit } from './limits';
import { moderate } from './moderation';
import { linkNeed, listNeeds, submitNeed, supportNeed, unlinkNeed } from './needs';

/** Link 1 (needs: submitted, supported, linked to the unit's goals) and moderation of public content. */
export const participationNeedRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['participation'];

  app.post(
    '/participation/needs',
    { schema: { tags, body: NeedBody, response: { 201: NeedReply } }, config: submitLimit },
    async (req, reply) => {
      reply.code(201);
      return { need: await submitNeed(db, req.actor, req.body) };
    },
  );
  app.post(
    '/participation/needs/:id/support',
    { schema: { tags, params: IdParams, response: { 201: NeedSupportReply } }, config: submitLimit },
    async (req, reply) => {
      reply.code(201);
      return supportNeed(db, req.actor, req.params.id);
    },
  );
  app.get(
    '/participation/needs',
    { schema: { tags, querystring: CycleUnitQuery, response: { 200: NeedListReply } } },
    async (req) => ({ items: await listNeeds(db, req.actor, req.query, { official: true }) }),
  );
  app.post(
    '/participation/needs/:id/links',
    { schema: { tags, params: IdParams, body: NeedLinkBody, response: { 201: NeedLinkReply } } },
    async (req, reply) => {
      reply.code(201);
      return { link: await linkNeed(db, req.actor, req.params.id, req.body) };
    },
  );
  app.delete(
    '/participation/needs/:id/links/:code',
    { schema: { tags, params: NeedLinkParams, response: { 200: OkReply } } },
    async (req) => unlinkNeed(db, req.actor, req.params.id, req.params.code),
  );
  app.post(
    '/participation/moderate',
    { schema: { tags, body: ModerateBody, response: { 200: ModerateReply } } },
    async (req) => ({ item: await moderate(db, req.actor, req.body) }),
  );
};
