/** Enums of the participation API (no zod: imported by the web bundles). */

/** Version of the privacy notice in force; registration records consent to it. */
export const PRIVACY_NOTICE_VERSION = '2026-01';
/** Public content is visible, or hidden by a moderator with a public reason. */
export const CONTENT_STATUSES = ['visible', 'hidden'] as const;
export type ContentStatus = (typeof CONTENT_STATUSES)[number];
/** What can be moderated: needs, plan comments, thread posts, rating comments. */
export const MODERATED_KINDS = ['need', 'comment', 'post', 'rating'] as const;
export type ModeratedKind = (typeof MODERATED_KINDS)[number];
export const MODERATION_ACTIONS = ['hide', 'show'] as const;
/** How someone speaks in a thread about a plan. */
export const SPEAKER_ROLES = ['office', 'cadre', 'unit', 'stakeholder'] as const;
export type SpeakerRole = (typeof SPEAKER_ROLES)[number];
/** Progress of an improvement action 整改措施. */
export const IMPROVEMENT_ACTION_STATUSES = ['planned', 'in_progress', 'done'] as const;
export type ImprovementActionStatus = (typeof IMPROVEMENT_ACTION_STATUSES)[number];
/** A feedback interview is planned, then held (its record written). */
export const INTERVIEW_STATUSES = ['planned', 'held'] as const;
/** A stakeholder seat at a feedback interview. */
export const SEAT_STATUSES = ['invited', 'attended', 'absent'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];
/** The links in which the public gives input (link 6, application of results, is read-only for it). */
export const PARTICIPATION_LINKS = [
  'mission',
  'planning',
  'communication',
  'evaluation',
  'feedback',
] as const;
export type ParticipationLink = (typeof PARTICIPATION_LINKS)[number];
/** Warnings on who took part: no public, few closely related participants, one category swamping. */
export const PARTICIPATION_WARNING_KINDS = ['noPublic', 'lowRelevance', 'categoryDominates'] as const;
