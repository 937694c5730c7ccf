import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../lib/actor';
import {
  createCycle,
  CYCLE_TYPES,
  getCycle,
  listCycles,
  listOverrides,
  listTransitions,
  presentCycle,
  STAGES,
  transitionCheck,
  transitionCycle,
} from './service';
import { PreconditionsFailed } from './preconditions';

const isoDate = z.iso.date();

export const CreateCycleBody = z.object({
  /** Short unique code, e.g. `2026-annual`. */
  code: z.string().trim().min(1).max(60),
  /** Name in Chinese. */
  name: z.string().trim().min(1).max(200),
  /** Name in English. */
  nameEn: z.string().trim().max(200).optional(),
  /** regular (平时), annual (年度) or term (任期). */
  type: z.enum(CYCLE_TYPES),
  /** First day of the appraised period. */
  periodStart: isoDate,
  /** Last day of the appraised period. */
  periodEnd: isoDate,
});

export const TransitionBody = z.object({
  /** Target link of the cycle. */
  to: z.enum(STAGES),
  /** Why, required when going back. */
  reason: z.string().trim().max(2000).optional(),
  /** Failing preconditions the office overrides, each with a written reason (at least 10 characters). */
  overrides: z
    .array(
      z.object({
        /** Precondition code, e.g. `plans_approved`. */
        code: z.string().trim().min(1).max(60),
        /** Why the cycle moves on although the precondition does not hold (shown on the portal). */
        reason: z.string().trim().max(2000),
      }),
    )
    .max(20)
    .optional(),
});

export const TransitionCheckQuery = z.object({
  /** Target link; default the next one. */
  to: z.enum(STAGES).optional(),
});

const IdParams = z.object({ id: z.uuid() });

export const cycleRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.get('/cycles', { schema: { tags: ['cycles'] } }, async (req) => {
    requireActor(req.actor);
    return { items: await listCycles(db) };
  });
  app.get('/cycles/:id', { schema: { tags: ['cycles'], params: IdParams } }, async (req) => {
    requireActor(req.actor);
    const cycle = presentCycle(await getCycle(db, req.params.id));
    return {
      cycle,
      transitions: await listTransitions(db, req.actor, req.params.id),
      overrides: await listOverrides(db, req.params.id),
    };
  });
  app.get(
    '/cycles/:id/transition-check',
    { schema: { tags: ['cycles'], params: IdParams, querystring: TransitionCheckQuery } },
    async (req) => transitionCheck(db, req.actor, req.params.id, req.query.to),
  );
  app.post('/cycles', { schema: { tags: ['cycles'], body: CreateCycleBody } }, async (req, reply) => {
    reply.code(201);
    return { cycle: await createCycle(db, req.actor, req.body) };
  });
  app.post(
    '/cycles/:id/transition',
    { schema: { tags: ['cycles'], params: IdParams, body: TransitionBody } },
    async (req, reply) => {
      try {
        return await transitionCycle(db, req.actor, req.params.id, req.body);
      } catch (err) {
        // The body carries the whole checklist besides the details, so the console can show it as is.
        if (err instanceof PreconditionsFailed)
          return reply.code(409).send({
            error: err.error,
            message: err.message,
            details: err.details,
            to: err.to,
            checklist: err.checklist,
          });
        throw err;
      }
    },
  );
};
