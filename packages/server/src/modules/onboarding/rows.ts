/** What an import plans row by row, and the checks the three sheets share. */
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { normalizeUsername } from '../auth/password';
import type { Actor } from '../../lib/actor';
import type { ErrorDetail } from '../../lib/errors';
import type { AuditEntryInput } from '../audit/service';
import type { ParsedSheet, SheetRow } from './sheet';

/** What the import does with one row. */
export type RowAction = 'create' | 'update' | 'unchanged' | 'error';

export interface RowOutcome {
  /** Row number in the sheet (the header is row 1). */
  row: number;
  /** Code or username of the row. */
  key: string;
  action: RowAction;
  /** Fields that change (update). */
  changes: string[];
}

/** A one-time password of an account the import created (in the commit answer only). */
export interface Credential {
  username: string;
  displayName: string;
  password: string;
}

/** One row's planned write, applied only when the whole file is valid. */
export interface Planned {
  outcomes: RowOutcome[];
  errors: ErrorDetail[];
  apply(tx: DbOrTx, actor: Actor): Promise<{ audit: AuditEntryInput[]; credentials: Credential[] }>;
}

/** Collects field errors of one row; each cell is checked by the same zod schema as the API's. */
export class RowCheck {
  readonly errors: ErrorDetail[] = [];
  constructor(
    private readonly r: SheetRow,
    private readonly all: ErrorDetail[],
  ) {}
  add(field: string, message: string) {
    const d = { path: `rows.${this.r.row}.${field}`, message };
    this.errors.push(d);
    this.all.push(d);
  }
  /**
   * The cell parsed by `schema` (empty cells as null for optional ones), or undefined after an error;
   * `raw` replaces the cell's text (an alias already mapped).
   */
  parse<T>(
    field: string,
    schema: z.ZodType<T>,
    optional = false,
    raw = this.r.cells[field] ?? '',
  ): T | null | undefined {
    if (raw === '') {
      if (optional) return null;
      this.add(field, 'required');
      return undefined;
    }
    const res = schema.safeParse(raw);
    if (res.success) return res.data;
    this.add(field, res.error.issues.map((i) => i.message).join('; '));
    return undefined;
  }
  get ok() {
    return this.errors.length === 0;
  }
}

/** Flags the later of two rows with the same key. */
export function firstRows(
  rows: SheetRow[],
  keyOf: (r: SheetRow) => string,
  field: string,
  errors: ErrorDetail[],
) {
  const first = new Map<string, number>();
  const dup = new Set<number>();
  for (const r of rows) {
    const k = keyOf(r);
    if (!k) continue;
    const at = first.get(k);
    if (at === undefined) first.set(k, r.row);
    else {
      errors.push({ path: `rows.${r.row}.${field}`, message: `${k} is also in row ${at}` });
      dup.add(r.row);
    }
  }
  return dup;
}

/** Field names whose value differs between before and after, for the fields the sheet gives. */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>): string[] {
  return Object.keys(after).filter((k) => (before[k] ?? null) !== (after[k] ?? null));
}

export const changesOf = <T extends Record<string, unknown>>(before: T, after: T, fields: string[]) =>
  Object.fromEntries(fields.map((k) => [k, { from: before[k] ?? null, to: after[k] ?? null }]));

/** Usernames in their one stored form (trim, NFKC, lower case), before any matching or checking. */
export function normalizeUsernames(sheet: ParsedSheet) {
  for (const r of sheet.rows) if (r.cells.username) r.cells.username = normalizeUsername(r.cells.username);
}
