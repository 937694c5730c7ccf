/** Replies of the participation routes: participants, needs, comments, threads, ratings, feedback, report. */
import { z } from 'zod';
import { IsoDate, itemsOf, Timestamp } from './common';
import { APPRAISEE_TYPES, PARTICIPANT_CATEGORIES, RELATIONSHIP_KINDS } from './enums';
import {
  CONTENT_STATUSES,
  IMPROVEMENT_ACTION_STATUSES,
  INTERVIEW_STATUSES,
  PARTICIPATION_LINKS,
  PARTICIPATION_WARNING_KINDS,
  SEAT_STATUSES,
  SPEAKER_ROLES,
} from './enums-participation';

const Status = z.enum(CONTENT_STATUSES);
const Category = z.enum(PARTICIPANT_CATEGORIES);

/** Stakeholder relevance 相关度 of a participant to an appraisee, explained part by part (domain RelevanceScore). */
export const RelevanceScore = z.object({
  /** 0..1. */
  score: z.number(),
  parts: z.array(z.object({ reason: z.string(), points: z.number() })),
});
export type RelevanceScore = z.infer<typeof RelevanceScore>;

// Participants.

/** Registration never says whether the contact had an account; the client logs in with `login`. */
export const RegisterReply = z.object({ registered: z.literal(true), login: z.string() });
/** Invitation tokens, shown once. */
export const ParticipationInvitationsReply = itemsOf(
  z.object({ id: z.uuid(), token: z.string(), expiresAt: Timestamp }),
);
export const Relationship = z.object({
  id: z.uuid(),
  orgUnitId: z.uuid(),
  kind: z.enum(RELATIONSHIP_KINDS),
  note: z.string().nullable(),
});
/** The participant's own profile, ties (with verification) and relevance to each unit. */
export const ProfileReply = z.object({
  profile: z.object({
    userId: z.uuid(),
    displayName: z.string(),
    category: Category,
    district: z.string().nullable(),
    /** Whether the participant has filled in the profile. */
    complete: z.boolean(),
  }),
  relationships: z.array(
    Relationship.extend({
      orgName: z.string(),
      orgNameEn: z.string().nullable(),
      /** The unit's service records confirm the tie. */
      verified: z.boolean(),
      relevance: RelevanceScore,
    }),
  ),
});
export type ProfileReply = z.infer<typeof ProfileReply>;
export const RelationshipReply = z.object({ relationship: Relationship.extend({ createdAt: Timestamp }) });
/**
 * Everything held about the signed-in account (PIPL download); free-form rows per table. The file of a
 * `participation.personal-data` job (JSON), downloaded at `GET /api/jobs/:id/file`.
 */
export const PersonalDataReply = z.object({
  format: z.literal('perfcommons-personal-data'),
  exportedAt: Timestamp,
  account: z.object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    displayNameEn: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    createdAt: Timestamp,
    lastLoginAt: Timestamp.nullable(),
    lastLoginIp: z.string().nullable(),
    secondFactor: z.boolean(),
  }),
  roles: z.array(z.object({ role: z.string(), orgUnitId: z.uuid().nullable() })),
  profile: z.record(z.string(), z.unknown()).nullable(),
  relationships: z.array(z.record(z.string(), z.unknown())),
  consents: z.array(z.record(z.string(), z.unknown())),
  publicRatings: z.array(z.record(z.string(), z.unknown())),
  ratings: z.array(z.record(z.string(), z.unknown())),
  comments: z.array(z.record(z.string(), z.unknown())),
  needs: z.array(z.record(z.string(), z.unknown())),
  needSupports: z.array(z.record(z.string(), z.unknown())),
  threads: z.array(z.record(z.string(), z.unknown())),
  threadPosts: z.array(z.record(z.string(), z.unknown())),
});
/** The account is erased; its contributions stay, anonymous (their counts). */
export const DeleteAccountReply = z.object({
  deleted: z.literal(true),
  kept: z.object({ publicRatings: z.number().int(), ratings: z.number().int(), comments: z.number().int() }),
});
export const ServiceRecordsReply = z.object({
  rows: z.number().int(),
  /** New records (duplicates are skipped). */
  imported: z.number().int(),
  /** Participants with a verified tie to the unit now. */
  verifiedParticipants: z.number().int(),
});

// Link 1: needs.

/** A need; a hidden one shows only its public reason (unless to the unit's officials). */
export const Need = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  orgUnitId: z.uuid(),
  status: Status,
  createdAt: Timestamp,
  hiddenReason: z.string().nullable(),
  title: z.string().optional(),
  body: z.string().optional(),
  supports: z.number().int().optional(),
  /** Indicators of the unit's plan that answer it. */
  links: z.array(z.object({ planId: z.uuid(), indicatorCode: z.string() })).optional(),
  /** Officials only. */
  authorId: z.uuid().optional(),
  /** Signed-in readers of a visible need. */
  supportedByMe: z.boolean().optional(),
  mine: z.boolean().optional(),
});
export type Need = z.infer<typeof Need>;
export const NeedReply = z.object({ need: Need });
export const NeedListReply = itemsOf(Need);
export type NeedListReply = z.infer<typeof NeedListReply>;
export const NeedSupportReply = z.object({ needId: z.uuid(), supports: z.number().int() });
export const NeedLinkReply = z.object({
  link: z.object({ needId: z.uuid(), planId: z.uuid(), indicatorCode: z.string() }),
});
/** Visible needs saying the same thing, grouped. */
export const NeedCluster = z.object({
  representativeId: z.uuid(),
  title: z.string(),
  size: z.number().int(),
  memberIds: z.array(z.uuid()),
  supports: z.number().int(),
});
export type NeedCluster = z.infer<typeof NeedCluster>;
export const NeedClusterListReply = itemsOf(NeedCluster);
/** Of the most-supported visible needs of a unit, which its plan answers. */
export const NeedCoverageReply = z.object({
  planId: z.uuid().nullable(),
  items: z.array(
    z.object({
      needId: z.uuid(),
      title: z.string(),
      supports: z.number().int(),
      covered: z.boolean(),
      indicators: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable() })),
    }),
  ),
  covered: z.number().int(),
  uncovered: z.number().int(),
  coveredShare: z.number(),
});
export type NeedCoverageReply = z.infer<typeof NeedCoverageReply>;
/** A moderated item after the decision. */
export const ModerateReply = z.object({
  item: z.object({ id: z.uuid(), status: Status, hiddenReason: z.string().nullable() }),
});

// Link 2: comments.

/** A public comment on a plan; a hidden one shows only its reason (unless to the unit's officials). */
export const PlanComment = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  indicatorCode: z.string().nullable(),
  status: Status,
  createdAt: Timestamp,
  hiddenReason: z.string().nullable(),
  body: z.string().optional(),
  /** The unit's public answer. */
  answer: z.string().nullable().optional(),
  answeredAt: Timestamp.nullable().optional(),
  /** Officials only. */
  authorId: z.uuid().optional(),
});
export type PlanComment = z.infer<typeof PlanComment>;
export const PlanCommentReply = z.object({ comment: PlanComment });
export const PlanCommentListReply = itemsOf(PlanComment);
export type PlanCommentListReply = z.infer<typeof PlanCommentListReply>;

// Link 3: threads and counseling.

export const Thread = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  indicatorCode: z.string().nullable(),
  title: z.string(),
  createdAt: Timestamp,
});
/** A post; a hidden one shows only its reason, and stakeholders stay anonymous in public. */
export const ThreadPost = z.object({
  id: z.uuid(),
  status: Status,
  hiddenReason: z.string().nullable(),
  authorRole: z.enum(SPEAKER_ROLES),
  authorName: z.string().nullable().optional(),
  body: z.string().optional(),
  createdAt: Timestamp,
});
export type ThreadPost = z.infer<typeof ThreadPost>;
export const ThreadWithPosts = Thread.extend({ posts: z.array(ThreadPost) });
export type ThreadWithPosts = z.infer<typeof ThreadWithPosts>;
export const ThreadReply = z.object({ thread: Thread });
export const ThreadListReply = itemsOf(ThreadWithPosts);
export type ThreadListReply = z.infer<typeof ThreadListReply>;
export const PostReply = z.object({ post: ThreadPost.extend({ threadId: z.uuid() }) });
export const AgreedAction = z.object({ action: z.string(), owner: z.string(), deadline: IsoDate });
/** A counseling session 辅导记录: date, attendees, issues and agreed actions. */
export const CounselingSession = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  heldOn: IsoDate,
  attendees: z.array(z.string()),
  issues: z.array(z.string()),
  actions: z.array(AgreedAction),
  summary: z.string().nullable(),
  createdAt: Timestamp,
});
export type CounselingSession = z.infer<typeof CounselingSession>;
export const CounselingReply = z.object({ session: CounselingSession });
export const CounselingListReply = itemsOf(CounselingSession);
export type CounselingListReply = z.infer<typeof CounselingListReply>;

// Link 4: public ratings.

const Dimension = z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable() });
/** The rating form of an appraisee: its first-level dimensions, the participant's relevance and earlier rating. */
export const RatingFormReply = z.object({
  planId: z.uuid(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  /** Ratings are taken while the cycle is in evaluation. */
  open: z.boolean(),
  dimensions: z.array(Dimension),
  mine: z
    .object({
      id: z.uuid(),
      scores: z.record(z.string(), z.number()),
      comment: z.string().nullable(),
      relevance: z.number(),
    })
    .nullable(),
  relevance: RelevanceScore.nullable(),
});
export type RatingFormReply = z.infer<typeof RatingFormReply>;
export const PublicRatingReply = z.object({
  rating: z.object({
    id: z.uuid(),
    planId: z.uuid(),
    scores: z.record(z.string(), z.number()),
    relevance: z.number(),
    /** Leaves rated by the public subject, fed by these scores. */
    leavesRated: z.array(z.string()),
  }),
});
/** Plain and relevance-weighted means per dimension, and the comments (hidden ones as their reason). */
export const PublicRatingSummaryReply = z.object({
  planId: z.uuid(),
  n: z.number().int(),
  highRelevanceShare: z.number(),
  dimensions: z.array(
    Dimension.extend({
      n: z.number().int(),
      mean: z.number().nullable(),
      weightedMean: z.number().nullable(),
    }),
  ),
  comments: z.array(
    z.object({
      id: z.uuid(),
      status: Status,
      hiddenReason: z.string().nullable().optional(),
      comment: z.string().nullable().optional(),
      relevance: z.number().optional(),
      createdAt: Timestamp,
    }),
  ),
});
export type PublicRatingSummaryReply = z.infer<typeof PublicRatingSummaryReply>;

// Link 5: feedback interviews and improvement plans.

/** A participant proposed for an interview seat, most closely related first. */
export const SeatProposal = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  category: Category,
  district: z.string().nullable(),
  relevance: z.number(),
});
export type SeatProposal = z.infer<typeof SeatProposal>;
export const SeatProposalListReply = itemsOf(SeatProposal);
export type SeatProposalListReply = z.infer<typeof SeatProposalListReply>;
export const FeedbackInterview = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  heldOn: IsoDate,
  title: z.string(),
  status: z.enum(INTERVIEW_STATUSES),
  record: z.string().nullable(),
  createdAt: Timestamp,
});
/** A seat: the public sees relevance and attendance, officials also who. */
export const InterviewSeat = z.object({
  relevance: z.number(),
  status: z.enum(SEAT_STATUSES),
  userId: z.uuid().optional(),
  displayName: z.string().nullable().optional(),
});
export const FeedbackInterviewWithSeats = FeedbackInterview.extend({ seats: z.array(InterviewSeat) });
export type FeedbackInterviewWithSeats = z.infer<typeof FeedbackInterviewWithSeats>;
export const FeedbackInterviewReply = z.object({
  interview: FeedbackInterview.extend({
    seats: z.array(z.object({ userId: z.uuid(), relevance: z.number() })).optional(),
  }),
});
export const FeedbackInterviewListReply = itemsOf(FeedbackInterviewWithSeats);
export type FeedbackInterviewListReply = z.infer<typeof FeedbackInterviewListReply>;
export const ImprovementAction = z.object({
  id: z.uuid(),
  improvementPlanId: z.uuid(),
  action: z.string(),
  owner: z.string(),
  deadline: IsoDate,
  status: z.enum(IMPROVEMENT_ACTION_STATUSES),
  /** What the public can check. */
  evidence: z.string().nullable(),
  updatedAt: Timestamp,
});
export type ImprovementAction = z.infer<typeof ImprovementAction>;
export const ImprovementPlan = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  title: z.string(),
  summary: z.string().nullable(),
  createdAt: Timestamp,
});
export const ImprovementPlanReply = z.object({
  improvement: ImprovementPlan.extend({ actions: z.array(ImprovementAction) }),
});
export const ImprovementActionReply = z.object({ action: ImprovementAction });
export const FollowReply = z.object({ id: z.uuid(), following: z.boolean(), followers: z.number().int() });
/** An improvement plan as the public follows it: actions with overdue flags, followers. */
export const PublicImprovement = ImprovementPlan.extend({
  cycleId: z.uuid(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  actions: z.array(ImprovementAction.extend({ overdue: z.boolean() })),
  done: z.number().int(),
  followers: z.number().int(),
  followedByMe: z.boolean(),
});
export type PublicImprovement = z.infer<typeof PublicImprovement>;
export const PublicImprovementListReply = itemsOf(PublicImprovement);
export type PublicImprovementListReply = z.infer<typeof PublicImprovementListReply>;

// The participation report.

export const ParticipationWarning = z.object({
  kind: z.enum(PARTICIPATION_WARNING_KINDS),
  /** Explanation with the numbers. */
  message: z.string(),
});
/** Who took part in one link of one appraisee, and warnings where participation looks "for show". */
export const LinkReport = z.object({
  link: z.enum(PARTICIPATION_LINKS),
  /** Distinct participants. */
  n: z.number().int(),
  /** Inputs (needs, supports, comments, posts, ratings, seats, follows). */
  inputs: z.number().int(),
  summary: z.object({
    n: z.number().int(),
    /** Counts in relevance bins [0,0.2), [0.2,0.4), [0.4,0.6), [0.6,0.8), [0.8,1]. */
    relevanceHistogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
    byCategory: z.record(z.string(), z.number().int()),
    byDistrict: z.record(z.string(), z.number().int()),
    highRelevanceShare: z.number(),
  }),
  /** Share of inputs from participants with relevance ≥ 0.6. */
  highInputShare: z.number(),
  meanRelevance: z.number().nullable(),
  warnings: z.array(ParticipationWarning),
});
export type LinkReport = z.infer<typeof LinkReport>;
export const ParticipationReportItem = z.object({
  planId: z.uuid(),
  appraiseeType: z.enum(APPRAISEE_TYPES),
  orgUnitId: z.uuid(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  participants: z.number().int(),
  links: z.array(LinkReport),
  warnings: z.array(ParticipationWarning.extend({ link: z.enum(PARTICIPATION_LINKS) })),
});
export type ParticipationReportItem = z.infer<typeof ParticipationReportItem>;
export const ParticipationReportReply = z.object({
  cycleId: z.uuid(),
  items: z.array(ParticipationReportItem),
});
export type ParticipationReportReply = z.infer<typeof ParticipationReportReply>;
