import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../lib/actor';
import {
  createCycle,
  CYCLE_TYPES,
  getCycle,
  listCycles,
  listTransitions,
  presentCycle,
  STAGES,
  transitionCycle,
} from './service';

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
    return { cycle, transitions: await listTransitions(db, req.actor, req.params.id) };
  });
  app.post('/cycles', { schema: { tags: ['cycles'], body: CreateCycleBody } }, async (req, reply) => {
    reply.code(201);
    return { cycle: await createCycle(db, req.actor, req.body) };
  });
  app.post(
    '/cycles/:id/transition',
    { schema: { tags: ['cycles'], params: IdParams, body: TransitionBody } },
    async (req) => ({ cycle: await transitionCycle(db, req.actor, req.params.id, req.body) }),
  );
};
