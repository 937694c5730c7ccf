/**
 * The enums and limits of the API, without zod: the web app imports its values from
 * `@perfcommons/contracts/enums` (zod stays out of the console and portal bundles) and its types from
 * `@perfcommons/contracts` (type-only imports, erased from the bundle).
 */
import { CYCLE_STAGES } from '@perfcommons/domain';

/** The six links of the cycle plus closing, in order (domain CYCLE_STAGES). */
export const STAGES = CYCLE_STAGES;
export type Stage = (typeof STAGES)[number];
/** regular 平时, annual 年度, term 任期. */
export const CYCLE_TYPES = ['regular', 'annual', 'term'] as const;
export type CycleType = (typeof CYCLE_TYPES)[number];
/** Shortest written reason for overriding a failing stage precondition. */
export const MIN_OVERRIDE_REASON = 10;

/** Kinds of org unit: the government itself, its departments, its subordinate district/county governments. */
export const ORG_KINDS = ['government', 'department', 'district'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
/** Peer groups of the demo city; the API accepts any slug, the console offers these first. */
export const KNOWN_PEER_GROUPS = [
  'economic',
  'social',
  'regulatory',
  'comprehensive',
  'urban_district',
  'county',
] as const;

export const PLAN_STATUSES = ['draft', 'published_for_comment', 'approved', 'closed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
/** Plans that may be given rater panels: approved ones, and closed ones (a panel assigned late). */
export const PANEL_PLAN_STATUSES: readonly string[] = ['approved', 'closed'] satisfies PlanStatus[];
export const APPRAISEE_TYPES = ['unit', 'cadre', 'project'] as const;
export type AppraiseeType = (typeof APPRAISEE_TYPES)[number];

/** pending, accepted or rejected. */
export const APPEAL_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** Participant categories 参与者类别 of a stakeholder profile. */
export const PARTICIPANT_CATEGORIES = [
  'urban_resident',
  'rural_resident',
  'enterprise',
  'individual_business',
  'social_org',
  'expert',
  'deputy',
] as const;
export type ParticipantCategory = (typeof PARTICIPANT_CATEGORIES)[number];
/** Categories counted as "the public" in participation warnings. */
export const PUBLIC_CATEGORIES: ParticipantCategory[] = [
  'urban_resident',
  'rural_resident',
  'enterprise',
  'individual_business',
  'social_org',
];
/** Kinds of declared ties of a participant to a unit. */
export const RELATIONSHIP_KINDS = [
  'service_recipient',
  'applicant',
  'complainant',
  'resident_served',
  'supervised',
] as const;

/** Fields of policy an indicator of the library 指标库 belongs to (the first-level indicator it usually sits under). */
export const INDICATOR_CATEGORIES = [
  'economy',
  'livelihood',
  'ecology',
  'safety',
  'governance',
  'satisfaction',
  'conduct',
] as const;
export type IndicatorCategory = (typeof INDICATOR_CATEGORIES)[number];
/** How often an indicator is measured. */
export const INDICATOR_FREQUENCIES = ['monthly', 'quarterly', 'annual'] as const;
/** quantitative (a measured value) or qualitative (rated by evaluation subjects, with a rubric). */
export const INDICATOR_MEASURES = ['quantitative', 'qualitative'] as const;
/** active (its latest version may be picked), superseded (an older version), retired (no longer picked). */
export const INDICATOR_STATUSES = ['active', 'superseded', 'retired'] as const;
/** Most score bands of a raters' rubric. */
export const MAX_RUBRIC_BANDS = 6;
export * from './enums-surveys';

/** Roles of PerfCommons; the server checks permissions against these. */
export const ROLES = [
  'admin',
  'security_admin',
  'audit_admin',
  'office',
  'unit_manager',
  'appraisee',
  'evaluator',
  'verifier',
  'public',
] as const;
export type Role = (typeof ROLES)[number];
export * from './enums-evaluation';
export * from './enums-participation';
export * from './enums-onboarding';
export * from './enums-monitoring';
