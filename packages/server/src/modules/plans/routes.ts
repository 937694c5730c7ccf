import {
  ApprovePlanBody,
  BulkApproveBody,
  BulkApproveReply,
  BulkCreatePlansBody,
  BulkCreatePlansReply,
  CreatePlanBody,
  CreatePlanReply,
  DefaultOwnersBody,
  DefaultOwnersReply,
  IdParams,
  PlanDetailReply,
  PlanListReply,
  PlanReply,
  PlansQuery,
  PlanTemplateListReply,
  SaveTreeBody,
  SetPlanOwnerBody,
  SubmitPlanBody,
  EntropyHistoryReply,
} from '@perfcommons/contracts';
import { requireActor } from '../../lib/actor';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { approvePlan, getPlan, listPlans, saveTree, submitPlan } from './service';
import { entropyHistory } from './entropy';
import { bulkApprovePlans } from './bulk-approve';
import { assignDefaultOwners, setPlanOwner } from './owners';
import { bulkCreatePlans, createPlan } from './setup';
import { listTemplates } from './setup-sources';

const tags = ['plans'];

export const planRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get('/plan-templates', { schema: { tags, response: { 200: PlanTemplateListReply } } }, async (req) => {
    requireActor(req.actor);
    return { items: listTemplates() };
  });
  app.post(
    '/plans',
    { schema: { tags, body: CreatePlanBody, response: { 201: CreatePlanReply } } },
    async (req, reply) => reply.code(201).send(await createPlan(db, req.actor, req.body)),
  );
  app.post(
    '/plans/bulk',
    { schema: { tags, body: BulkCreatePlansBody, response: { 200: BulkCreatePlansReply } } },
    async (req) => bulkCreatePlans(db, req.actor, req.body),
  );
  app.post(
    '/plans/bulk-approve',
    { schema: { tags, body: BulkApproveBody, response: { 200: BulkApproveReply } } },
    async (req) => bulkApprovePlans(db, req.actor, req.body),
  );
  app.post(
    '/plans/default-owners',
    { schema: { tags, body: DefaultOwnersBody, response: { 200: DefaultOwnersReply } } },
    async (req) => assignDefaultOwners(db, req.actor, req.body.cycleId),
  );
  app.put(
    '/plans/:id/owner',
    { schema: { tags, params: IdParams, body: SetPlanOwnerBody, response: { 200: PlanReply } } },
    async (req) => setPlanOwner(db, req.actor, req.params.id, req.body),
  );
  app.get(
    '/plans',
    { schema: { tags, querystring: PlansQuery, response: { 200: PlanListReply } } },
    async (req) => ({ items: await listPlans(db, req.actor, req.query) }),
  );
  app.get(
    '/plans/:id',
    { schema: { tags, params: IdParams, response: { 200: PlanDetailReply } } },
    async (req) => getPlan(db, req.actor, req.params.id),
  );
  app.put(
    '/plans/:id/tree',
    { schema: { tags, params: IdParams, body: SaveTreeBody, response: { 200: PlanDetailReply } } },
    async (req) => saveTree(db, req.actor, req.params.id, req.body),
  );
  app.post(
    '/plans/:id/submit',
    { schema: { tags, params: IdParams, body: SubmitPlanBody, response: { 200: PlanReply } } },
    async (req) => ({ plan: await submitPlan(db, req.actor, req.params.id, req.body ?? {}) }),
  );
  app.get(
    '/plans/:id/entropy-history',
    { schema: { tags, params: IdParams, response: { 200: EntropyHistoryReply } } },
    async (req) => entropyHistory(db, req.actor, req.params.id),
  );
  app.post(
    '/plans/:id/approve',
    { schema: { tags, params: IdParams, body: ApprovePlanBody, response: { 200: PlanReply } } },
    async (req) => ({ plan: await approvePlan(db, req.actor, req.params.id, req.body ?? {}) }),
  );
};
