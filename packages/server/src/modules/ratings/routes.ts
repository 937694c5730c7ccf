import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SubjectTypeSchema } from '@perfcommons/contracts';
import { listRatings, myTasks, submitRating } from './service';

const IdParams = z.object({ id: z.uuid() });
export const RatingBody = z.object({
  /** Code of the indicator rated. */
  indicatorCode: z.string().trim().min(1).max(40),
  /** The evaluation subject the rater acts as. */
  subjectType: SubjectTypeSchema.exclude(['data']),
  /** Score 0–100. */
  score: z.number().finite().min(0).max(100),
  /** Optional comment. */
  comment: z.string().max(2000).optional(),
});

export const ratingRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.get('/plans/:id/ratings', { schema: { tags: ['ratings'], params: IdParams } }, async (req) => ({
    items: await listRatings(db, req.actor, req.params.id),
  }));
  app.post(
    '/plans/:id/ratings',
    { schema: { tags: ['ratings'], params: IdParams, body: RatingBody } },
    async (req, reply) => {
      reply.code(201);
      return { rating: await submitRating(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get('/ratings/tasks', { schema: { tags: ['ratings'] } }, async (req) => ({
    items: await myTasks(db, req.actor),
  }));
};
