/** Raters' training material 培训材料 of a cycle: files uploaded by the office and titled links. */
import { z } from 'zod';
import { OkReply, Timestamp } from './common';
import { fileReply } from './files';

export const CYCLE_MATERIAL_KINDS = ['file', 'link'] as const;

/** One piece of training material (metadata; a file's content from `GET /cycle-materials/:id`). */
export const CycleMaterial = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  kind: z.enum(CYCLE_MATERIAL_KINDS),
  title: z.string(),
  /** The link's address (links only). */
  url: z.string().nullable(),
  filename: z.string().nullable(),
  /** Sniffed from the file's first bytes (files only). */
  mimeType: z.string().nullable(),
  size: z.number().int().nullable(),
  sha256: z.string().nullable(),
  uploadedBy: z.uuid().nullable(),
  uploadedAt: Timestamp,
});
export type CycleMaterial = z.infer<typeof CycleMaterial>;

/** Material of a cycle, oldest first, and what the reader may do with it. */
export const CycleMaterialListReply = z.object({
  items: z.array(CycleMaterial),
  can: z.object({
    /** Upload files, add links and remove material (the office). */
    manage: z.boolean(),
  }),
});
export type CycleMaterialListReply = z.infer<typeof CycleMaterialListReply>;
export const CycleMaterialReply = z.object({ material: CycleMaterial });
export type CycleMaterialReply = z.infer<typeof CycleMaterialReply>;

/** Query of a file upload (multipart, field `file`). */
export const CycleMaterialUploadQuery = z.object({
  /** Title shown to raters; the file name when omitted. */
  title: z.string().trim().min(1).max(200).optional(),
});

/** A link to training material held elsewhere. */
export const CycleMaterialLinkBody = z.object({
  /** Title shown to raters. */
  title: z.string().trim().min(1).max(200),
  /** http(s) address of the material. */
  url: z.url({ protocol: /^https?$/ }).max(2000),
});
export type CycleMaterialLinkBody = z.infer<typeof CycleMaterialLinkBody>;

/** The file as uploaded; its sniffed type in `content-type`, its SHA-256 in `x-content-sha256`. */
export const CycleMaterialDownloadReply = fileReply(
  'application/octet-stream',
  'The training file as uploaded',
);
export const CycleMaterialDeleteReply = OkReply;
