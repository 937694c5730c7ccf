/**
 * Monitoring routes 绩效监控: evidence files, anomaly flags, the reporting calendar, trajectories and
 * early warnings, reporting discipline, correction tasks, notifications, sign-offs and mid-cycle revisions.
 */
import { z } from 'zod';
import { IsoDate, itemsOf, Timestamp } from './common';
import { APPRAISEE_TYPES } from './enums';
import {
  ANOMALY_KINDS,
  BENFORD_CONFORMITIES,
  REPORTING_FREQUENCIES,
  REVISION_FIELDS,
  REVISION_STATUSES,
  SIGNOFF_SIDES,
  TASK_STATUSES,
  TRAJECTORY_COLOURS,
  WARNING_STATUSES,
} from './enums-monitoring';
import { Plan } from './plan-views';

/**
 * What the current user may do in monitoring, sent on `/api/auth/me` (the rules of the services: the office
 * sets the reporting calendar, runs warnings and reminders and reopens closed tasks; anomaly flags are for
 * verifiers and the office).
 */
export const MonitoringPermissions = z.object({
  configurePeriods: z.boolean(),
  runWarnings: z.boolean(),
  runReminders: z.boolean(),
  reopenTasks: z.boolean(),
  viewFlags: z.boolean(),
});
export type MonitoringPermissions = z.infer<typeof MonitoringPermissions>;

// Requests.

export const CycleQuery = z.object({
  /** The cycle to look at. */
  cycleId: z.uuid(),
});
export const CycleBody = z.object({
  /** The cycle to run on. */
  cycleId: z.uuid(),
});
export const PeriodsBody = z.object({
  /** The cycle whose reporting calendar is set. */
  cycleId: z.uuid(),
  /** Report every quarter or every month. */
  frequency: z.enum(REPORTING_FREQUENCIES),
  /** Days after a period ends by which its values are due. */
  deadlineDays: z.number().int().min(0).max(120).default(15),
  /** Days after the deadline before a missing report is escalated to the office. */
  graceDays: z.number().int().min(0).max(90).default(7),
});
export const TaskBody = z.object({
  /** User responsible for the correction; default the unit's manager. */
  ownerId: z.uuid().optional(),
  /** Date by which it must be closed (ISO date). */
  deadline: IsoDate,
  /** Short title; default names the indicator and period. */
  title: z.string().trim().max(300).optional(),
});
export const TaskStatusBody = z.object({
  /** open, in_progress or closed. */
  status: z.enum(TASK_STATUSES),
  /** What was done; required to close. */
  resolution: z.string().trim().max(4000).optional(),
});
export const TasksQuery = z.object({
  /** The cycle whose tasks are listed. */
  cycleId: z.uuid(),
  /** Only tasks in this status. */
  status: z.enum(TASK_STATUSES).optional(),
});
export const NotificationsQuery = z.object({
  /** Only unread messages. */
  unread: z.enum(['true', 'false']).optional(),
  /** At most this many (newest first). */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const OverdueQuery = z.object({
  /** The cycle whose reporting is checked. */
  cycleId: z.uuid(),
  /** Check as of this day (ISO date, not in the future); default today (UTC). */
  asOf: IsoDate.optional(),
});
export const RemindersBody = z.object({
  /** The cycle whose missing reports are chased. */
  cycleId: z.uuid(),
  /** Run as of this day (ISO date, not in the future); default today (UTC). */
  asOf: IsoDate.optional(),
});
export const SignoffBody = z.object({
  /** appraisee (unit manager or the cadre) or office. */
  side: z.enum(SIGNOFF_SIDES),
});
export const RevisionBody = z.object({
  /** Why the target or weight must change mid-cycle (published with the revision). */
  justification: z.string().trim().min(10).max(4000),
  /** The changes: indicator code, field and new value. */
  changes: z
    .array(
      z.object({
        /** Indicator code in the plan. */
        code: z.string().trim().min(1).max(40),
        /** target (of a leaf) or weight (of any node). */
        field: z.enum(REVISION_FIELDS),
        /** New value. */
        to: z.number().finite(),
      }),
    )
    .min(1)
    .max(50),
});
export const DecideRevisionBody = z.object({
  /** approved or rejected. */
  decision: z.enum(['approved', 'rejected']),
  /** Required when rejecting. */
  reason: z.string().trim().max(2000).optional(),
});
export const RevisionsQuery = z.object({
  /** The cycle whose revisions are listed. */
  cycleId: z.uuid(),
  /** Only revisions in this status. */
  status: z.enum(REVISION_STATUSES).optional(),
});

// Replies.

const Appraisee = { appraiseeName: z.string(), appraiseeNameEn: z.string().nullable() };
const Colour = z.enum(TRAJECTORY_COLOURS);

/** An evidence file of a reported value (its content is downloaded on its own). */
export const EvidenceFile = z.object({
  id: z.uuid(),
  valueId: z.uuid(),
  planId: z.uuid(),
  filename: z.string(),
  /** Sniffed from the file's first bytes, never taken from the client. */
  mimeType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.uuid().nullable(),
  uploadedAt: Timestamp,
});
export type EvidenceFile = z.infer<typeof EvidenceFile>;
export const EvidenceReply = z.object({ file: EvidenceFile });
export const EvidenceListReply = itemsOf(EvidenceFile);
/** The file itself, with its `x-content-sha256` header. */
export const EvidenceDownloadReply = z.unknown().describe('The file, as uploaded');

/** Anomaly flags 异常标记 of one reported value. */
export const ValueFlags = z.object({
  valueId: z.uuid(),
  planId: z.uuid(),
  ...Appraisee,
  indicatorCode: z.string(),
  indicatorName: z.string(),
  indicatorNameEn: z.string().nullable(),
  period: z.string(),
  value: z.number(),
  status: z.string(),
  flags: z.array(z.object({ kind: z.enum(ANOMALY_KINDS), message: z.string() })),
});
export type ValueFlags = z.infer<typeof ValueFlags>;
/** First-digit (Benford) test of one plan's values; NaN statistics (no values) are null. */
export const PlanBenford = z.object({
  planId: z.uuid(),
  ...Appraisee,
  chiSquare: z.number().nullable(),
  pValue: z.number().nullable(),
  mad: z.number().nullable(),
  /** Observed count per first digit, index 0 = digit 1. */
  counts: z.array(z.number().int()),
  expected: z.array(z.number()),
  n: z.number().int(),
  conformity: z.enum(BENFORD_CONFORMITIES),
  /** Nonconforming over enough values to mean something. */
  flagged: z.boolean(),
});
export type PlanBenford = z.infer<typeof PlanBenford>;
export const FlagsReply = z.object({ items: z.array(ValueFlags), benford: z.array(PlanBenford) });
export type FlagsReply = z.infer<typeof FlagsReply>;

/** A reporting period 填报期 with its deadline. */
export const ReportingPeriod = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  /** `2025-Q3` or `2025-09`. */
  period: z.string(),
  position: z.number().int(),
  startsOn: IsoDate,
  endsOn: IsoDate,
  deadline: IsoDate,
  graceDays: z.number().int(),
});
export type ReportingPeriod = z.infer<typeof ReportingPeriod>;
export const PeriodListReply = itemsOf(ReportingPeriod);
export type PeriodListReply = z.infer<typeof PeriodListReply>;
export const TrajectoryPoint = z.object({
  period: z.string(),
  value: z.number(),
  expected: z.number(),
  gap: z.number(),
  shortfallShare: z.number(),
  status: Colour,
});
export type TrajectoryPoint = z.infer<typeof TrajectoryPoint>;
/** A leaf on its straight line from baseline to target, with its reported points. */
export const LeafTrajectory = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  unit: z.string().nullable(),
  baseline: z.number(),
  target: z.number(),
  direction: z.enum(['increase', 'decrease']),
  points: z.array(TrajectoryPoint),
  /** Status at the latest reported period, null before any report. */
  status: Colour.nullable(),
  latest: TrajectoryPoint.nullable(),
});
export type LeafTrajectory = z.infer<typeof LeafTrajectory>;
export const PlanTrajectory = z.object({
  planId: z.uuid(),
  appraiseeType: z.enum(APPRAISEE_TYPES),
  orgUnitId: z.uuid(),
  personId: z.uuid().nullable(),
  ...Appraisee,
  title: z.string(),
  titleEn: z.string().nullable(),
  /** Roll-up of the leaves' latest statuses. */
  status: Colour.nullable(),
  counts: z.record(Colour, z.number().int()),
  leaves: z.array(LeafTrajectory),
});
export type PlanTrajectory = z.infer<typeof PlanTrajectory>;
export const CycleTrajectoryReply = z.object({
  periods: z.array(ReportingPeriod),
  items: z.array(PlanTrajectory),
});
export type CycleTrajectoryReply = z.infer<typeof CycleTrajectoryReply>;
export const PlanTrajectoryReply = z.object({ periods: z.array(ReportingPeriod), item: PlanTrajectory });
export const RunWarningsReply = z.object({ raised: z.number().int(), notified: z.number().int() });
export type RunWarningsReply = z.infer<typeof RunWarningsReply>;
/** An early warning 预警 with its correction tasks. */
/** What the current user may do with an early warning. */
export const WarningPermissions = z.object({
  /** Turn it into a correction task (the office or a manager over the unit, while it has no task). */
  assignTask: z.boolean(),
});
export type WarningPermissions = z.infer<typeof WarningPermissions>;

export const EarlyWarning = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  orgUnitId: z.uuid(),
  ...Appraisee,
  indicatorCode: z.string(),
  indicatorName: z.string(),
  indicatorNameEn: z.string().nullable(),
  unit: z.string().nullable(),
  period: z.string(),
  status: z.enum(WARNING_STATUSES),
  expected: z.number(),
  actual: z.number(),
  shortfallShare: z.number(),
  createdAt: Timestamp,
  tasks: z.array(
    z.object({ id: z.uuid(), status: z.enum(TASK_STATUSES), deadline: IsoDate, ownerId: z.uuid() }),
  ),
  can: WarningPermissions,
});
export type EarlyWarning = z.infer<typeof EarlyWarning>;
export const WarningListReply = itemsOf(EarlyWarning);
export type WarningListReply = z.infer<typeof WarningListReply>;

/** A plan's missing reports of one period past its deadline. */
export const OverdueReport = z.object({
  planId: z.uuid(),
  appraiseeType: z.enum(APPRAISEE_TYPES),
  orgUnitId: z.uuid(),
  ...Appraisee,
  period: z.string(),
  deadline: IsoDate,
  /** From this day the office is told. */
  escalateOn: IsoDate,
  daysOverdue: z.number().int(),
  escalated: z.boolean(),
  /** Leaf codes still without a value. */
  missing: z.array(z.string()),
  reminderSentAt: Timestamp.nullable(),
  escalationSentAt: Timestamp.nullable(),
});
export type OverdueReport = z.infer<typeof OverdueReport>;
export const OverdueReply = z.object({ asOf: IsoDate, items: z.array(OverdueReport) });
export type OverdueReply = z.infer<typeof OverdueReply>;
export const RemindersReply = z.object({
  asOf: IsoDate,
  reminders: z.number().int(),
  escalations: z.number().int(),
  notified: z.number().int(),
});
export type RemindersReply = z.infer<typeof RemindersReply>;

/** A correction task 整改任务, followed until closed. */
export const CorrectionTask = z.object({
  id: z.uuid(),
  warningId: z.uuid().nullable(),
  planId: z.uuid(),
  indicatorCode: z.string().nullable(),
  title: z.string(),
  ownerId: z.uuid(),
  deadline: IsoDate,
  status: z.enum(TASK_STATUSES),
  resolution: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  closedAt: Timestamp.nullable(),
  /** Not closed and past its deadline. */
  overdue: z.boolean(),
});
/**
 * What the current user may do with a correction task (updateTask's rule): start an open one, close one not
 * yet closed (its owner, a manager of the unit, the office), reopen a closed one (the office).
 */
export const TaskPermissions = z.object({ start: z.boolean(), close: z.boolean(), reopen: z.boolean() });
export type TaskPermissions = z.infer<typeof TaskPermissions>;
export const CorrectionTaskListItem = CorrectionTask.extend({
  can: TaskPermissions,
  ownerName: z.string(),
  ownerNameEn: z.string().nullable(),
  ...Appraisee,
});
export type CorrectionTaskListItem = z.infer<typeof CorrectionTaskListItem>;
export const TaskReply = z.object({ task: CorrectionTask });
export const TaskListReply = itemsOf(CorrectionTaskListItem);
export type TaskListReply = z.infer<typeof TaskListReply>;

/** A message to the current user inside the platform. */
export const Notification = z.object({
  id: z.uuid(),
  /** reporting_reminder, reporting_escalation, early_warning, correction_task, plan_revision. */
  kind: z.string(),
  title: z.string(),
  titleEn: z.string().nullable(),
  body: z.string().nullable(),
  bodyEn: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  planId: z.uuid().nullable(),
  createdAt: Timestamp,
  readAt: Timestamp.nullable(),
});
export type Notification = z.infer<typeof Notification>;
export const NotificationListReply = z.object({ items: z.array(Notification), unread: z.number().int() });
export type NotificationListReply = z.infer<typeof NotificationListReply>;
export const NotificationReply = z.object({ notification: Notification });
export const ReadAllReply = z.object({ updated: z.number().int() });

/** A sign-off of a target responsibility agreement 目标责任书. */
export const Signoff = z.object({
  id: z.uuid(),
  side: z.enum(SIGNOFF_SIDES),
  userId: z.uuid(),
  userName: z.string(),
  userNameEn: z.string().nullable(),
  /** Plan version signed. */
  planVersion: z.number().int(),
  signedAt: Timestamp,
});
export type Signoff = z.infer<typeof Signoff>;
export const SignoffListReply = itemsOf(Signoff);
export const SignoffReply = z.object({
  signoff: Signoff.omit({ userName: true, userNameEn: true }).extend({ planId: z.uuid() }),
});
export const RevisionChange = z.object({
  code: z.string(),
  field: z.enum(REVISION_FIELDS),
  from: z.number().nullable(),
  to: z.number(),
});
export type RevisionChange = z.infer<typeof RevisionChange>;
/** A mid-cycle revision 计划调整 of targets or weights of an approved plan. */
export const PlanRevision = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  status: z.enum(REVISION_STATUSES),
  justification: z.string(),
  changes: z.array(RevisionChange),
  requestedBy: z.uuid().nullable(),
  requestedAt: Timestamp,
  decidedBy: z.uuid().nullable(),
  decidedAt: Timestamp.nullable(),
  decisionReason: z.string().nullable(),
  previousVersion: z.number().int().nullable(),
  newVersion: z.number().int().nullable(),
});
export type PlanRevision = z.infer<typeof PlanRevision>;
export const PlanRevisionReply = z.object({ revision: PlanRevision });
export const PlanRevisionListReply = itemsOf(
  PlanRevision.extend({
    /** The indicator tree before the revision was applied (kept for the record). */
    previousTree: z.array(z.unknown()).nullable(),
  }),
);
export const DecideRevisionReply = z.object({ revision: PlanRevision, plan: Plan });
export const CycleRevision = PlanRevision.extend(Appraisee);
export type CycleRevision = z.infer<typeof CycleRevision>;
export const CycleRevisionListReply = itemsOf(CycleRevision);
export type CycleRevisionListReply = z.infer<typeof CycleRevisionListReply>;
