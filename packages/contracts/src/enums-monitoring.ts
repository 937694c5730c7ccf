/** Enums of the monitoring API (no zod: imported by the web bundles). */

/** Traffic light of a leaf against its trajectory: on track, behind, far behind. */
export const TRAJECTORY_COLOURS = ['green', 'yellow', 'red'] as const;
export type TrajectoryColour = (typeof TRAJECTORY_COLOURS)[number];
/** An early warning is raised for a yellow or red leaf. */
export const WARNING_STATUSES = ['yellow', 'red'] as const;
/** How often values are reported. */
export const REPORTING_FREQUENCIES = ['quarterly', 'monthly'] as const;
/** A correction task 整改任务: open → in_progress → closed. */
export const TASK_STATUSES = ['open', 'in_progress', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Who signs a target responsibility agreement: the appraisee side or the office. */
export const SIGNOFF_SIDES = ['appraisee', 'office'] as const;
export type SignoffSide = (typeof SIGNOFF_SIDES)[number];
/** What a mid-cycle revision may change: a leaf's target, or any node's weight. */
export const REVISION_FIELDS = ['target', 'weight'] as const;
export type RevisionField = (typeof REVISION_FIELDS)[number];
export const REVISION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type RevisionStatus = (typeof REVISION_STATUSES)[number];
/** jump: far from history; outOfRange: outside plausible bounds; repeated: same as the last 3 reports. */
export const ANOMALY_KINDS = ['jump', 'outOfRange', 'repeated'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
/** First-digit (Benford) conformity by MAD: ≤ 0.006 close, ≤ 0.012 acceptable, ≤ 0.015 marginal. */
export const BENFORD_CONFORMITIES = ['close', 'acceptable', 'marginal', 'nonconformity'] as const;
export type BenfordConformity = (typeof BENFORD_CONFORMITIES)[number];
/** Largest evidence file stored, in bytes. */
export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;

/** Status of a reported value: reported, then verified or rejected by a verifier. */
export const VALUE_STATUSES = ['reported', 'verified', 'rejected'] as const;
