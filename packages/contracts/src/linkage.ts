import { z } from 'zod';
import { FINDING_KINDS, LINKAGE_METRICS, LINKAGE_SOURCES } from '@perfcommons/domain';
import { IsoDate, Timestamp } from './common';
import { fileReply } from './files';
import { Period } from './values';

export const LinkageSourceParams = z.object({
  /** hotline (12345 work orders) or review (好差评). */
  source: z.enum(LINKAGE_SOURCES),
});

export const LinkageImportQuery = z.object({
  /** The commit runs as a job (202 with its id); true waits for it and answers the import (200). */
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

/** One row of an import preview or commit. */
export const LinkageImportRow = z.object({
  /** Row number in the sheet (the header is row 1). */
  row: z.number().int(),
  /** Work order or review id. */
  key: z.string(),
  action: z.enum(['create', 'update', 'unchanged', 'error']),
  /** Fields that change (update). */
  changes: z.array(z.string()),
});
export const LinkageImportReply = z.object({
  source: z.enum(LINKAGE_SOURCES),
  ok: z.boolean(),
  summary: z.object({
    create: z.number().int(),
    update: z.number().int(),
    unchanged: z.number().int(),
    error: z.number().int(),
  }),
  rows: z.array(LinkageImportRow),
  /** Problems as `rows.<sheet row>.<field>`. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
  ignoredColumns: z.array(z.string()),
  /** The stored batch (commit only; null when the file changed nothing). */
  batchId: z.uuid().nullable().optional(),
});
export type LinkageImportReply = z.infer<typeof LinkageImportReply>;

export const LinkageBatch = z.object({
  id: z.uuid(),
  source: z.enum(LINKAGE_SOURCES),
  filename: z.string(),
  sha256: z.string(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  importedAt: Timestamp,
  importedBy: z.string().nullable(),
});
export type LinkageBatch = z.infer<typeof LinkageBatch>;
export const LinkageBatchListReply = z.object({ items: z.array(LinkageBatch) });

export const LinkageRatesQuery = z.object({
  /** month (default), quarter or year. */
  granularity: z.enum(['month', 'quarter', 'year']).default('month'),
  /** Only periods starting with this (`2025`, `2025-03`). */
  period: z
    .string()
    .regex(/^\d{4}(-\d{2}|-Q[1-4])?$/)
    .optional(),
  /** Only this unit. */
  unitId: z.uuid().optional(),
  /** Only the groups of units and periods this batch brought or changed. */
  batchId: z.uuid().optional(),
});
export const LinkageRate = z.object({
  unitId: z.uuid(),
  unitCode: z.string(),
  unitName: z.string(),
  unitNameEn: z.string().nullable(),
  period: z.string(),
  metric: z.enum(LINKAGE_METRICS),
  numerator: z.number(),
  denominator: z.number(),
  /** Percent; null when the denominator is 0 (missing, not 0 %). */
  rate: z.number().nullable(),
});
export type LinkageRate = z.infer<typeof LinkageRate>;
export const LinkageRatesReply = z.object({ items: z.array(LinkageRate) });

export const LinkageMappingBody = z.object({
  /** Indicator code in the cycle's plans (a leaf measured from data). */
  indicatorCode: z.string().trim().min(1).max(40),
  /** The computed rate that measures it. */
  metric: z.enum(LINKAGE_METRICS),
});
export const LinkageMapping = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  indicatorCode: z.string(),
  metric: z.enum(LINKAGE_METRICS),
  createdAt: Timestamp,
});
export type LinkageMapping = z.infer<typeof LinkageMapping>;
export const LinkageMappingListReply = z.object({ items: z.array(LinkageMapping) });
export type LinkageMappingListReply = z.infer<typeof LinkageMappingListReply>;
export const LinkageMappingParams = z.object({ id: z.uuid(), mappingId: z.uuid() });

export const LinkageFeedBody = z.object({
  /** Period whose rates are entered (`2025`, `2025-Q3`, `2025-09`); default the cycle's year. */
  period: Period.optional(),
});
/** Why a mapped leaf got no value from a feed. */
export const FEED_SKIP_REASONS = ['no_records', 'no_denominator', 'not_approved', 'unchanged'] as const;
export type FeedSkipReason = (typeof FEED_SKIP_REASONS)[number];
export const LinkageFeedItem = z.object({
  planId: z.uuid(),
  orgUnitId: z.uuid(),
  indicatorCode: z.string(),
  metric: z.enum(LINKAGE_METRICS),
  numerator: z.number(),
  denominator: z.number(),
  rate: z.number().nullable(),
  /** The reported value (null when skipped). */
  valueId: z.uuid().nullable(),
  /** Import batches of the records counted (evidence). */
  batchIds: z.array(z.uuid()),
  /** Why a leaf got no value: no_records, no_denominator, not_approved, unchanged. */
  skipped: z.enum(FEED_SKIP_REASONS).nullable(),
});
export type LinkageFeedItem = z.infer<typeof LinkageFeedItem>;
export const LinkageFeedReply = z.object({
  feed: z.object({
    id: z.uuid().nullable(),
    cycleId: z.uuid(),
    period: z.string(),
    items: z.array(LinkageFeedItem),
  }),
});
export type LinkageFeedReply = z.infer<typeof LinkageFeedReply>;

export const FindingBody = z.object({
  /** The appraisee's plan in the cycle. */
  planId: z.uuid(),
  /** The plan's deduction item (kind 'deduction') the points go to. */
  indicatorCode: z.string().trim().min(1).max(40),
  /** audit 审计, discipline 纪检监察/巡察, finance 财政. */
  kind: z.enum(FINDING_KINDS),
  /** Title of the source document. */
  docTitle: z.string().trim().min(1).max(300),
  /** Number of the source document (文号). */
  docNumber: z.string().trim().min(1).max(100),
  /** Date of the source document. */
  docDate: IsoDate,
  /** The problem found. */
  description: z.string().trim().min(1).max(4000),
  /** Points deducted (capped by the deduction item's weight when scored). */
  points: z.number().finite().positive().max(100),
});
export const WithdrawFindingBody = z.object({
  /** Why the finding no longer deducts (required). */
  reason: z.string().trim().min(1).max(2000),
});
export const Finding = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  planId: z.uuid(),
  orgUnitId: z.uuid(),
  unitName: z.string(),
  unitNameEn: z.string().nullable(),
  indicatorCode: z.string(),
  kind: z.enum(FINDING_KINDS),
  docTitle: z.string(),
  docNumber: z.string(),
  docDate: z.string(),
  description: z.string(),
  points: z.number(),
  status: z.enum(['active', 'withdrawn']),
  withdrawnReason: z.string().nullable(),
  withdrawnAt: Timestamp.nullable(),
  file: z
    .object({ name: z.string(), mimeType: z.string(), size: z.number().int(), sha256: z.string() })
    .nullable(),
  createdAt: Timestamp,
  can: z.object({ withdraw: z.boolean(), attach: z.boolean() }),
});
export type Finding = z.infer<typeof Finding>;
/**
 * A finding as a result's breakdown lists it under the deduction item it deducts from (`findings` of a
 * deduction node in `GET /results/:id` breakdown; the server's annotateFindings).
 */
export const BreakdownFinding = Finding.pick({
  id: true,
  indicatorCode: true,
  kind: true,
  docTitle: true,
  docNumber: true,
  docDate: true,
  description: true,
  points: true,
});
export type BreakdownFinding = z.infer<typeof BreakdownFinding>;
/** A plan a finding may be recorded against, with its deduction items (`GET /cycles/:id/findings/targets`). */
export const FindingTarget = z.object({
  planId: z.uuid(),
  title: z.string(),
  titleEn: z.string().nullable(),
  unitName: z.string(),
  unitNameEn: z.string().nullable(),
  items: z.array(
    z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable(), weight: z.number() }),
  ),
});
export type FindingTarget = z.infer<typeof FindingTarget>;
export const FindingTargetsReply = z.object({ items: z.array(FindingTarget) });
export type FindingTargetsReply = z.infer<typeof FindingTargetsReply>;
export const FindingReply = z.object({ finding: Finding });
export const FindingListReply = z.object({ items: z.array(Finding) });
export type FindingListReply = z.infer<typeof FindingListReply>;
export const FindingListQuery = z.object({
  /** Only findings against this plan. */
  planId: z.uuid().optional(),
});

/** A finding's source document as uploaded; its sniffed type in `content-type`. */
export const FindingFileDownloadReply = fileReply(
  'application/octet-stream',
  "The finding's source document as uploaded",
);

/** The city's cut-offs of the rates 计算口径 (docs/linkage.md). */
export const LinkageCutoffs = z.object({
  /** Response limit after receipt, in minutes (default 120). */
  responseLimitMinutes: z.number().int().min(1).max(10080),
  /** Weight of 部分解决 in the resolution rate, 0–1 (default 0; some cities 0.5). */
  partialResolution: z.number().min(0).max(1),
  /** Weight of 基本满意 in the satisfaction rate, 0–1 (default 1; some cities 0.8). */
  basicSatisfaction: z.number().min(0).max(1),
  /** Leave consultations (咨询) out of the on-time closure rate (default true). */
  excludeConsultations: z.boolean(),
});
export type LinkageCutoffs = z.infer<typeof LinkageCutoffs>;
export const LinkageSettingsBody = LinkageCutoffs;
export const LinkageSettingsReply = z.object({
  cutoffs: LinkageCutoffs,
  /** The office has not set them: the defaults. */
  isDefault: z.boolean(),
  updatedAt: Timestamp.nullable(),
  can: z.object({
    /** Change the cut-offs (the office). */
    edit: z.boolean(),
  }),
});
export type LinkageSettingsReply = z.infer<typeof LinkageSettingsReply>;
