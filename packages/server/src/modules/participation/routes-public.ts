import {
  CounselingListReply,
  CycleUnitQuery,
  FeedbackInterviewListReply,
  IdParams,
  ImprovementsQuery,
  NeedClusterListReply,
  NeedClustersQuery,
  NeedCoverageQuery,
  NeedCoverageReply,
  NeedListReply,
  ParticipationReportQuery,
  ParticipationReportReply,
  PlanCommentListReply,
  PublicImprovementListReply,
  PublicRatingSummaryReply,
  RatingFormReply,
  ThreadListReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { listComments } from './comments';
import { listImprovements, listInterviews } from './feedback';
import { clusterNeeds, listNeeds, needCoverage } from './needs';
import { publicRatingSummary, ratingForm } from './public-ratings';
import { participationReport } from './report';
import { listCounseling, listThreads } from './threads';

/** The public side of participation: visible content only, hidden items as their public reason. */
export const participationPublicRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['public', 'participation'];

  app.get(
    '/public/participation/needs',
    { schema: { tags, querystring: CycleUnitQuery, response: { 200: NeedListReply } } },
    async (req) => ({ items: await listNeeds(db, req.actor, req.query) }),
  );
  app.get(
    '/public/participation/needs/clusters',
    { schema: { tags, querystring: NeedClustersQuery, response: { 200: NeedClusterListReply } } },
    async (req) => ({ items: await clusterNeeds(db, req.query) }),
  );
  app.get(
    '/public/participation/needs/coverage',
    { schema: { tags, querystring: NeedCoverageQuery, response: { 200: NeedCoverageReply } } },
    async (req) => needCoverage(db, req.query),
  );
  app.get(
    '/public/participation/plans/:id/comments',
    { schema: { tags, params: IdParams, response: { 200: PlanCommentListReply } } },
    async (req) => ({ items: await listComments(db, req.actor, req.params.id) }),
  );
  app.get(
    '/public/participation/plans/:id/threads',
    { schema: { tags, params: IdParams, response: { 200: ThreadListReply } } },
    async (req) => ({ items: await listThreads(db, req.actor, req.params.id) }),
  );
  app.get(
    '/public/participation/plans/:id/counseling',
    { schema: { tags, params: IdParams, response: { 200: CounselingListReply } } },
    async (req) => ({ items: await listCounseling(db, req.actor, req.params.id) }),
  );
  app.get(
    '/public/participation/plans/:id/rating-form',
    { schema: { tags, params: IdParams, response: { 200: RatingFormReply } } },
    async (req) => ratingForm(db, req.actor, req.params.id),
  );
  app.get(
    '/public/participation/plans/:id/ratings',
    { schema: { tags, params: IdParams, response: { 200: PublicRatingSummaryReply } } },
    async (req) => publicRatingSummary(db, req.params.id),
  );
  app.get(
    '/public/participation/plans/:id/interviews',
    { schema: { tags, params: IdParams, response: { 200: FeedbackInterviewListReply } } },
    async (req) => ({ items: await listInterviews(db, req.actor, req.params.id) }),
  );
  app.get(
    '/public/participation/improvements',
    { schema: { tags, querystring: ImprovementsQuery, response: { 200: PublicImprovementListReply } } },
    async (req) => ({ items: await listImprovements(db, req.actor, req.query) }),
  );
  app.get(
    '/public/participation/report',
    { schema: { tags, querystring: ParticipationReportQuery, response: { 200: ParticipationReportReply } } },
    async (req) => participationReport(db, { ...req.query, publicOnly: true }),
  );
};
