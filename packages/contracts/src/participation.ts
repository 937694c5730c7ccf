/** Requests of the participation routes (replies in participation-views.ts). */
import { z } from 'zod';
import { IsoDate } from './common';
import { PARTICIPANT_CATEGORIES, RELATIONSHIP_KINDS } from './enums';
import { IMPROVEMENT_ACTION_STATUSES, MODERATED_KINDS, MODERATION_ACTIONS } from './enums-participation';

const Text = (max: number) => z.string().trim().min(1).max(max);
const Category = z.enum(PARTICIPANT_CATEGORIES);

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
  /** Version of the privacy notice agreed to (PRIVACY_NOTICE_VERSION). */
  privacyNotice: z.string().max(20),
});
export type RegisterInput = z.infer<typeof RegisterBody>;
/** The PIPL download is a job (202 with its id; the file at `GET /api/jobs/:id/file`). */
export const PersonalDataQuery = z.object({
  /** true waits for the job and answers the file itself (200). */
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
export const DeleteAccountBody = z.object({
  /** The current password, confirming the deletion. */
  currentPassword: z.string().min(1).max(200),
});
export const ProfileBody = z.object({
  /** Stakeholder category. */
  category: Category,
  /** Code of the district lived or worked in; null to clear. */
  district: z.string().max(20).nullable().optional(),
  /** New display name. */
  displayName: Text(60).optional(),
});
export type ProfileInput = z.infer<typeof ProfileBody>;
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
export const ServiceRecordsBody = z.object({
  /** CSV text with a header row `contact,kind,servedOn`. */
  csv: z.string().min(1).max(5_000_000),
});
export const CycleUnitQuery = z.object({
  /** The cycle. */
  cycleId: z.uuid(),
  /** The unit the needs are for. */
  orgUnitId: z.uuid(),
});
export const NeedClustersQuery = CycleUnitQuery.extend({
  /** Minimum bigram similarity, default 0.35. */
  threshold: z.coerce.number().min(0.05).max(1).optional(),
});
export const NeedCoverageQuery = CycleUnitQuery.extend({
  /** How many of the most-supported needs to check. */
  top: z.coerce.number().int().min(1).max(100).default(10),
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
export const NeedLinkBody = z.object({
  /** Indicator of the unit's plan. */
  indicatorCode: Text(40),
});
export const NeedLinkParams = z.object({ id: z.uuid(), code: Text(40) });
export const ModerateBody = z.object({
  /** need, comment, post or rating (its comment). */
  kind: z.enum(MODERATED_KINDS),
  /** Id of the item. */
  id: z.uuid(),
  /** hide or show again. */
  action: z.enum(MODERATION_ACTIONS),
  /** Reason shown publicly in place of hidden content (required when hiding). */
  reason: z.string().max(500).optional(),
});
export const CommentBody = z.object({
  /** Indicator commented on; omit for the whole plan. */
  indicatorCode: z.string().trim().min(1).max(40).optional(),
  /** The comment. */
  body: Text(4000),
});
export const AnswerCommentBody = z.object({
  /** The unit's public answer. */
  answer: Text(4000),
});
export const ThreadBody = CommentBody.extend({
  /** Thread title. */
  title: Text(200),
});
export const PostBody = z.object({
  /** The post. */
  body: Text(4000),
});
/** An agreed action with its owner and deadline. */
export const AgreedActionSchema = z.object({
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
  actions: z.array(AgreedActionSchema).max(50),
  /** Short summary. */
  summary: z.string().max(4000).optional(),
});
export const PublicRatingBody = z.object({
  /** Score 0–100 per first-level indicator code. */
  scores: z.record(z.string().max(40), z.number().finite().min(0).max(100)),
  /** Optional comment. */
  comment: z.string().trim().max(2000).optional(),
});
export const SeatProposalsQuery = z.object({
  /** How many seats. */
  n: z.coerce.number().int().min(1).max(50).default(5),
});
export const InterviewPlanBody = z.object({
  /** Date of the interview. */
  heldOn: IsoDate,
  /** Title. */
  title: Text(200),
  /** Participants seated; omit to take the proposal by relevance. */
  seatUserIds: z.array(z.uuid()).max(50).optional(),
  /** How many seats to propose when none are named. */
  seats: z.number().int().min(1).max(50).optional(),
});
export const InterviewRecordBody = z.object({
  /** What was said and agreed. */
  record: Text(8000),
  /** Seated stakeholders who attended. */
  attendedUserIds: z.array(z.uuid()).max(50),
});
export const ImprovementBody = z.object({
  /** Title. */
  title: Text(200),
  /** Summary of the problems found. */
  summary: z.string().max(4000).optional(),
  /** Actions with owners and deadlines. */
  actions: z.array(AgreedActionSchema).min(1).max(50),
});
export const ImprovementActionBody = z.object({
  /** planned, in_progress or done. */
  status: z.enum(IMPROVEMENT_ACTION_STATUSES),
  /** Evidence of progress (required for done). */
  evidence: z.string().trim().max(4000).optional(),
});
export const FollowBody = z.object({
  /** true to follow, false to stop. */
  follow: z.boolean(),
});
export const ImprovementsQuery = z.object({
  /** Only this cycle. */
  cycleId: z.uuid().optional(),
  /** Only this plan. */
  planId: z.uuid().optional(),
  /** Only those the logged-in participant follows. */
  followed: z.coerce.boolean().optional(),
});
export const ParticipationReportQuery = z.object({
  /** The cycle. */
  cycleId: z.uuid(),
  /** Only this unit (required for unit managers). */
  orgUnitId: z.uuid().optional(),
});
