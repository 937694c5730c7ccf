import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { APPRAISEE_TYPES, SaveTreeBody } from '@perfcommons/contracts';
import { approvePlan, getPlan, listPlans, saveTree, submitPlan } from './service';

const IdParams = z.object({ id: z.uuid() });
export const PlansQuery = z.object({
  /** Only plans of this cycle. */
  cycleId: z.uuid().optional(),
  /** unit, cadre or project. */
  appraiseeType: z.enum(APPRAISEE_TYPES).optional(),
  /** Only plans of this org unit. */
  orgUnitId: z.uuid().optional(),
});
export const ApproveBody = z
  .object({
    /** Why the office approves despite open issues (recorded). */
    overrideReason: z.string().trim().max(2000).optional(),
  })
  .default({});

export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.get('/plans', { schema: { tags: ['plans'], querystring: PlansQuery } }, async (req) => ({
    items: await listPlans(db, req.actor, req.query),
  }));
  app.get('/plans/:id', { schema: { tags: ['plans'], params: IdParams } }, async (req) =>
    getPlan(db, req.actor, req.params.id),
  );
  app.put(
    '/plans/:id/tree',
    { schema: { tags: ['plans'], params: IdParams, body: SaveTreeBody } },
    async (req) => saveTree(db, req.actor, req.params.id, req.body),
  );
  app.post('/plans/:id/submit', { schema: { tags: ['plans'], params: IdParams } }, async (req) => ({
    plan: await submitPlan(db, req.actor, req.params.id),
  }));
  app.post(
    '/plans/:id/approve',
    { schema: { tags: ['plans'], params: IdParams, body: ApproveBody } },
    async (req) => ({
      plan: await approvePlan(db, req.actor, req.params.id, req.body ?? {}),
    }),
  );
};
