import { z } from 'zod';
import { ErrorDetail } from './common';
import { IMPORT_KINDS, IMPORT_ROW_ACTIONS } from './enums-onboarding';
import { fileReply, XLSX_TYPE } from './files';

export const ImportKindParams = z.object({
  /** units (the org tree), people (leading cadres) or accounts (logins with roles). */
  kind: z.enum(IMPORT_KINDS),
});
export const ImportTemplateQuery = z.object({
  /** Language of the header row: Chinese (default) or English keys; both are accepted on upload. */
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
});

/** What the import does with one row of the sheet. */
export const ImportRowOutcome = z.object({
  /** Row number in the sheet (the header is row 1). */
  row: z.number().int(),
  /** Code or username of the row. */
  key: z.string(),
  action: z.enum(IMPORT_ROW_ACTIONS),
  /** Fields that change (update). */
  changes: z.array(z.string()),
});
export type ImportRowOutcome = z.infer<typeof ImportRowOutcome>;

/** Row by row what the import would do, and every problem as `rows.<sheet row>.<field>`. */
export const ImportPreviewReply = z.object({
  kind: z.enum(IMPORT_KINDS),
  /** No problem: the file can be imported. */
  ok: z.boolean(),
  summary: z.object({
    create: z.number().int(),
    update: z.number().int(),
    unchanged: z.number().int(),
    error: z.number().int(),
  }),
  rows: z.array(ImportRowOutcome),
  errors: z.array(ErrorDetail),
  /** Headers that match no column (ignored). */
  ignoredColumns: z.array(z.string()),
});
export type ImportPreviewReply = z.infer<typeof ImportPreviewReply>;

/** The import done (all rows or none): new accounts' one-time passwords are in this answer only. */
export const ImportCommitReply = ImportPreviewReply.extend({
  credentials: z.array(z.object({ username: z.string(), displayName: z.string(), password: z.string() })),
});
export type ImportCommitReply = z.infer<typeof ImportCommitReply>;

export const ImportCommitQuery = z.object({
  /**
   * Units and cadres are imported as a job (202 with its id); true waits for it and answers the
   * import (200). Accounts are always imported in the request (200): their one-time passwords are
   * in that answer only, never stored with a job.
   */
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const ImportTemplateReply = fileReply(XLSX_TYPE, 'The import template as an Excel workbook.');
