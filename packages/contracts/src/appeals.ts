import { z } from 'zod';
import { itemsOf, Timestamp } from './common';
import { fileReply } from './files';
import { APPEAL_STATUSES } from './enums';

const period = z
  .string()
  .regex(/^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/)
  .optional();

export const AppealBody = z.object({
  /** The indicator whose score is appealed. */
  indicatorCode: z.string().trim().min(1).max(40),
  /** Why the score is wrong. */
  reason: z.string().trim().min(5).max(5000),
  /** Evidence: links or references to documents. */
  evidence: z.array(z.string().trim().min(1).max(500)).max(20).optional(),
});
export type AppealInput = z.infer<typeof AppealBody>;

export const DecideAppealBody = z.object({
  /** accepted or rejected. */
  decision: z.enum(['accepted', 'rejected']),
  /** The reviewer's reasons (shown to the appellant). */
  reason: z.string().trim().min(2).max(5000),
  /** When accepted: the corrected value, which triggers a recompute. */
  correction: z.object({ value: z.number().finite(), period }).optional(),
});
export type DecideAppealInput = z.infer<typeof DecideAppealBody>;

export const AppealsQuery = z.object({
  /** Only appeals of results of this cycle. */
  cycleId: z.uuid().optional(),
});

/** Total, grade and rank of a result before or after an appeal. */
export const ScoreSnapshot = z.object({
  total: z.number(),
  grade: z.string().nullable(),
  rank: z.number().int().nullable(),
});
export type ScoreSnapshot = z.infer<typeof ScoreSnapshot>;

/** What the current user may do with an appeal. */
export const AppealPermissions = z.object({
  /** Accept or reject it (the office, while it is pending). */
  decide: z.boolean(),
  /** Attach evidence files (the appraisee side or the office, while it is pending). */
  attach: z.boolean(),
});

export const Appeal = z.object({
  id: z.uuid(),
  resultId: z.uuid(),
  planId: z.uuid(),
  indicatorCode: z.string(),
  reason: z.string(),
  evidence: z.array(z.string()),
  status: z.enum(APPEAL_STATUSES),
  appellantId: z.uuid(),
  reviewerId: z.uuid().nullable(),
  decisionReason: z.string().nullable(),
  correction: z.object({ value: z.number(), period: z.string().optional() }).nullable(),
  totalBefore: ScoreSnapshot.nullable(),
  totalAfter: ScoreSnapshot.nullable(),
  createdAt: Timestamp,
  decidedAt: Timestamp.nullable(),
  can: AppealPermissions.optional(),
});
export type Appeal = z.infer<typeof Appeal>;

/** A published revision written by an accepted appeal (the appellant's result, and peers whose figures moved). */
export const AppealRevision = z.object({
  resultId: z.uuid(),
  planId: z.uuid(),
  revision: z.number().int(),
});
export type AppealRevision = z.infer<typeof AppealRevision>;

export const AppealReply = z.object({ appeal: Appeal });
export const AppealListReply = itemsOf(Appeal);
export const DecideAppealReply = z.object({ appeal: Appeal, revisions: z.array(AppealRevision) });
export type DecideAppealReply = z.infer<typeof DecideAppealReply>;

/** An evidence file of an appeal (metadata; the content is downloaded from `GET /appeal-files/:id`). */
export const AppealFile = z.object({
  id: z.uuid(),
  appealId: z.uuid(),
  filename: z.string(),
  /** Sniffed from the file's first bytes. */
  mimeType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.uuid().nullable(),
  uploadedAt: Timestamp,
});
export type AppealFile = z.infer<typeof AppealFile>;
export const AppealFileReply = z.object({ file: AppealFile });
export const AppealFileListReply = itemsOf(AppealFile);
/** The file as uploaded; its sniffed type in `content-type`, its SHA-256 in `x-content-sha256`. */
export const AppealFileDownloadReply = fileReply('application/octet-stream', 'The evidence file as uploaded');
