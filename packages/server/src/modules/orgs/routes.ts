import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../lib/actor';
import { listOrgUnits, listPeople } from './service';

export const PeopleQuery = z.object({
  /** Only cadres of this org unit. */
  orgUnitId: z.uuid().optional(),
});

export const orgRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/orgs', { schema: { tags: ['orgs'] } }, async (req) => {
    requireActor(req.actor);
    return { items: await listOrgUnits(app.database.db) };
  });
  app.get('/people', { schema: { tags: ['orgs'], querystring: PeopleQuery } }, async (req) => {
    requireActor(req.actor);
    return { items: await listPeople(app.database.db, req.query) };
  });
};
