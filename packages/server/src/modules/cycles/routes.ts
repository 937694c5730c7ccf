import {
  CreateCycleBody,
  CycleDetailReply,
  CycleListReply,
  CycleReply,
  IdParams,
  PreconditionsFailedReply,
  TransitionBody,
  TransitionCheckQuery,
  TransitionCheckReply,
  TransitionReply,
} from '@perfcommons/contracts';
import { requireActor } from '../../lib/actor';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import {
  createCycle,
  getCycle,
  listCycles,
  listOverrides,
  listTransitions,
  presentCycle,
  staffCycle,
  transitionCheck,
  transitionCycle,
} from './service';
import { PreconditionsFailed } from './preconditions';

export { CreateCycleBody, TransitionBody, TransitionCheckQuery };

export const cycleRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get('/cycles', { schema: { tags: ['cycles'], response: { 200: CycleListReply } } }, async (req) => {
    const actor = requireActor(req.actor);
    return { items: (await listCycles(db)).map((c) => staffCycle(actor, c)) };
  });
  app.get(
    '/cycles/:id',
    { schema: { tags: ['cycles'], params: IdParams, response: { 200: CycleDetailReply } } },
    async (req) => {
      const actor = requireActor(req.actor);
      const cycle = presentCycle(await getCycle(db, req.params.id));
      return {
        cycle: staffCycle(actor, cycle),
        transitions: await listTransitions(db, req.actor, req.params.id),
        overrides: await listOverrides(db, req.params.id),
      };
    },
  );
  app.get(
    '/cycles/:id/transition-check',
    {
      schema: {
        tags: ['cycles'],
        params: IdParams,
        querystring: TransitionCheckQuery,
        response: { 200: TransitionCheckReply },
      },
    },
    async (req) => transitionCheck(db, req.actor, req.params.id, req.query.to),
  );
  app.post(
    '/cycles',
    { schema: { tags: ['cycles'], body: CreateCycleBody, response: { 201: CycleReply } } },
    async (req, reply) => {
      reply.code(201);
      return { cycle: await createCycle(db, req.actor, req.body) };
    },
  );
  app.post(
    '/cycles/:id/transition',
    {
      schema: {
        tags: ['cycles'],
        params: IdParams,
        body: TransitionBody,
        response: { 200: TransitionReply, 409: PreconditionsFailedReply },
      },
    },
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
