/** Shapes of the HTTP API: from @perfcommons/contracts, except those whose module has no contract yet. */

/** The signed-in user (GET /api/auth/me) and the roles of PerfCommons. */
export type { Role, SessionUser as User, AuditEntry } from '@perfcommons/contracts';

export type { OrgUnit, Person } from '@perfcommons/contracts';

export { STAGES } from '@perfcommons/contracts/enums';
export type { Cycle, Stage } from '@perfcommons/contracts';

export type { PlanStatus } from '@perfcommons/contracts';
/** A plan without its tree (staff views add its owner and `can`). */
export type { Plan as PlanSummary } from '@perfcommons/contracts';

export interface PlanValue {
  id: string;
  indicatorCode: string;
  period: string;
  value: number;
  note?: string | null;
  status: 'reported' | 'verified' | 'rejected';
  reason?: string | null;
  /** Bumped on every re-report; a verification names the version it saw. */
  version: number;
}

export interface Result {
  id: string;
  planId: string;
  appraiseeType: 'unit' | 'cadre' | 'project';
  orgUnitId?: string | null;
  personId?: string | null;
  appraiseeName?: string | null;
  appraiseeNameEn?: string | null;
  peerGroup?: string | null;
  cycleId?: string;
  total: number;
  weightedScore?: number;
  bonus?: number;
  deduction?: number;
  /** Null while the result is incomplete (see `complete`). */
  grade: string | null;
  gradeByScore?: string | null;
  rank?: number | null;
  peerGroupSize?: number | null;
  veto?: { triggered: boolean; codes: string[]; mode?: 'unqualified' | 'downOne' } | null;
  reasons?: string[] | null;
  computedAt?: string | null;
  /** Rank under ±10% perturbation of the first-level weights; null when the group's trees differ. */
  sensitivity?: RankSensitivity | null;
  /** Consequences applied 结果运用. */
  consequences?: AppliedConsequence[];
  /** Detail only: the inputs changed since the result was computed (the breakdown explains the current ones). */
  stale?: boolean;
  /** False when inputs are missing under the cycle's missing-data rule: no grade, rank or consequence. */
  complete?: boolean;
  /** What the result lacks. */
  missing?: MissingItem[];
  /** Detail only: what the current user may do with it (the server's rule). */
  can?: { appeal: boolean };
}

/** A missing input of a result: a leaf without verified data or raters, or a combined part. */
export interface MissingItem {
  code: string;
  name?: string;
  nameEn?: string;
  reason: 'unreported' | 'unverified' | 'insufficient_raters' | 'no_estimate' | 'combined_part_missing';
  veto?: boolean;
}

export interface RankSensitivity {
  baseRank: number;
  rankMin: number;
  rankMax: number;
  /** Share of perturbation runs in which the rank stayed at baseRank. */
  sameRankShare: number;
  p5Rank: number;
  p95Rank: number;
}

export interface AppliedConsequence {
  /** commendation | bonus_coefficient | admonishment | accountability_review | promotion_eligible | improvement_plan */
  kind: string;
  value?: unknown;
  reason: string;
}

export interface Items<T> {
  items: T[];
}

/** One published revision of a result (GET /api/results/:id/revisions and its public twin). */
export interface ResultRevision {
  id: string;
  revision: number;
  kind: 'publication' | 'appeal' | 'correction';
  snapshot: { total: number; grade: string | null; rank: number | null; complete: boolean };
  changes: {
    cause?: string;
    fields?: Record<string, { from: unknown; to: unknown }>;
    input?: { indicatorCode: string; period: string; from: number | null; to: number } | null;
  };
  reason: string | null;
  approverName: string | null;
  approverNameEn: string | null;
  at: string;
}
