import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isOffice, requireActor } from '../../lib/actor';
import { forbidden } from '../../lib/errors';
import { assertUnitOfficial, CATEGORIES, loadUnit, RELATIONSHIP_KINDS } from './access';
import { answerComment, listComments, submitComment } from './comments';
import {
  createImprovementPlan,
  createInterview,
  followImprovement,
  listImprovements,
  listInterviews,
  proposeSeats,
  recordInterview,
  updateImprovementAction,
} from './feedback';
import { moderate, MODERATED_KINDS } from './moderation';
import {
  clusterNeeds,
  linkNeed,
  listNeeds,
  needCoverage,
  submitNeed,
  supportNeed,
  unlinkNeed,
} from './needs';
import {
  createInvitations,
  declareRelationship,
  getProfile,
  importServiceRecords,
  registerParticipant,
  removeRelationship,
  updateProfile,
} from './participants';
import { deleteOwnAccount, personalData } from './personal-data';
import { publicRatingSummary, ratingForm, submitPublicRating } from './public-ratings';
import { participationReport } from './report';
import { listCounseling, listThreads, openThread, postInThread, recordCounseling } from './threads';

const IdParams = z.object({ id: z.uuid() });
const Text = (max: number) => z.string().trim().min(1).max(max);
const IsoDate = z.iso.date();
const Category = z.enum(CATEGORIES);

export const RegisterBody = z.object({
  /** E-mail to log in with (or phone, or an invitation token). */
  email: z.email().max(200).optional(),
  /** Mobile phone number to log in with. */
  phone: z
    .string()
    .regex(/^\+?[\d\s-]{7,20}$/)
    .optional(),
  /** Password: at least 10 characters of three classes, not containing the e-mail or name, strength ≥ 3. */
  password: z.string().min(1).max(200),
  /** Name shown to officials (never next to public content). */
  displayName: Text(60),
  /** Stakeholder category. */
  category: Category.optional(),
  /** Code of the district lived or worked in. */
  district: z.string().max(20).optional(),
  /** Invitation token received from a unit or the office. */
  invitationToken: z.string().min(10).max(100).optional(),
  /** Version of the privacy notice agreed to (GET /api/participation/privacy-notice). */
  privacyNotice: z.string().max(20),
});
export const ProfileBody = z.object({
  /** Stakeholder category. */
  category: Category,
  /** Code of the district lived or worked in; null to clear. */
  district: z.string().max(20).nullable().optional(),
  /** New display name. */
  displayName: Text(60).optional(),
});
export const RelationshipBody = z.object({
  /** The unit the tie is to. */
  orgUnitId: z.uuid(),
  /** Kind of tie. */
  kind: z.enum(RELATIONSHIP_KINDS),
  /** Free text, e.g. "renewed my business licence in March". */
  note: z.string().max(500).optional(),
});
export const InvitationsBody = z.object({
  /** Unit inviting its service recipients (tie verified by the invitation); omit for the office's general invitations. */
  orgUnitId: z.uuid().optional(),
  /** Category preset for the invitee. */
  category: Category.optional(),
  /** Kind of tie the unit's invitation records. */
  relationshipKind: z.enum(RELATIONSHIP_KINDS).optional(),
  /** How many tokens. */
  count: z.number().int().min(1).max(500).default(1),
  /** Days until the tokens expire. */
  expiresInDays: z.number().int().min(1).max(365).default(30),
});
export const CycleUnitQuery = z.object({
  /** The cycle. */
  cycleId: z.uuid(),
  /** The unit the needs are for. */
  orgUnitId: z.uuid(),
});
export const NeedBody = z.object({
  /** Cycle in which the need is raised. */
  cycleId: z.uuid(),
  /** Unit asked to act. */
  orgUnitId: z.uuid(),
  /** Short title. */
  title: Text(120),
  /** What the unit should do for us. */
  body: Text(4000),
});
export const ModerateBody = z.object({
  /** need, comment, post or rating (its comment). */
  kind: z.enum(MODERATED_KINDS),
  /** Id of the item. */
  id: z.uuid(),
  /** hide or show again. */
  action: z.enum(['hide', 'show']),
  /** Reason shown publicly in place of hidden content (required when hiding). */
  reason: z.string().max(500).optional(),
});
export const CommentBody = z.object({
  /** Indicator commented on; omit for the whole plan. */
  indicatorCode: z.string().trim().min(1).max(40).optional(),
  /** The comment. */
  body: Text(4000),
});
const ActionSchema = z.object({
  /** What will be done. */
  action: Text(500),
  /** Who answers for it. */
  owner: Text(120),
  /** By when (ISO date). */
  deadline: IsoDate,
});
export const CounselingBody = z.object({
  /** Date of the session. */
  heldOn: IsoDate,
  /** Who attended (names and roles). */
  attendees: z.array(Text(120)).min(1).max(50),
  /** Issues raised. */
  issues: z.array(Text(1000)).max(50),
  /** Agreed actions with owner and deadline. */
  actions: z.array(ActionSchema).max(50),
  /** Short summary. */
  summary: z.string().max(4000).optional(),
});
export const PublicRatingBody = z.object({
  /** Score 0–100 per first-level indicator code. */
  scores: z.record(z.string().max(40), z.number().finite().min(0).max(100)),
  /** Optional comment. */
  comment: z.string().trim().max(2000).optional(),
});

export interface ParticipationRouteOptions {
  cookieSecure: boolean;
}

/** Public participation in the six links: participant API, official API, and the public read side. */
export const participationRoutes: FastifyPluginAsyncZod<ParticipationRouteOptions> = async (app) => {
  const db = app.database.db;
  const tags = ['participation'];

  // Participants.
  app.post(
    '/participation/register',
    { schema: { tags, body: RegisterBody }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (req, reply) => {
      // Never logs in and answers the same whether or not the contact had an account (no enumeration).
      const { registered, login } = await registerParticipant(db, req.body);
      reply.code(201);
      return { registered, login };
    },
  );
  app.post('/participation/invitations', { schema: { tags, body: InvitationsBody } }, async (req, reply) => {
    reply.code(201);
    return { items: await createInvitations(db, req.actor, req.body) };
  });
  app.get('/participation/profile', { schema: { tags } }, async (req) => getProfile(db, req.actor));
  // PIPL: the signed-in account's own data as JSON, and deleting a participant's account.
  app.get('/participation/my-data', { schema: { tags } }, async (req, reply) => {
    const data = await personalData(db, req.actor, req.ip);
    reply.header('content-disposition', 'attachment; filename="perfcommons-my-data.json"');
    return data;
  });
  app.post(
    '/participation/delete-account',
    { schema: { tags, body: z.object({ currentPassword: z.string().min(1).max(200) }) } },
    async (req) => deleteOwnAccount(db, req.actor, req.body.currentPassword),
  );
  app.put('/participation/profile', { schema: { tags, body: ProfileBody } }, async (req) =>
    updateProfile(db, req.actor, req.body),
  );
  app.post(
    '/participation/relationships',
    { schema: { tags, body: RelationshipBody } },
    async (req, reply) => {
      reply.code(201);
      return { relationship: await declareRelationship(db, req.actor, req.body) };
    },
  );
  app.delete('/participation/relationships/:id', { schema: { tags, params: IdParams } }, async (req) =>
    removeRelationship(db, req.actor, req.params.id),
  );
  app.post(
    '/participation/units/:id/service-records',
    {
      schema: {
        tags,
        params: IdParams,
        /** CSV text with a header row `contact,kind,servedOn`. */
        body: z.object({ csv: z.string().min(1).max(5_000_000) }),
      },
    },
    async (req) => importServiceRecords(db, req.actor, req.params.id, req.body.csv),
  );

  // Public text submissions: a burst per participant (or address) is refused with 429, keeping floods out.
  const submitLimit = {
    rateLimit: {
      max: 30,
      timeWindow: '1 minute',
      keyGenerator: (req: { actor: { id: string } | null; ip: string }) => req.actor?.id ?? req.ip,
    },
  };

  // Link 1: needs.
  app.post(
    '/participation/needs',
    { schema: { tags, body: NeedBody }, config: submitLimit },
    async (req, reply) => {
      reply.code(201);
      return { need: await submitNeed(db, req.actor, req.body) };
    },
  );
  app.post(
    '/participation/needs/:id/support',
    { schema: { tags, params: IdParams }, config: submitLimit },
    async (req, reply) => {
      reply.code(201);
      return supportNeed(db, req.actor, req.params.id);
    },
  );
  app.get('/participation/needs', { schema: { tags, querystring: CycleUnitQuery } }, async (req) => ({
    items: await listNeeds(db, req.actor, req.query, { official: true }),
  }));
  app.post(
    '/participation/needs/:id/links',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ /** Indicator of the unit's plan. */ indicatorCode: Text(40) }),
      },
    },
    async (req, reply) => {
      reply.code(201);
      return { link: await linkNeed(db, req.actor, req.params.id, req.body) };
    },
  );
  app.delete(
    '/participation/needs/:id/links/:code',
    { schema: { tags, params: z.object({ id: z.uuid(), code: Text(40) }) } },
    async (req) => unlinkNeed(db, req.actor, req.params.id, req.params.code),
  );
  app.post('/participation/moderate', { schema: { tags, body: ModerateBody } }, async (req) => ({
    item: await moderate(db, req.actor, req.body),
  }));

  // Link 2: comments on a plan published for comment.
  app.post(
    '/participation/plans/:id/comments',
    { schema: { tags, params: IdParams, body: CommentBody }, config: submitLimit },
    async (req, reply) => {
      reply.code(201);
      return { comment: await submitComment(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get('/participation/plans/:id/comments', { schema: { tags, params: IdParams } }, async (req) => ({
    items: await listComments(db, req.actor, req.params.id, { official: true }),
  }));
  app.post(
    '/participation/comments/:id/answer',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ /** The unit's public answer. */ answer: Text(4000) }),
      },
    },
    async (req) => ({ comment: await answerComment(db, req.actor, req.params.id, req.body) }),
  );

  // Link 3: threads and counseling.
  app.post(
    '/participation/plans/:id/threads',
    {
      schema: {
        tags,
        params: IdParams,
        body: CommentBody.extend({ /** Thread title. */ title: Text(200) }),
      },
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
      schema: { tags, params: IdParams, body: z.object({ /** The post. */ body: Text(4000) }) },
      config: submitLimit,
    },
    async (req, reply) => {
      reply.code(201);
      return { post: await postInThread(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get('/participation/plans/:id/threads', { schema: { tags, params: IdParams } }, async (req) => ({
    items: await listThreads(db, req.actor, req.params.id, { official: true }),
  }));
  app.post(
    '/participation/plans/:id/counseling',
    { schema: { tags, params: IdParams, body: CounselingBody } },
    async (req, reply) => {
      reply.code(201);
      return { session: await recordCounseling(db, req.actor, req.params.id, req.body) };
    },
  );

  // Link 4: public ratings.
  app.post(
    '/participation/plans/:id/public-ratings',
    {
      schema: { tags, params: IdParams, body: PublicRatingBody },
      config: {
        rateLimit: { max: 20, timeWindow: '1 minute', keyGenerator: (req) => req.actor?.id ?? req.ip },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return { rating: await submitPublicRating(db, req.actor, req.params.id, req.body) };
    },
  );

  // Link 5: feedback interviews and improvement plans.
  app.get(
    '/participation/plans/:id/seat-proposals',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: z.object({
          /** How many seats. */ n: z.coerce.number().int().min(1).max(50).default(5),
        }),
      },
    },
    async (req) => ({ items: await proposeSeats(db, req.actor, req.params.id, req.query.n) }),
  );
  app.post(
    '/participation/plans/:id/interviews',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          /** Date of the interview. */
          heldOn: IsoDate,
          /** Title. */
          title: Text(200),
          /** Participants seated; omit to take the proposal by relevance. */
          seatUserIds: z.array(z.uuid()).max(50).optional(),
          /** How many seats to propose when none are named. */
          seats: z.number().int().min(1).max(50).optional(),
        }),
      },
    },
    async (req, reply) => {
      reply.code(201);
      return { interview: await createInterview(db, req.actor, req.params.id, req.body) };
    },
  );
  app.get('/participation/plans/:id/interviews', { schema: { tags, params: IdParams } }, async (req) => ({
    items: await listInterviews(db, req.actor, req.params.id, { official: true }),
  }));
  app.post(
    '/participation/interviews/:id/record',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          /** What was said and agreed. */
          record: Text(8000),
          /** Seated stakeholders who attended. */
          attendedUserIds: z.array(z.uuid()).max(50),
        }),
      },
    },
    async (req) => ({ interview: await recordInterview(db, req.actor, req.params.id, req.body) }),
  );
  app.post(
    '/participation/plans/:id/improvements',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          /** Title. */
          title: Text(200),
          /** Summary of the problems found. */
          summary: z.string().max(4000).optional(),
          /** Actions with owners and deadlines. */
          actions: z.array(ActionSchema).min(1).max(50),
        }),
      },
    },
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
        body: z.object({
          /** planned, in_progress or done. */
          status: z.enum(['planned', 'in_progress', 'done']),
          /** Evidence of progress (required for done). */
          evidence: z.string().trim().max(4000).optional(),
        }),
      },
    },
    async (req) => ({ action: await updateImprovementAction(db, req.actor, req.params.id, req.body) }),
  );
  app.post(
    '/participation/improvements/:id/follow',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({ /** true to follow, false to stop. */ follow: z.boolean() }),
      },
    },
    async (req) => followImprovement(db, req.actor, req.params.id, req.body.follow),
  );

  // Report (officials): the office sees every unit, a manager their own units.
  app.get(
    '/participation/report',
    { schema: { tags, querystring: z.object({ cycleId: z.uuid(), orgUnitId: z.uuid().optional() }) } },
    async (req) => {
      const a = requireActor(req.actor);
      if (!isOffice(a)) {
        if (!req.query.orgUnitId) throw forbidden('Name your unit (orgUnitId)');
        assertUnitOfficial(a, (await loadUnit(db, req.query.orgUnitId)).path, 'The participation report');
      }
      return participationReport(db, req.query);
    },
  );

  // The public side: visible content only, hidden items as their public reason.
  const ptags = ['public', 'participation'];
  app.get(
    '/public/participation/needs',
    { schema: { tags: ptags, querystring: CycleUnitQuery } },
    async (req) => ({
      items: await listNeeds(db, req.actor, req.query),
    }),
  );
  app.get(
    '/public/participation/needs/clusters',
    {
      schema: {
        tags: ptags,
        querystring: CycleUnitQuery.extend({
          /** Minimum bigram similarity, default 0.35. */
          threshold: z.coerce.number().min(0.05).max(1).optional(),
        }),
      },
    },
    async (req) => ({ items: await clusterNeeds(db, req.query) }),
  );
  app.get(
    '/public/participation/needs/coverage',
    {
      schema: {
        tags: ptags,
        querystring: CycleUnitQuery.extend({
          /** How many of the most-supported needs to check. */
          top: z.coerce.number().int().min(1).max(100).default(10),
        }),
      },
    },
    async (req) => needCoverage(db, req.query),
  );
  app.get(
    '/public/participation/plans/:id/comments',
    { schema: { tags: ptags, params: IdParams } },
    async (req) => ({
      items: await listComments(db, req.actor, req.params.id),
    }),
  );
  app.get(
    '/public/participation/plans/:id/threads',
    { schema: { tags: ptags, params: IdParams } },
    async (req) => ({
      items: await listThreads(db, req.actor, req.params.id),
    }),
  );
  app.get(
    '/public/participation/plans/:id/counseling',
    { schema: { tags: ptags, params: IdParams } },
    async (req) => ({
      items: await listCounseling(db, req.actor, req.params.id),
    }),
  );
  app.get(
    '/public/participation/plans/:id/rating-form',
    { schema: { tags: ptags, params: IdParams } },
    async (req) => ratingForm(db, req.actor, req.params.id),
  );
  app.get(
    '/public/participation/plans/:id/ratings',
    { schema: { tags: ptags, params: IdParams } },
    async (req) => publicRatingSummary(db, req.params.id),
  );
  app.get(
    '/public/participation/plans/:id/interviews',
    { schema: { tags: ptags, params: IdParams } },
    async (req) => ({
      items: await listInterviews(db, req.actor, req.params.id),
    }),
  );
  app.get(
    '/public/participation/improvements',
    {
      schema: {
        tags: ptags,
        querystring: z.object({
          /** Only this cycle. */
          cycleId: z.uuid().optional(),
          /** Only this plan. */
          planId: z.uuid().optional(),
          /** Only those the logged-in participant follows. */
          followed: z.coerce.boolean().optional(),
        }),
      },
    },
    async (req) => ({ items: await listImprovements(db, req.actor, req.query) }),
  );
  app.get(
    '/public/participation/report',
    { schema: { tags: ptags, querystring: z.object({ cycleId: z.uuid(), orgUnitId: z.uuid().optional() }) } },
    async (req) => participationReport(db, { ...req.query, publicOnly: true }),
  );
};
