import { z } from 'zod';
import { BUNDLE_FORMAT } from '@perfcommons/domain';
import { Timestamp } from './common';
import { Cycle, PreconditionOverride, StageSchema } from './cycles';
import { CSV_TYPE, fileReply, rawReply, XLSX_TYPE } from './files';
import { RevisionChange } from './monitoring';
import { Plan } from './plan-views';
import { IndicatorNodeSchema } from './plans';

/** The portal's cycles: without the scoring rules (published with the regulations) or staff permissions. */
export const PublicCycleListReply = z.object({
  items: z.array(Cycle.omit({ rules: true, can: true, nextStage: true, previousStage: true })),
});

/** A cycle's links on the portal: each move, and each precondition the office overrode with its reason. */
export const PublicStagesReply = z.object({
  cycle: Cycle.omit({ rules: true, gradeScheme: true, can: true, nextStage: true, previousStage: true }),
  transitions: z.array(
    z.object({
      id: z.uuid(),
      from: StageSchema,
      to: StageSchema,
      /** Why, when the office went back or gave one. */
      reason: z.string().nullable(),
      at: Timestamp,
    }),
  ),
  overrides: z.array(PreconditionOverride),
});
export type PublicStagesReply = z.infer<typeof PublicStagesReply>;

export const PublicPlansQuery = z.object({
  /** Only plans of this cycle. */
  cycleId: z.uuid().optional(),
  /** Only plans of this org unit. */
  orgUnitId: z.uuid().optional(),
});

export const PublicResultsQuery = z.object({
  /** The cycle whose published results are listed. */
  cycleId: z.uuid(),
});

/** One change of an approved plan revision, with the indicator's name and unit. */
export const PublicRevisionChange = RevisionChange.extend({
  /** The indicator's name (its code when the indicator is gone). */
  name: z.string(),
  nameEn: z.string().nullable(),
  unit: z.string().nullable(),
});
/** An approved mid-cycle revision of a plan, as the portal shows it. */
export const PublicPlanRevision = z.object({
  id: z.uuid(),
  /** Why the plan changed. */
  justification: z.string(),
  decidedAt: Timestamp.nullable(),
  previousVersion: z.number().int().nullable(),
  newVersion: z.number().int().nullable(),
  changes: z.array(PublicRevisionChange),
});
export type PublicPlanRevision = z.infer<typeof PublicPlanRevision>;

/** A published plan (open for comment, approved or closed) with its indicator tree and approved revisions. */
export const PublicPlanReply = z.object({
  plan: Plan,
  tree: z.array(IndicatorNodeSchema),
  revisions: z.array(PublicPlanRevision),
});
export type PublicPlanReply = z.infer<typeof PublicPlanReply>;

/**
 * The open data bundle (format perfcommons-open-data, version 1; plain canonical JSON). Only its head is
 * spelt out here; the data dictionary is docs/open-data.md and the domain type OpenDataBundle.
 */
export const OpenDataBundleHead = z.looseObject({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.number().int(),
  cycle: z.looseObject({ id: z.uuid(), code: z.string(), name: z.string() }),
  licence: z.object({ name: z.string(), url: z.string(), note: z.string() }),
});
export const OpenDataBundleReply = rawReply(
  'application/json',
  'The open data bundle of a published cycle (canonical JSON; ETag = its SHA-256).',
  OpenDataBundleHead,
);

export const BundleDigestReply = z.object({
  /** SHA-256 of the bundle's bytes (hex). */
  sha256: z.string(),
  bytes: z.number().int(),
  /** Where to download it. */
  url: z.string(),
});
export type BundleDigestReply = z.infer<typeof BundleDigestReply>;

export const ResultsExportQuery = z.object({
  /** Language of the header row and of yes/no cells. */
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
});
export const ResultsCsvReply = fileReply(
  `${CSV_TYPE}; charset=utf-8`,
  'Published results as CSV (UTF-8 with BOM).',
);
export const ResultsXlsxReply = fileReply(XLSX_TYPE, 'Published results as an Excel workbook.');
