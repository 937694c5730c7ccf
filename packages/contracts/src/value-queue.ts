import { z } from 'zod';
import { IsoDate } from './common';
import { VALUE_STATUSES } from './enums';
import { PlanValue } from './values';

/** Largest page of the verification queue. */
export const MAX_QUEUE_PAGE = 100;

/** Filters of the verifier's queue across plans (`GET /values/queue`); all optional. */
export const ValueQueueQuery = z.object({
  /** Only values of plans of this cycle. */
  cycleId: z.uuid().optional(),
  /** Only values of this plan. */
  planId: z.uuid().optional(),
  /** Only values of plans of this org unit or a unit under it. */
  orgUnitId: z.uuid().optional(),
  /** Indicator code, or part of the code or name (case-insensitive). */
  indicator: z.string().trim().max(100).optional(),
  /** Status of the value; default `reported` (awaiting verification). */
  status: z.enum(VALUE_STATUSES).default('reported'),
  /** Reported on or after this day (UTC). */
  submittedFrom: IsoDate.optional(),
  /** Reported on or before this day (UTC). */
  submittedTo: IsoDate.optional(),
  /** Page number, from 1. */
  page: z.coerce.number().int().min(1).default(1),
  /** Values per page. */
  pageSize: z.coerce.number().int().min(1).max(MAX_QUEUE_PAGE).default(20),
});
export type ValueQueueQuery = z.input<typeof ValueQueueQuery>;

/** What the current user may do with a value (computed by the checks of the verify use case). */
export const ValuePermissions = z.object({
  /** Verify or reject it: a verifier of the plan's unit (or the office), not its reporter, cycle not published. */
  verify: z.boolean(),
});

/** A value in the queue, with its plan, appraisee, cycle and indicator. */
export const QueuedValue = PlanValue.extend({
  cycleId: z.uuid(),
  cycleName: z.string(),
  cycleNameEn: z.string().nullable(),
  planTitle: z.string(),
  planTitleEn: z.string().nullable(),
  orgUnitId: z.uuid(),
  appraiseeName: z.string(),
  appraiseeNameEn: z.string().nullable(),
  indicatorName: z.string().nullable(),
  indicatorNameEn: z.string().nullable(),
  unit: z.string().nullable(),
  /** Plausible range of the indicator, when its definition gives one. */
  plausibleMin: z.number().nullable(),
  plausibleMax: z.number().nullable(),
  /** Evidence files attached to the value. */
  evidenceCount: z.number().int(),
  can: ValuePermissions,
});
export type QueuedValue = z.infer<typeof QueuedValue>;

export const ValueQueueReply = z.object({
  items: z.array(QueuedValue),
  /** Values matching the filters, over all pages. */
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type ValueQueueReply = z.infer<typeof ValueQueueReply>;

/** Several values verified or rejected at once, each naming the version reviewed. */
export const BulkVerifyBody = z.object({
  /** verified or rejected. */
  decision: z.enum(['verified', 'rejected']),
  /** Required when rejecting; applies to every value. */
  reason: z.string().trim().max(2000).optional(),
  /** The values and the versions reviewed. */
  items: z
    .array(
      z.object({
        /** Value id. */
        id: z.uuid(),
        /** The version reviewed; a newer report is refused with `version_conflict`. */
        version: z.number().int().positive(),
      }),
    )
    .min(1)
    .max(MAX_QUEUE_PAGE),
});
export type BulkVerifyInput = z.infer<typeof BulkVerifyBody>;

/** Each value decided on its own: the ones refused say why (error code and message), the others are done. */
export const BulkVerifyReply = z.object({
  done: z.array(PlanValue),
  failed: z.array(
    z.object({
      id: z.uuid(),
      /** Stable error code (`version_conflict`, `forbidden`, `cycle_published` …). */
      error: z.string(),
      message: z.string(),
    }),
  ),
});
export type BulkVerifyReply = z.infer<typeof BulkVerifyReply>;
