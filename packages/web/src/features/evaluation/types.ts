/** Shapes of the evaluation API (packages/server/src/modules/evaluation, ratings). */
import type { GradeScheme } from '@perfcommons/domain';

export type { GradeScheme };

/** Subjects a panel can be assigned as (the API excludes data and self). */
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

export const CONSEQUENCE_KINDS = [
  'commendation',
  'bonus_coefficient',
  'admonishment',
  'accountability_review',
  'promotion_eligible',
  'improvement_plan',
] as const;

export interface ConsequenceRule {
  kind: (typeof CONSEQUENCE_KINDS)[number];
  grade?: string;
  consecutive?: number;
  veto?: boolean;
  appraiseeType?: 'unit' | 'cadre';
  value?: number;
}

export interface CycleRules {
  trimEachSide: number;
  minRaters: number;
  unitShareForCadres: number;
  annualShareForTerm: number;
  appealWindowDays: number;
  consequenceRules: ConsequenceRule[];
  /** How a missing input is treated (absent in versions from before the rule: 'incomplete'). */
  missingData?: MissingDataPolicy;
  /** Plan design checks: minimum share (%) of the total scored by the public (default 10). */
  minPublicWeight?: number;
  /** Plan design checks: minimum share (%) of the total of a leaf (default 1). */
  minLeafShare?: number;
}

export type MissingDataPolicy = 'incomplete' | 'renormalise' | 'zero';
export const MISSING_DATA_POLICIES: MissingDataPolicy[] = ['incomplete', 'renormalise', 'zero'];

export interface RuleVersion {
  id: string;
  version: number;
  rules: CycleRules;
  gradeScheme: GradeScheme | null;
  note: string | null;
  createdAt: string;
  frozenAt: string | null;
}

export interface RulesView {
  rules: CycleRules;
  gradeScheme: GradeScheme | null;
  frozen: boolean;
  versions: RuleVersion[];
}

export interface RatingTask {
  id: string;
  planId: string;
  cycleId: string;
  subjectType: string;
  planTitle: string;
  planTitleEn: string | null;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  rated: { planId: string; indicatorCode: string; subjectType: string; score: number }[];
}

export interface Panel {
  planId: string;
  subjectType: string;
  raters: number;
  rated: number;
}

export interface UserItem {
  id: string;
  username: string;
  displayName: string;
  displayNameEn: string | null;
  roles: { role: string; orgUnitId: string | null; orgName: string | null; orgNameEn: string | null }[];
}

export interface AssignAnswer {
  created: number;
  skipped: { planId: string; raterId: string; reason: string }[];
}

export interface RaterQuality {
  raters: {
    raterId: string;
    username: string;
    displayName: string;
    subjectType: string;
    n: number;
    meanDeviation: number;
    flag: 'lenient' | 'severe' | null;
  }[];
  panels: { subjectType: string; units: number; raters: number; ratings: number; alpha: number | null }[];
}
