import {
  AssignTasksBody,
  AssignTasksReply,
  IdParams,
  PanelListReply,
  RaterQualityReply,
  RegulationsReply,
  RulesReply,
  ThirdPartyBody,
  ThirdPartyReply,
  UpdateRulesBody,
  UpdateRulesReply,
} from '@perfcommons/contracts';
import { requireActor } from '../../lib/actor';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import {
  assignTasks,
  createThirdParty,
  getRules,
  listPanels,
  raterQuality,
  regulations,
  updateRules,
} from './service';

export const evaluationRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/cycles/:id/rules',
    { schema: { tags: ['evaluation'], params: IdParams, response: { 200: RulesReply } } },
    async (req) => {
      requireActor(req.actor);
      return getRules(db, req.params.id);
    },
  );
  app.put(
    '/cycles/:id/rules',
    {
      schema: {
        tags: ['evaluation'],
        params: IdParams,
        body: UpdateRulesBody,
        response: { 200: UpdateRulesReply },
      },
    },
    async (req) => ({
      version: await updateRules(db, req.actor, req.params.id, req.body),
    }),
  );
  app.get(
    '/public/cycles/:id/regulations',
    { schema: { tags: ['public'], params: IdParams, response: { 200: RegulationsReply } } },
    async (req) => regulations(db, req.params.id),
  );
  app.post(
    '/cycles/:id/tasks',
    {
      schema: {
        tags: ['evaluation'],
        params: IdParams,
        body: AssignTasksBody,
        response: { 200: AssignTasksReply },
      },
    },
    async (req) => assignTasks(db, req.actor, { cycleId: req.params.id, ...req.body }),
  );
  app.get(
    '/cycles/:id/panels',
    { schema: { tags: ['evaluation'], params: IdParams, response: { 200: PanelListReply } } },
    async (req) => ({
      items: await listPanels(db, req.actor, req.params.id),
    }),
  );
  app.get(
    '/cycles/:id/rater-quality',
    { schema: { tags: ['evaluation'], params: IdParams, response: { 200: RaterQualityReply } } },
    async (req) => raterQuality(db, req.actor, req.params.id),
  );
  app.post(
    '/evaluation/third-parties',
    { schema: { tags: ['evaluation'], body: ThirdPartyBody, response: { 201: ThirdPartyReply } } },
    async (req, reply) => {
      reply.code(201);
      return createThirdParty(db, req.actor, req.body);
    },
  );
};
