import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../lib/actor';
import {
  APPRAISEE_TYPES,
  BulkApproveBody,
  BulkCreatePlansBody,
  CreatePlanBody,
  SaveTreeBody,
  SetPlanOwnerBody,
} from '@perfcommons/contracts';
import { approvePlan, getPlan, listPlans, saveTree, submitPlan } from './service';
import {
  assignDefaultOwners,
  bulkApprovePlans,
  bulkCreatePlans,
  createPlan,
  listTemplates,
  setPlanOwner,
} from './setup';

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

const CycleBody = z.object({
  /** The cycle whose plans without owner get the default owner. */
  cycleId: z.uuid(),
});

export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.get('/plan-templates', { schema: { tags: ['plans'] } }, async (req) => {
    requireActor(req.actor);
    return { items: listTemplates() };
  });
  app.post('/plans', { schema: { tags: ['plans'], body: CreatePlanBody } }, async (req, reply) =>
    reply.code(201).send(await createPlan(db, req.actor, req.body)),
  );
  app.post('/plans/bulk', { schema: { tags: ['plans'], body: BulkCreatePlansBody } }, async (req) =>
    bulkCreatePlans(db, req.actor, req.body),
  );
  app.post('/plans/bulk-approve', { schema: { tags: ['plans'], body: BulkApproveBody } }, async (req) =>
    bulkApprovePlans(db, req.actor, req.body),
  );
  app.post('/plans/default-owners', { schema: { tags: ['plans'], body: CycleBody } }, async (req) =>
    assignDefaultOwners(db, req.actor, req.body.cycleId),
  );
  app.put(
    '/plans/:id/owner',
    { schema: { tags: ['plans'], params: IdParams, body: SetPlanOwnerBody } },
    async (req) => setPlanOwner(db, req.actor, req.params.id, req.body),
  );
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
