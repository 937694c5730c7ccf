import {
  FeedbackInterviewListReply,
  FeedbackInterviewReply,
  FollowBody,
  FollowReply,
  IdParams,
  ImprovementActionBody,
  ImprovementActionReply,
  ImprovementBody,
  ImprovementPlanReply,
  InterviewPlanBody,
  InterviewRecordBody,
  ParticipationReportQuery,
  ParticipationReportReply,
  SeatProposalListReply,
  SeatProposalsQuery,
} from '@perfcommons/contracts';
import { isOffice, requireActor } from '../../lib/actor';
import { forbidden } from '../../lib/errors';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { assertUnitOfficial, loadUnit } from './access';
import {
  createImprovementPlan,
  createInterview,
  followImprovement,
  listInterviews,
  proposeSeats,
  recordInterview,
  updateImprovementAction,
} from './feedback';
import { participationReport } from './report';

/** Link 5 (feedback interviews with stakeholder seats, improvement plans) and the participation report. */
export const participationFeedbackRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['participation'];

  app.get(
    '/participation/plans/:id/seat-proposals',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: SeatProposalsQuery,
        response: { 200: SeatProposalListReply },
      },
    },
    async (req) => ({ items: await proposeSeats(db, req.actor, req.params.id, req.query.n) }),
  );
  app.post(
    '/participation/plans/:id/interviews',
    {
      schema: { tags, params: IdParams, body: InterviewPlanBody, response: { 201: FeedbackInterviewReply } },
    },
    async (req, reply) => {
      reply.code(201);
      return { interview: await createInterview(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get(
    '/participation/plans/:id/interviews',
    { schema: { tags, params: IdParams, response: { 200: FeedbackInterviewListReply } } },
    async (req) => ({ items: await listInterviews(db, req.actor, req.params.id, { official: true }) }),
  );
  app.post(
    '/participation/interviews/:id/record',
    {
      schema: {
        tags,
        params: IdParams,
        body: InterviewRecordBody,
        response: { 200: FeedbackInterviewReply },
      },
    },
    async (req) => ({ interview: await recordInterview(db, req.actor, req.params.id, req.body) }),
  );
  app.post(
    '/participation/plans/:id/improvements',
    { schema: { tags, params: IdParams, body: ImprovementBody, response: { 201: ImprovementPlanReply } } },
    async (req, reply) => {
      reply.code(201);
      return { improvement: await createImprovementPlan(db, req.actor, req.params.id, req.body) };
    },
  );
  app.post(
    '/participation/improvement-actions/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: ImprovementActionBody,
        response: { 200: ImprovementActionReply },
      },
    },
    async (req) => ({ action: await updateImprovementAction(db, req.actor, req.params.id, req.body) }),
  );
  app.post(
    '/participation/improvements/:id/follow',
    { schema: { tags, params: IdParams, body: FollowBody, response: { 200: FollowReply } } },
    async (req) => followImprovement(db, req.actor, req.params.id, req.body.follow),
  );

  // Report (officials): the office sees every unit, a manager their own units.
  app.get(
    '/participation/report',
    { schema: { tags, querystring: ParticipationReportQuery, response: { 200: ParticipationReportReply } } },
    async (req) => {
      const a = requireActor(req.actor);
      if (!isOffice(a)) {
        if (!req.query.orgUnitId) throw forbidden('Name your unit (orgUnitId)');
        assertUnitOfficial(a, (await loadUnit(db, req.query.orgUnitId)).path, 'The participation report');
      }
      return participationReport(db, req.query);
    },
  );
};
