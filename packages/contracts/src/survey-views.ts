/** Replies of the survey routes: surveys, versions, samples, invitations, fieldwork and answering. */
import { z } from 'zod';
import { itemsOf, Timestamp } from './common';
import {
  FRAME_MODES,
  INVITATION_OUTCOMES,
  INVITATION_STATES,
  INVITATION_STATUSES,
  SAMPLE_ALLOCATIONS,
  SURVEY_STATUSES,
} from './enums-surveys';
import { AnswersSchema, QuestionnaireSchema } from './surveys';

export const Survey = z.object({
  id: z.uuid(),
  code: z.string(),
  cycleId: z.uuid().nullable(),
  title: z.string(),
  titleEn: z.string().nullable(),
  description: z.string().nullable(),
  status: z.enum(SURVEY_STATUSES),
  strataFields: z.array(z.string()),
  quotas: z.record(z.string(), z.number()),
  openMode: z.boolean(),
  /** Population margins for raking (null: the frame's counts). */
  margins: z.record(z.string(), z.record(z.string(), z.number())).nullable(),
  createdAt: Timestamp,
  fieldingStartedAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
  publishedAt: Timestamp.nullable(),
});
export type Survey = z.infer<typeof Survey>;
/** A survey in the office's list, with its counts. */
export const SurveyListItem = Survey.extend({
  /** Answers received (sampled and open). */
  responses: z.number().int(),
  /** Invitations (sampled units). */
  invitations: z.number().int(),
});
export type SurveyListItem = z.infer<typeof SurveyListItem>;
/** A version of the questionnaire; the one fielded is frozen. */
export const SurveyVersion = z.object({
  id: z.uuid(),
  version: z.number().int(),
  definition: QuestionnaireSchema,
  frozenAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type SurveyVersion = z.infer<typeof SurveyVersion>;
/** Population and units drawn of one stratum. */
export const StratumAllocation = z.object({
  stratum: z.string(),
  population: z.number().int(),
  allocated: z.number().int(),
});
/** A drawn sample: method and seed recorded so anyone can reproduce it. */
export const SurveySample = z.object({
  id: z.uuid(),
  size: z.number().int(),
  allocation: z.enum(SAMPLE_ALLOCATIONS),
  seed: z.string(),
  /** Standard deviation per stratum (neyman). */
  sd: z.record(z.string(), z.number()).nullable(),
  strata: z.array(StratumAllocation),
  createdAt: Timestamp,
});
export type SurveySample = z.infer<typeof SurveySample>;
const StratumPopulation = z.object({ stratum: z.string(), population: z.number().int() });

export const SurveyListReply = itemsOf(SurveyListItem);
export const SurveyReply = z.object({ survey: Survey });
export const CreateSurveyReply = z.object({ survey: Survey, version: SurveyVersion });
export type CreateSurveyReply = z.infer<typeof CreateSurveyReply>;
/** The survey's actions by its status, each the predicate the use case refuses with (409). */
export const SurveyPermissions = z.object({
  /** Save the questionnaire as a new version (draft, not yet frozen by fielding). */
  editQuestionnaire: z.boolean(),
  /** Replace the sampling frame (draft, before a sample is drawn). */
  changeFrame: z.boolean(),
  /** Draw or redraw the sample (draft). */
  drawSample: z.boolean(),
  /** Issue invitations or regenerate their links (until fieldwork is closed). */
  issueInvitations: z.boolean(),
  /** Start fielding (draft). */
  start: z.boolean(),
  /** Close fielding (fielding). */
  close: z.boolean(),
  /** Record outcomes of invitations without an answer (fielding or closed). */
  recordOutcomes: z.boolean(),
  /** Enter interviews (fielding). */
  enterInterviews: z.boolean(),
  /** Analyse and export the answers (fielded). */
  analyse: z.boolean(),
  /** Publish the report, or publish it again (closed or published). */
  publish: z.boolean(),
  /** Open the report on the portal (published). */
  viewReport: z.boolean(),
});
export type SurveyPermissions = z.infer<typeof SurveyPermissions>;
export const SurveyDetailReply = z.object({
  survey: Survey,
  /** The latest questionnaire version. */
  version: SurveyVersion.nullable(),
  sample: SurveySample.nullable(),
  /** The sampling frame: its size and population per stratum. */
  frame: z.object({ size: z.number().int(), strata: z.array(StratumPopulation) }),
  /** What the office may do with the survey now (server `surveyPermissions`, the rules its use cases refuse with). */
  can: SurveyPermissions,
});
export type SurveyDetailReply = z.infer<typeof SurveyDetailReply>;
export const SurveyVersionListReply = itemsOf(SurveyVersion);
export const SaveQuestionnaireReply = z.object({ version: SurveyVersion });
export type SaveQuestionnaireReply = z.infer<typeof SaveQuestionnaireReply>;
/** Sample size per stratum for a margin of error (domain StratumSampleSize). */
export const SampleSizeReply = z.object({
  /** Per stratum: population and sample size to invite (after response rate, at most the population). */
  strata: z.array(
    z.object({ stratum: z.string(), population: z.number(), n: z.number().int(), capped: z.boolean() }),
  ),
  total: z.number().int(),
  /** Strata (or the whole population) that cannot supply the sample needed. */
  warnings: z.array(z.string()),
});
export type SampleSizeReply = z.infer<typeof SampleSizeReply>;
/** A stored frame (or chunk of it): rows stored and the frame as it now is. */
export const FrameReply = z.object({
  mode: z.enum(FRAME_MODES),
  inserted: z.number().int(),
  /** Units of the earlier frame replaced (0 when appending). */
  replaced: z.number().int(),
  /** Units in the frame now. */
  total: z.number().int(),
  strata: z.array(StratumPopulation),
  /** Import from a file: columns that are neither id, contact nor a strata field. */
  ignoredColumns: z.array(z.string()).optional(),
});
export type FrameReply = z.infer<typeof FrameReply>;
export const SampleReply = z.object({ sample: SurveySample });
export type SampleReply = z.infer<typeof SampleReply>;
/** The drawn units, by frame id, in draw order per stratum (for audit and reproduction). */
export const SampleMembersReply = z.object({
  sample: SurveySample,
  members: z.array(z.object({ externalId: z.string(), stratum: z.string(), designWeight: z.number() })),
});
/** Invitations issued now: the plain token and short code are in this answer and nowhere else. */
export const IssuedInvitation = z.object({
  invitationId: z.uuid(),
  externalId: z.string().nullable(),
  contact: z.string().nullable(),
  stratum: z.string(),
  token: z.string(),
  shortCode: z.string(),
  /** Path of the answering page. */
  link: z.string(),
});
export type IssuedInvitation = z.infer<typeof IssuedInvitation>;
export const IssuedInvitationsReply = itemsOf(IssuedInvitation);
export type IssuedInvitationsReply = z.infer<typeof IssuedInvitationsReply>;
export const Invitation = z.object({
  id: z.uuid(),
  externalId: z.string().nullable(),
  stratum: z.string(),
  designWeight: z.number(),
  issuedAt: Timestamp.nullable(),
  status: z.enum(INVITATION_STATUSES),
  outcome: z.enum(INVITATION_OUTCOMES).nullable(),
  /** How the answer came in (web, paper, phone, face), when answered. */
  mode: z.string().nullable(),
  submittedAt: Timestamp.nullable(),
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationListReply = z.object({ items: z.array(Invitation), total: z.number().int() });
export type InvitationListReply = z.infer<typeof InvitationListReply>;

/** AAPOR disposition counts with RR1, COOP1, REF1 and CON1 (null when the denominator is zero). */
export const Dispositions = z.object({
  complete: z.number().int(),
  partial: z.number().int(),
  refused: z.number().int(),
  nonContact: z.number().int(),
  ineligible: z.number().int(),
  unknown: z.number().int(),
  rr1: z.number().nullable(),
  coop1: z.number().nullable(),
  ref1: z.number().nullable(),
  con1: z.number().nullable(),
});
export type Dispositions = z.infer<typeof Dispositions>;
export const OutcomeSummary = z.object({
  strata: z.array(Dispositions.extend({ stratum: z.string() })),
  total: Dispositions,
});
/** Response counts of one stratum during fieldwork. */
export const FieldworkStratum = z.object({
  stratum: z.string(),
  sampled: z.number().int(),
  issued: z.number().int(),
  partial: z.number().int(),
  /** Sampled answers. */
  responses: z.number().int(),
  /** Open-mode answers. */
  open: z.number().int(),
  responseRate: z.number().nullable(),
  quota: z.number().int().nullable(),
});
export const FieldworkTotal = z.object({
  sampled: z.number().int(),
  responses: z.number().int(),
  open: z.number().int(),
  responseRate: z.number().nullable(),
});
export const ModeCount = z.object({ mode: z.string(), n: z.number().int() });
/** Live fieldwork: per stratum, by mode and interviewer, and the AAPOR dispositions. */
export const FieldworkReply = z.object({
  strata: z.array(FieldworkStratum),
  total: FieldworkTotal,
  byMode: z.array(ModeCount),
  byInterviewer: z.array(
    z.object({
      interviewerId: z.uuid().nullable(),
      name: z.string(),
      nameEn: z.string().nullable(),
      mode: z.string(),
      n: z.number().int(),
    }),
  ),
  outcomes: OutcomeSummary,
});
export type FieldworkReply = z.infer<typeof FieldworkReply>;
export const OutcomeReply = z.object({
  outcome: z.object({
    invitationId: z.uuid(),
    outcome: z.enum(INVITATION_OUTCOMES).nullable(),
    outcomeAt: Timestamp.nullable(),
  }),
});
/** A stored answer. */
export const StoredResponseReply = z.object({
  response: z.object({ id: z.uuid(), submittedAt: Timestamp }),
});

// The public answering side.

/** A published survey on the portal. */
export const PublishedSurvey = z.object({
  id: z.uuid(),
  code: z.string(),
  cycleId: z.uuid().nullable(),
  title: z.string(),
  titleEn: z.string().nullable(),
  publishedAt: Timestamp.nullable(),
});
export type PublishedSurvey = z.infer<typeof PublishedSurvey>;
export const PublishedSurveyListReply = itemsOf(PublishedSurvey);
const PublicSurveyHead = z.object({
  id: z.uuid(),
  title: z.string(),
  titleEn: z.string().nullable(),
  description: z.string().nullable(),
});
const FieldedVersion = z.object({ id: z.uuid(), definition: QuestionnaireSchema });
/** A survey open to everyone: its questionnaire and the profile fields a respondent gives. */
export const OpenSurveyReply = z.object({
  survey: PublicSurveyHead.extend({ strataFields: z.array(z.string()) }),
  version: FieldedVersion,
});
export type OpenSurveyReply = z.infer<typeof OpenSurveyReply>;
/** What the answering page shows for an invitation: the questionnaire (when open) and any saved answers. */
export const InvitationPageReply = z.object({
  survey: PublicSurveyHead,
  state: z.enum(INVITATION_STATES),
  version: FieldedVersion.nullable(),
  answers: AnswersSchema,
});
export type InvitationPageReply = z.infer<typeof InvitationPageReply>;
export const DraftReply = z.object({ savedAt: Timestamp });
