import {
  AnswerCommentBody,
  CommentBody,
  CounselingBody,
  CounselingReply,
  IdParams,
  PlanCommentListReply,
  PlanCommentReply,
  PostBody,
  PostReply,
  PublicRatingBody,
  PublicRatingReply,
  ThreadBody,
  ThreadListReply,
  ThreadReply,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { answerComment, listComments, submitComment } from './comments';
import { submitLimit } from './limits';
import { submitPublicRating } from './public-ratings';
import { listThreads, openThread, postInThread, recordCounseling } from './threads';

/** Links 2–4 on a plan: public comments and their answers, threads and counseling, public ratings. */
export const participationPlanRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  const tags = ['participation'];

  // Link 2: comments on a plan published for comment.
  app.post(
    '/participation/plans/:id/comments',
    {
      schema: { tags, params: IdParams, body: CommentBody, response: { 201: PlanCommentReply } },
      config: submitLimit,
    },
    async (req, reply) => {
      reply.code(201);
      return { comment: await submitComment(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get(
    '/participation/plans/:id/comments',
    { schema: { tags, params: IdParams, response: { 200: PlanCommentListReply } } },
    async (req) => ({ items: await listComments(db, req.actor, req.params.id, { official: true }) }),
  );
  app.post(
    '/participation/comments/:id/answer',
    { schema: { tags, params: IdParams, body: AnswerCommentBody, response: { 200: PlanCommentReply } } },
    async (req) => ({ comment: await answerComment(db, req.actor, req.params.id, req.body) }),
  );

  // Link 3: threads and counseling.
  app.post(
    '/participation/plans/:id/threads',
    {
      schema: { tags, params: IdParams, body: ThreadBody, response: { 201: ThreadReply } },
      config: submitLimit,
    },
    async (req, reply) => {
      reply.code(201);
      return { thread: await openThread(db, req.actor, req.params.id, req.body) };
    },
  );
  app.post(
    '/participation/threads/:id/posts',
    {
      schema: { tags, params: IdParams, body: PostBody, response: { 201: PostReply } },
      config: submitLimit,
    },
    async (req, reply) => {
      reply.code(201);
      return { post: await postInThread(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get(
    '/participation/plans/:id/threads',
    { schema: { tags, params: IdParams, response: { 200: ThreadListReply } } },
    async (req) => ({ items: await listThreads(db, req.actor, req.params.id, { official: true }) }),
  );
  app.post(
    '/participation/plans/:id/counseling',
    { schema: { tags, params: IdParams, body: CounselingBody, response: { 201: CounselingReply } } },
    async (req, reply) => {
      reply.code(201);
      return { session: await recordCounseling(db, req.actor, req.params.id, req.body) };
    },
  );

  // Link 4: public ratings.
  app.post(
    '/participation/plans/:id/public-ratings',
    {
      schema: { tags, params: IdParams, body: PublicRatingBody, response: { 201: PublicRatingReply } },
      config: {
        rateLimit: { max: 20, timeWindow: '1 minute', keyGenerator: (req) => req.actor?.id ?? req.ip },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return { rating: await submitPublicRating(db, req.actor, req.params.id, req.body) };
    },
  );
};
