import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../lib/errors';
import { listCycles, publicStageHistory } from '../cycles/service';
import { listOrgUnits, listPeople } from '../orgs/service';
import { PeopleQuery } from '../orgs/routes';
import { loadPlanScope } from '../plans/access';
import { listPlans, loadTree, presentPlan } from '../plans/service';
import { getResult, listResults } from '../results/service';
import { publicRevisions } from '../monitoring/agreements';

const IdParams = z.object({ id: z.uuid() });
const PUBLIC_PLAN_STATUSES = ['published_for_comment', 'approved', 'closed'];

/** The portal's read-only API: only what is published, for everyone, without login. */
export const publicRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.get('/public/cycles', { schema: { tags: ['public'] } }, async () => ({
    items: (await listCycles(db)).map(({ rules: _r, ...c }) => c),
  }));
  // A cycle's links: each move, and each precondition the office overrode with its reason.
  app.get('/public/cycles/:id/stages', { schema: { tags: ['public'], params: IdParams } }, async (req) =>
    publicStageHistory(db, req.params.id),
  );
  app.get('/public/orgs', { schema: { tags: ['public'] } }, async () => ({ items: await listOrgUnits(db) }));
  app.get('/public/people', { schema: { tags: ['public'], querystring: PeopleQuery } }, async (req) => ({
    items: await listPeople(db, req.query),
  }));
  app.get(
    '/public/plans',
    {
      schema: {
        tags: ['public'],
        querystring: z.object({ cycleId: z.uuid().optional(), orgUnitId: z.uuid().optional() }),
      },
    },
    async (req) => ({ items: await listPlans(db, null, { ...req.query, onlyPublic: true }) }),
  );
  app.get('/public/plans/:id', { schema: { tags: ['public'], params: IdParams } }, async (req) => {
    const scope = await loadPlanScope(db, req.params.id);
    if (!PUBLIC_PLAN_STATUSES.includes(scope.plan.status)) throw notFound('Plan');
    return {
      plan: presentPlan(scope.plan, scope),
      tree: await loadTree(db, scope.plan.id),
      revisions: await publicRevisions(db, scope.plan.id),
    };
  });
  app.get(
    '/public/results',
    { schema: { tags: ['public'], querystring: z.object({ cycleId: z.uuid() }) } },
    async (req) => ({ items: await listResults(db, null, req.query.cycleId, { publicOnly: true }) }),
  );
  app.get('/public/results/:id', { schema: { tags: ['public'], params: IdParams } }, async (req) =>
    getResult(db, null, req.params.id, { publicOnly: true }),
  );
};
