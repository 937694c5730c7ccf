/** Enums of the evaluation rules (no zod: the web imports them through `@perfcommons/contracts/enums`). */

/** Consequence kinds of the application of results 结果运用. */
export const CONSEQUENCE_KINDS = [
  'commendation',
  'bonus_coefficient',
  'admonishment',
  'accountability_review',
  'promotion_eligible',
  'improvement_plan',
] as const;
export type ConsequenceKind = (typeof CONSEQUENCE_KINDS)[number];

/** Subjects a rater panel can be assigned as (every evaluation subject but `data` and `self`). */
export const PANEL_SUBJECTS = [
  'superior',
  'peer',
  'subordinate',
  'service_recipient',
  'expert',
  'deputy',
  'third_party',
  'public',
] as const;
export type PanelSubject = (typeof PANEL_SUBJECTS)[number];

/** How ties at a quota boundary are resolved (domain GradeScheme.tieBreak). */
export const TIE_BREAKS = ['weightedScoreThenCode', 'shareQuota'] as const;
