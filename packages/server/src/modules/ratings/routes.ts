import {
  IdParams,
  RatingBody,
  RatingListReply,
  RatingReply,
  RatingTaskListReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { listRatings, myTasks, submitRating } from './service';

const tags = ['ratings'];

export const ratingRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/plans/:id/ratings',
    { schema: { tags, params: IdParams, response: { 200: RatingListReply } } },
    async (req) => ({ items: await listRatings(db, req.actor, req.params.id) }),
  );
  app.post(
    '/plans/:id/ratings',
    { schema: { tags, params: IdParams, body: RatingBody, response: { 201: RatingReply } } },
    async (req, reply) => {
      reply.code(201);
      return { rating: await submitRating(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get('/ratings/tasks', { schema: { tags, response: { 200: RatingTaskListReply } } }, async (req) => ({
    items: await myTasks(db, req.actor),
  }));
};
