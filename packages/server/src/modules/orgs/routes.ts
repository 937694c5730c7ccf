import {
  CreateOrgUnitBody,
  CreatePersonBody,
  EndTermBody,
  UpdateOrgUnitBody,
  UpdatePersonBody,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../lib/actor';
import {
  createOrgUnit,
  createPerson,
  endTerm,
  listOrgUnits,
  listPeople,
  updateOrgUnit,
  updatePerson,
} from './service';

export const PeopleQuery = z.object({
  /** Only cadres of this org unit. */
  orgUnitId: z.uuid().optional(),
});

const IdParams = z.object({ id: z.uuid() });
const tags = ['orgs'];

export const orgRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.database.db;
  app.get('/orgs', { schema: { tags } }, async (req) => {
    requireActor(req.actor);
    return { items: await listOrgUnits(db) };
  });
  app.post('/orgs', { schema: { tags, body: CreateOrgUnitBody } }, async (req, reply) => {
    const unit = await createOrgUnit(db, req.actor, req.body);
    reply.code(201);
    return { unit };
  });
  app.patch('/orgs/:id', { schema: { tags, params: IdParams, body: UpdateOrgUnitBody } }, async (req) => ({
    unit: await updateOrgUnit(db, req.actor, req.params.id, req.body),
  }));

  app.get('/people', { schema: { tags, querystring: PeopleQuery } }, async (req) => {
    requireActor(req.actor);
    return { items: await listPeople(db, req.query, req.actor) };
  });
  app.post('/people', { schema: { tags, body: CreatePersonBody } }, async (req, reply) => {
    const person = await createPerson(db, req.actor, req.body);
    reply.code(201);
    return { person };
  });
  app.patch('/people/:id', { schema: { tags, params: IdParams, body: UpdatePersonBody } }, async (req) => ({
    person: await updatePerson(db, req.actor, req.params.id, req.body),
  }));
  app.post(
    '/people/:id/end-term',
    { schema: { tags, params: IdParams, body: EndTermBody } },
    async (req) => ({ person: await endTerm(db, req.actor, req.params.id, req.body) }),
  );
};
