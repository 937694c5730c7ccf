import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decideAppeal, fileAppeal, listAppeals } from './service';

const IdParams = z.object({ id: z.uuid() });

export const AppealBody = z.object({
  /** The indicator whose score is appealed. */
  indicatorCode: z.string().trim().min(1).max(40),
  /** Why the score is wrong. */
  reason: z.string().trim().min(5).max(5000),
  /** Evidence: links or references to documents. */
  evidence: z.array(z.string().trim().min(1).max(500)).max(20).optional(),
});

export const DecideBody = z.object({
  /** accepted or rejected. */
  decision: z.enum(['accepted', 'rejected']),
  /** The reviewer's reasons (shown to the appellant). */
  reason: z.string().trim().min(2).max(5000),
  /** When accepted: the corrected value, which triggers a recompute. */
  correction: z
    .object({
      value: z.number().finite(),
      period: z
        .string()
        .regex(/^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/)
        .optional(),
    })
    .optional(),
});

export const appealRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.post(
    '/results/:id/appeals',
    { schema: { tags: ['appeals'], params: IdParams, body: AppealBody } },
    async (req, reply) => {
      reply.code(201);
      return { appeal: await fileAppeal(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get(
    '/appeals',
    { schema: { tags: ['appeals'], querystring: z.object({ cycleId: z.uuid().optional() }) } },
    async (req) => ({
      items: await listAppeals(db, req.actor, req.query),
    }),
  );
  app.post(
    '/appeals/:id/decide',
    { schema: { tags: ['appeals'], params: IdParams, body: DecideBody } },
    async (req) => decideAppeal(db, req.actor, req.params.id, req.body),
  );
};
