/**
 * Public participation 公众参与 in the six links of the cycle: participants and their ties to units,
 * needs, plan comments, threads and counseling, public ratings, feedback interviews and improvement
 * plans. Hidden content keeps its text for officials; public endpoints show only the hiding reason.
 */
import {
  date,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns';
import { cycles, orgUnits, plans, users } from './schema';

const userRef = (name: string) => uuid(name).references(() => users.id, { onDelete: 'cascade' });

/** Stakeholder profile of a public participant 参与者画像. */
export const participantProfiles = pgTable('participant_profiles', {
  userId: userRef('user_id').primaryKey(),
  /** urban_resident, rural_resident, enterprise, individual_business, social_org, expert, deputy. */
  category: text('category').notNull(),
  /** Code of the district org unit the participant lives or works in. */
  district: text('district'),
  /** SHA-256 of the normalised e-mail / phone, matched against units' service records. */
  emailHash: text('email_hash'),
  phoneHash: text('phone_hash'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A tie a participant declares to a unit ("I used this office's service in the last 12 months"). */
export const participantRelationships = pgTable(
  'participant_relationships',
  {
    id: id(),
    userId: userRef('user_id').notNull(),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    /** service_recipient, applicant, complainant, resident_served, supervised. */
    kind: text('kind').notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('participant_relationships_unique').on(t.userId, t.orgUnitId, t.kind)],
);

/** Service records a unit imported; only the contact's hash is kept. They verify declared ties. */
export const serviceRecords = pgTable(
  'service_records',
  {
    id: id(),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    contactHash: text('contact_hash').notNull(),
    kind: text('kind').notNull(),
    servedOn: date('served_on'),
    importedBy: uuid('imported_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('service_records_unique').on(t.orgUnitId, t.contactHash, t.kind)],
);

/** Invitation tokens (only their hash); a unit's invitation carries a verified tie to it. */
export const participationInvitations = pgTable('participation_invitations', {
  id: id(),
  tokenHash: text('token_hash').notNull().unique(),
  orgUnitId: uuid('org_unit_id').references(() => orgUnits.id),
  category: text('category'),
  relationshipKind: text('relationship_kind'),
  createdBy: uuid('created_by').references(() => users.id),
  usedBy: uuid('used_by').references(() => users.id),
  usedAt: timestamp('used_at', { withTimezone: true }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/** Moderation columns shared by public content. */
const moderation = () => ({
  /** visible | hidden. */
  status: text('status').notNull().default('visible'),
  /** Shown publicly in place of hidden content. */
  hiddenReason: text('hidden_reason'),
  moderatedBy: uuid('moderated_by').references(() => users.id),
  moderatedAt: timestamp('moderated_at', { withTimezone: true }),
});

/** Link 1: a need 诉求 a participant submits for a unit in a cycle. */
export const needs = pgTable(
  'needs',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    authorId: userRef('author_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    ...moderation(),
    createdAt: createdAt(),
  },
  (t) => [index('needs_cycle_unit').on(t.cycleId, t.orgUnitId)],
);

/** One support per participant and need. */
export const needSupports = pgTable(
  'need_supports',
  {
    needId: uuid('need_id')
      .notNull()
      .references(() => needs.id, { onDelete: 'cascade' }),
    userId: userRef('user_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.needId, t.userId] })],
);

/** A need answered by an indicator of the unit's plan. */
export const needLinks = pgTable(
  'need_links',
  {
    id: id(),
    needId: uuid('need_id')
      .notNull()
      .references(() => needs.id, { onDelete: 'cascade' }),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    indicatorCode: text('indicator_code').notNull(),
    linkedBy: uuid('linked_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('need_links_unique').on(t.needId, t.planId, t.indicatorCode)],
);

/** Link 2: a public comment on a plan published for comment (or on one indicator), with its answer. */
export const planComments = pgTable(
  'plan_comments',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    indicatorCode: text('indicator_code'),
    authorId: userRef('author_id').notNull(),
    body: text('body').notNull(),
    ...moderation(),
    answer: text('answer'),
    answeredBy: uuid('answered_by').references(() => users.id),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('plan_comments_plan').on(t.planId)],
);

/** Link 3: a discussion thread on a plan or indicator. */
export const threads = pgTable(
  'participation_threads',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    indicatorCode: text('indicator_code'),
    title: text('title').notNull(),
    authorId: userRef('author_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('participation_threads_plan').on(t.planId)],
);

/** A post in a thread; `authorRole` says whether the cadre, the office, the unit or a stakeholder spoke. */
export const threadPosts = pgTable(
  'participation_posts',
  {
    id: id(),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    authorId: userRef('author_id').notNull(),
    /** cadre | office | unit | stakeholder. */
    authorRole: text('author_role').notNull(),
    body: text('body').notNull(),
    ...moderation(),
    createdAt: createdAt(),
  },
  (t) => [index('participation_posts_thread').on(t.threadId)],
);

/** An agreed action with owner and deadline (counseling sessions and improvement plans). */
export interface AgreedAction {
  action: string;
  owner: string;
  deadline: string;
}

/** Link 3: a counseling session record 绩效辅导记录. */
export const counselingSessions = pgTable(
  'counseling_sessions',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    heldOn: date('held_on').notNull(),
    attendees: jsonb('attendees').$type<string[]>().notNull(),
    issues: jsonb('issues').$type<string[]>().notNull(),
    actions: jsonb('actions').$type<AgreedAction[]>().notNull(),
    summary: text('summary'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('counseling_sessions_plan').on(t.planId)],
);

/** Link 4: one participant's rating of an appraisee on its first-level dimensions, once per cycle. */
export const publicRatings = pgTable(
  'public_ratings',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    userId: userRef('user_id').notNull(),
    /** Score 0–100 per first-level indicator code. */
    scores: jsonb('scores').$type<Record<string, number>>().notNull(),
    comment: text('comment'),
    /** Relevance (0–1) at the time of rating: the weight of this rating. */
    relevance: doublePrecision('relevance').notNull(),
    ...moderation(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('public_ratings_unique').on(t.cycleId, t.planId, t.userId)],
);

/** Link 5: a feedback interview 反馈面谈 of an appraisee. */
export const feedbackInterviews = pgTable('feedback_interviews', {
  id: id(),
  planId: uuid('plan_id')
    .notNull()
    .references(() => plans.id, { onDelete: 'cascade' }),
  heldOn: date('held_on').notNull(),
  title: text('title').notNull(),
  /** planned | held. */
  status: text('status').notNull().default('planned'),
  record: text('record'),
  recordedBy: uuid('recorded_by').references(() => users.id),
  createdAt: createdAt(),
});

/** A stakeholder seat at an interview, with the relevance that earned it. */
export const interviewSeats = pgTable(
  'interview_seats',
  {
    interviewId: uuid('interview_id')
      .notNull()
      .references(() => feedbackInterviews.id, { onDelete: 'cascade' }),
    userId: userRef('user_id').notNull(),
    relevance: doublePrecision('relevance').notNull(),
    /** invited | attended | absent. */
    status: text('status').notNull().default('invited'),
  },
  (t) => [primaryKey({ columns: [t.interviewId, t.userId] })],
);

/** Link 5: an improvement plan 整改方案, followed publicly. */
export const improvementPlans = pgTable(
  'improvement_plans',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    summary: text('summary'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('improvement_plans_plan').on(t.planId)],
);

/** One action of an improvement plan. */
export const improvementActions = pgTable('improvement_actions', {
  id: id(),
  improvementPlanId: uuid('improvement_plan_id')
    .notNull()
    .references(() => improvementPlans.id, { onDelete: 'cascade' }),
  action: text('action').notNull(),
  owner: text('owner').notNull(),
  deadline: date('deadline').notNull(),
  /** planned | in_progress | done. */
  status: text('status').notNull().default('planned'),
  evidence: text('evidence'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A participant following an improvement plan. */
export const improvementFollows = pgTable(
  'improvement_follows',
  {
    improvementPlanId: uuid('improvement_plan_id')
      .notNull()
      .references(() => improvementPlans.id, { onDelete: 'cascade' }),
    userId: userRef('user_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.improvementPlanId, t.userId] })],
);
