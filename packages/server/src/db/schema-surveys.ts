/**
 * Public satisfaction surveys 满意度调查: versioned questionnaires, sampling frame, stratified sample
 * as invitations, one response per invitation (a UNIQUE constraint), drafts, published reports.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { SampleAllocation, SurveyReport, SurveyStatus } from '@perfcommons/contracts';
import type { Answers, Questionnaire } from '@perfcommons/domain';
import { createdAt, id } from './columns';
import { cycles, users } from './schema';

/** Recorded fieldwork outcome of an invitation without an answer. */
export type InvitationOutcome = 'refused' | 'non_contact' | 'ineligible' | 'unknown';

/** A survey: draft → fielding → closed → published. */
export const surveys = pgTable('surveys', {
  id: id(),
  code: text('code').notNull().unique(),
  cycleId: uuid('cycle_id').references(() => cycles.id),
  title: text('title').notNull(),
  titleEn: text('title_en'),
  description: text('description'),
  status: text('status').$type<SurveyStatus>().notNull().default('draft'),
  /** Frame fields whose values, joined with '|', form the stratum (e.g. district, area, respondentType). */
  strataFields: jsonb('strata_fields').$type<string[]>().notNull(),
  /** Completed answers wanted per stratum; a full stratum refuses further answers. */
  quotas: jsonb('quotas').$type<Record<string, number>>().notNull().default({}),
  /** Whether anyone may answer without an invitation (lower trust, rate-limited). */
  openMode: boolean('open_mode').notNull().default(false),
  /** Population margins for raking, per strata field; default: counts of the frame. */
  margins: jsonb('margins').$type<Record<string, Record<string, number>>>(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: createdAt(),
  fieldingStartedAt: timestamp('fielding_started_at', { withTimezone: true }),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  publishedAt: timestamp('published_at', { withTimezone: true }),
  /** The version frozen when fielding started; every answer refers to it. */
  fieldedVersionId: uuid('fielded_version_id'),
});

/** Questionnaire versions: every save while draft adds one; the version fielded is frozen. */
export const surveyVersions = pgTable(
  'survey_versions',
  {
    id: id(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<Questionnaire>().notNull(),
    frozenAt: timestamp('frozen_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('survey_versions_unique').on(t.surveyId, t.version)],
);

/** Sampling frame 抽样框: one row per unit; `contact` is personal data, never exported or analysed. */
export const surveyFrameUnits = pgTable(
  'survey_frame_units',
  {
    id: id(),
    /**
     * The survey (no foreign key constraint: its check ran once per row, 6 of the 12 s a million-row
     * frame took to load; migration 0031 checks each statement's rows at once and deletes a deleted
     * survey's units, as `on delete cascade` did).
     */
    surveyId: uuid('survey_id').notNull(),
    externalId: text('external_id').notNull(),
    stratum: text('stratum').notNull(),
    /** Values of the survey's strata fields. */
    profile: jsonb('profile').$type<Record<string, string>>().notNull(),
    contact: text('contact'),
  },
  (t) => [uniqueIndex('survey_frame_units_unique').on(t.surveyId, t.externalId)],
);

/** A drawn sample: method and seed recorded so anyone can reproduce it. */
export const surveySamples = pgTable('survey_samples', {
  id: id(),
  surveyId: uuid('survey_id')
    .notNull()
    .references(() => surveys.id, { onDelete: 'cascade' })
    .unique(),
  size: integer('size').notNull(),
  allocation: text('allocation').$type<SampleAllocation>().notNull(),
  seed: text('seed').notNull(),
  sd: jsonb('sd').$type<Record<string, number>>(),
  /** Per stratum: population N_h and allocated n_h. */
  strata: jsonb('strata').$type<{ stratum: string; population: number; allocated: number }[]>().notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: createdAt(),
});

/**
 * Invitations: sampled units (or ad-hoc ones for interviewers). Only SHA-256 hashes of the link
 * token and of the short code are kept; the plain values are shown once when issued.
 */
export const surveyInvitations = pgTable(
  'survey_invitations',
  {
    id: id(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    frameUnitId: uuid('frame_unit_id').references(() => surveyFrameUnits.id, { onDelete: 'cascade' }),
    stratum: text('stratum').notNull(),
    profile: jsonb('profile').$type<Record<string, string>>().notNull(),
    designWeight: doublePrecision('design_weight').notNull().default(1),
    tokenHash: text('token_hash').unique(),
    codeHash: text('code_hash').unique(),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    /**
     * Fieldwork outcome recorded by the office or an interviewer when there is no answer
     * (AAPOR dispositions): refused | non_contact | ineligible | unknown. An answer makes it
     * "completed" whatever was recorded; null means nothing is known yet (unknown eligibility).
     */
    outcome: text('outcome').$type<InvitationOutcome>(),
    outcomeAt: timestamp('outcome_at', { withTimezone: true }),
    outcomeBy: uuid('outcome_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('survey_invitations_survey').on(t.surveyId, t.stratum)],
);

/** Saved partial answers, resumed from the invitation link; removed when the answer is submitted. */
export const surveyDrafts = pgTable('survey_drafts', {
  invitationId: uuid('invitation_id')
    .primaryKey()
    .references(() => surveyInvitations.id, { onDelete: 'cascade' }),
  versionId: uuid('version_id')
    .notNull()
    .references(() => surveyVersions.id),
  answers: jsonb('answers').$type<Answers>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Completed answers. `invitation_id` is UNIQUE: the database itself guarantees one answer per
 * invitation, whatever the number of concurrent submissions. Open-mode answers have none.
 */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: id(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    versionId: uuid('version_id')
      .notNull()
      .references(() => surveyVersions.id),
    invitationId: uuid('invitation_id')
      .references(() => surveyInvitations.id, { onDelete: 'cascade' })
      .unique(),
    /** web | paper | phone | face (interviewer) | open. */
    mode: text('mode').notNull(),
    interviewerId: uuid('interviewer_id').references(() => users.id),
    /** sampled (invitation) or open (self-selected, lower trust). */
    trust: text('trust').notNull(),
    stratum: text('stratum').notNull(),
    profile: jsonb('profile').$type<Record<string, string>>().notNull(),
    designWeight: doublePrecision('design_weight').notNull().default(1),
    answers: jsonb('answers').$type<Answers>().notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('survey_responses_survey').on(t.surveyId, t.stratum),
    index('survey_responses_open')
      .on(t.surveyId)
      .where(sql`invitation_id is null`),
  ],
);

/** A published report: the analysis as it was when published, shown on the portal unchanged. */
export const surveyReports = pgTable('survey_reports', {
  id: id(),
  surveyId: uuid('survey_id')
    .notNull()
    .references(() => surveys.id, { onDelete: 'cascade' })
    .unique(),
  /** The portal's report without its publication time (a column of its own), as JSON stores it. */
  report: jsonb('report').$type<Omit<SurveyReport, 'publishedAt'>>().notNull(),
  publishedBy: uuid('published_by').references(() => users.id),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
});
