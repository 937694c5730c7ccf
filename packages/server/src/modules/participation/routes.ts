import {
  DeleteAccountBody,
  DeleteAccountReply,
  IdParams,
  InvitationsBody,
  OkReply,
  ParticipationInvitationsReply,
  JobAccepted,
  JobFileReply,
  PersonalDataQuery,
  ProfileBody,
  ProfileReply,
  RegisterBody,
  RegisterReply,
  RelationshipBody,
  RelationshipReply,
  ServiceRecordsBody,
  ServiceRecordsReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import {
  createInvitations,
  declareRelationship,
  getProfile,
  importServiceRecords,
  registerParticipant,
  removeRelationship,
  updateProfile,
} from './participants';
import { sendJobOutput } from '../jobs/routes';
import { deleteOwnAccount } from './personal-data';
import { queuePersonalData } from './personal-data-job';
import { participationFeedbackRoutes } from './routes-feedback';
import { participationNeedRoutes } from './routes-needs';
import { participationPlanRoutes } from './routes-plans';
import { participationPublicRoutes } from './routes-public';

export interface ParticipationRouteOptions {
  cookieSecure: boolean;
}

/**
 * Public participation in the six links. Participants and their accounts here; needs (link 1), plan
 * comments, threads and ratings (links 2–4), feedback (link 5) and the public read side in their own files.
 */
export const participationRoutes: FastifyPluginAsyncContract<ParticipationRouteOptions> = async (app) => {
  const db = app.database.db;
  const tags = ['participation'];

  app.post(
    '/participation/register',
    {
      schema: { tags, body: RegisterBody, response: { 201: RegisterReply } },
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      // Never logs in and answers the same whether or not the contact had an account (no enumeration).
      const { registered, login } = await registerParticipant(db, req.body);
      reply.code(201);
      return { registered, login };
    },
  );
  app.post(
    '/participation/invitations',
    { schema: { tags, body: InvitationsBody, response: { 201: ParticipationInvitationsReply } } },
    async (req, reply) => {
      reply.code(201);
      return { items: await createInvitations(db, req.actor, req.body) };
    },
  );
  app.get('/participation/profile', { schema: { tags, response: { 200: ProfileReply } } }, async (req) =>
    getProfile(db, req.actor),
  );
  app.put(
    '/participation/profile',
    { schema: { tags, body: ProfileBody, response: { 200: ProfileReply } } },
    async (req) => updateProfile(db, req.actor, req.body),
  );
  // PIPL: the signed-in account's own data as a JSON file, made by a job (202 with its id; the file
  // at GET /api/jobs/:id/file, for this account only; `?wait=true` answers the file), and deleting a
  // participant's account.
  app.post(
    '/participation/my-data',
    {
      schema: {
        tags,
        querystring: PersonalDataQuery,
        response: { 200: JobFileReply, 202: JobAccepted },
      },
    },
    async (req, reply) => {
      const jobId = await queuePersonalData(app.jobs, req.actor, req.ip);
      if (!req.query.wait) return reply.code(202).send({ jobId });
      const done = await app.jobs.outcome(jobId);
      if (!done.done) return reply.code(202).send({ jobId });
      return sendJobOutput(reply, db, req.actor, jobId);
    },
  );
  app.post(
    '/participation/delete-account',
    { schema: { tags, body: DeleteAccountBody, response: { 200: DeleteAccountReply } } },
    async (req) => deleteOwnAccount(db, req.actor, req.body.currentPassword),
  );
  app.post(
    '/participation/relationships',
    { schema: { tags, body: RelationshipBody, response: { 201: RelationshipReply } } },
    async (req, reply) => {
      reply.code(201);
      return { relationship: await declareRelationship(db, req.actor, req.body) };
    },
  );
  app.delete(
    '/participation/relationships/:id',
    { schema: { tags, params: IdParams, response: { 200: OkReply } } },
    async (req) => removeRelationship(db, req.actor, req.params.id),
  );
  app.post(
    '/participation/units/:id/service-records',
    { schema: { tags, params: IdParams, body: ServiceRecordsBody, response: { 200: ServiceRecordsReply } } },
    async (req) => importServiceRecords(db, req.actor, req.params.id, req.body.csv),
  );

  await app.register(participationNeedRoutes);
  await app.register(participationPlanRoutes);
  await app.register(participationFeedbackRoutes);
  await app.register(participationPublicRoutes);
};
