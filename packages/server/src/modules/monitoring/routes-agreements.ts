import {
  CycleRevisionListReply,
  DecideRevisionBody,
  DecideRevisionReply,
  IdParams,
  PlanRevisionListReply,
  PlanRevisionReply,
  RevisionBody,
  RevisionsQuery,
  SignoffBody,
  SignoffListReply,
  SignoffReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { cycleRevisions, decideRevision, listRevisions, requestRevision } from './agreements';
import { listSignoffs, signPlan } from './signoffs';

/** Target responsibility agreements: sign-offs and mid-cycle revisions of approved plans. */
export const monitoringAgreementRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['agreements'];

  app.get(
    '/plans/:id/signoffs',
    { schema: { tags, params: IdParams, response: { 200: SignoffListReply } } },
    async (req) => ({ items: await listSignoffs(db, req.actor, req.params.id) }),
  );
  app.post(
    '/plans/:id/signoffs',
    { schema: { tags, params: IdParams, body: SignoffBody, response: { 201: SignoffReply } } },
    async (req, reply) => {
      reply.code(201);
      return { signoff: await signPlan(db, req.actor, req.params.id, req.body.side) };
    },
  );
  app.get(
    '/plans/:id/revisions',
    { schema: { tags, params: IdParams, response: { 200: PlanRevisionListReply } } },
    async (req) => ({ items: await listRevisions(db, req.actor, req.params.id) }),
  );
  app.post(
    '/plans/:id/revisions',
    { schema: { tags, params: IdParams, body: RevisionBody, response: { 201: PlanRevisionReply } } },
    async (req, reply) => {
      reply.code(201);
      return { revision: await requestRevision(db, req.actor, req.params.id, req.body) };
    },
  );
  app.post(
    '/revisions/:id/decide',
    { schema: { tags, params: IdParams, body: DecideRevisionBody, response: { 200: DecideRevisionReply } } },
    async (req) => decideRevision(db, req.actor, req.params.id, req.body),
  );
  app.get(
    '/monitoring/revisions',
    { schema: { tags, querystring: RevisionsQuery, response: { 200: CycleRevisionListReply } } },
    async (req) => ({ items: await cycleRevisions(db, req.actor, req.query.cycleId, req.query.status) }),
  );
};
