import {
  CreateOrgUnitBody,
  CreatePersonBody,
  EndTermBody,
  IdParams,
  OrgUnitListReply,
  OrgUnitReply,
  PeopleQuery,
  PersonListReply,
  PersonReply,
  UpdateOrgUnitBody,
  UpdatePersonBody,
} from '@perfcommons/contracts';
import { requireActor } from '../../lib/actor';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import {
  createOrgUnit,
  createPerson,
  endTerm,
  listOrgUnits,
  listPeople,
  updateOrgUnit,
  updatePerson,
} from './service';

const tags = ['orgs'];

export const orgRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get('/orgs', { schema: { tags, response: { 200: OrgUnitListReply } } }, async (req) => {
    requireActor(req.actor);
    return { items: await listOrgUnits(db) };
  });
  app.post(
    '/orgs',
    { schema: { tags, body: CreateOrgUnitBody, response: { 201: OrgUnitReply } } },
    async (req, reply) => {
      const unit = await createOrgUnit(db, req.actor, req.body);
      reply.code(201);
      return { unit };
    },
  );
  app.patch(
    '/orgs/:id',
    { schema: { tags, params: IdParams, body: UpdateOrgUnitBody, response: { 200: OrgUnitReply } } },
    async (req) => ({ unit: await updateOrgUnit(db, req.actor, req.params.id, req.body) }),
  );

  app.get(
    '/people',
    { schema: { tags, querystring: PeopleQuery, response: { 200: PersonListReply } } },
    async (req) => {
      requireActor(req.actor);
      return { items: await listPeople(db, req.query, req.actor) };
    },
  );
  app.post(
    '/people',
    { schema: { tags, body: CreatePersonBody, response: { 201: PersonReply } } },
    async (req, reply) => {
      const person = await createPerson(db, req.actor, req.body);
      reply.code(201);
      return { person };
    },
  );
  app.patch(
    '/people/:id',
    { schema: { tags, params: IdParams, body: UpdatePersonBody, response: { 200: PersonReply } } },
    async (req) => ({ person: await updatePerson(db, req.actor, req.params.id, req.body) }),
  );
  app.post(
    '/people/:id/end-term',
    { schema: { tags, params: IdParams, body: EndTermBody, response: { 200: PersonReply } } },
    async (req) => ({ person: await endTerm(db, req.actor, req.params.id, req.body) }),
  );
};

/** Kept for the public routes, which import the query from here. */
export { PeopleQuery } from '@perfcommons/contracts';
