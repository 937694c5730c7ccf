import { createHash } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { LinkageSource } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import { orgUnits, users } from '../../db/schema';
import { linkageBatches, linkageRecords } from '../../db/schema-linkage';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, isUniqueViolation, type ErrorDetail } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import type { ParsedSheet, SheetRow } from '../onboarding/sheet';
import {
  parseDate,
  parseLinkageSheet,
  parseLocalTime,
  parseRectified,
  parseResolution,
  parseSatisfaction,
  parseYesNo,
} from './sheet';

export interface ImportFile {
  buffer: Buffer;
  filename: string;
}

type RecordRow = typeof linkageRecords.$inferSelect;
/** The fields of a record an import sets (identity, batches and version aside). */
type RecordFields = Pick<
  RecordRow,
  | 'orgUnitId'
  | 'requestType'
  | 'category'
  | 'channel'
  | 'receivedAt'
  | 'acceptedAt'
  | 'deadline'
  | 'closedAt'
  | 'onTime'
  | 'resolution'
  | 'satisfaction'
  | 'upheld'
  | 'rectified'
>;
const FIELDS: (keyof RecordFields)[] = [
  'orgUnitId',
  'requestType',
  'category',
  'channel',
  'receivedAt',
  'acceptedAt',
  'deadline',
  'closedAt',
  'onTime',
  'resolution',
  'satisfaction',
  'upheld',
  'rectified',
];

interface RowPlan {
  row: number;
  key: string;
  action: 'create' | 'update' | 'unchanged' | 'error';
  changes: string[];
  fields?: RecordFields;
  existing?: RecordRow;
}

/** Comparable form of a field (times as epoch milliseconds). */
const same = (a: unknown, b: unknown) => {
  const norm = (v: unknown) => (v instanceof Date ? v.getTime() : (v ?? null));
  return norm(a) === norm(b);
};

/** Units by code and by name (a name two units share matches neither). */
async function unitIndex(db: DbOrTx) {
  const units = await db.select({ id: orgUnits.id, code: orgUnits.code, name: orgUnits.name }).from(orgUnits);
  const byCode = new Map(units.map((u) => [u.code.toLowerCase(), u.id]));
  const byName = new Map<string, string | null>();
  for (const u of units) byName.set(u.name, byName.has(u.name) ? null : u.id);
  return (raw: string): string | null | undefined => {
    const code = byCode.get(raw.toLowerCase());
    if (code) return code;
    return byName.get(raw);
  };
}

/** Checks every row of the file and compares it with the stored record of the same id. */
async function planRows(db: DbOrTx, source: LinkageSource, sheet: ParsedSheet) {
  const errors: ErrorDetail[] = [];
  const unitOf = await unitIndex(db);
  const firstRow = new Map<string, number>();
  const planned: RowPlan[] = [];
  for (const r of sheet.rows) planned.push(checkRow(r, source, unitOf, firstRow, errors));
  const keys = planned.filter((p) => p.action !== 'error').map((p) => p.key);
  const existing = new Map<string, RecordRow>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await db
      .select()
      .from(linkageRecords)
      .where(
        and(eq(linkageRecords.source, source), inArray(linkageRecords.externalId, keys.slice(i, i + 1000))),
      );
    for (const row of rows) existing.set(row.externalId, row);
  }
  for (const p of planned) {
    if (p.action === 'error') continue;
    const before = existing.get(p.key);
    if (!before) {
      p.action = 'create';
      continue;
    }
    p.existing = before;
    // A column the file does not have leaves the stored field as it is.
    for (const f of FIELDS) if (!present(sheet, f)) (p.fields as Record<string, unknown>)[f] = before[f];
    p.changes = FIELDS.filter((f) => !same(before[f], p.fields![f]));
    p.action = p.changes.length ? 'update' : 'unchanged';
  }
  return { planned, errors };
}

/** Whether the sheet has the column behind a field. */
const present = (sheet: ParsedSheet, field: keyof RecordFields) =>
  sheet.columns.has(field === 'orgUnitId' ? 'unit' : field);

function checkRow(
  r: SheetRow,
  source: LinkageSource,
  unitOf: (raw: string) => string | null | undefined,
  firstRow: Map<string, number>,
  errors: ErrorDetail[],
): RowPlan {
  const c = r.cells;
  const before = errors.length;
  const err = (field: string, message: string) => errors.push({ path: `rows.${r.row}.${field}`, message });
  const key = (c.id ?? '').trim();
  if (!key) err('id', 'required');
  else if (key.length > 64) err('id', 'at most 64 characters');
  else if (firstRow.has(key)) err('id', `${key} is also in row ${firstRow.get(key)}`);
  else firstRow.set(key, r.row);
  let orgUnitId: string | undefined;
  const unit = (c.unit ?? '').trim();
  if (!unit) err('unit', 'required');
  else {
    const found = unitOf(unit);
    if (found === null) err('unit', `${unit}: several units have this name; use the unit code`);
    else if (!found) err('unit', `${unit}: no unit with this code or name`);
    else orgUnitId = found;
  }
  const time = (field: string, required = false): Date | null => {
    const raw = c[field] ?? '';
    if (!raw) {
      if (required) err(field, 'required');
      return null;
    }
    const iso = parseLocalTime(raw);
    if (!iso) err(field, `'${raw}' is not a time (2025-03-12 09:14)`);
    return iso ? new Date(iso) : null;
  };
  const pick = <T>(field: string, parse: (raw: string) => T | undefined, hint: string): T | null => {
    const raw = c[field] ?? '';
    if (!raw) return null;
    const v = parse(raw);
    if (v === undefined) err(field, `'${raw}' is not one of ${hint}`);
    return v ?? null;
  };
  const text = (field: string) => (c[field] ?? '').slice(0, 200) || null;
  const receivedAt = time('receivedAt', true);
  const acceptedAt = time('acceptedAt');
  const closedAt = time('closedAt');
  const deadlineRaw = c.deadline ?? '';
  const deadline = deadlineRaw ? (parseDate(deadlineRaw) ?? null) : null;
  if (deadlineRaw && !deadline) err('deadline', `'${deadlineRaw}' is not a date (2025-03-19)`);
  if (receivedAt && acceptedAt && acceptedAt < receivedAt) err('acceptedAt', 'before the received time');
  if (receivedAt && closedAt && closedAt < receivedAt) err('closedAt', 'before the received time');
  const fields: RecordFields = {
    orgUnitId: orgUnitId ?? '',
    requestType: source === 'hotline' ? text('requestType') : null,
    category: text('category'),
    channel: text('channel'),
    receivedAt: receivedAt ?? new Date(0),
    acceptedAt,
    deadline,
    closedAt,
    onTime: pick('onTime', parseYesNo, '是 / 否'),
    resolution:
      source === 'hotline' ? pick('resolution', parseResolution, '已解决 / 部分解决 / 未解决') : null,
    satisfaction: pick(
      'satisfaction',
      parseSatisfaction,
      source === 'hotline'
        ? '满意 / 基本满意 / 不满意 / 未评价'
        : '非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意',
    ),
    upheld: source === 'review' ? pick('upheld', parseYesNo, '属实 / 不属实') : null,
    rectified: source === 'review' ? pick('rectified', parseRectified, '已整改 / 整改中 / 未整改') : null,
  };
  const bad = errors.length > before;
  return { row: r.row, key, action: bad ? 'error' : 'create', changes: [], fields: bad ? undefined : fields };
}

function summarise(source: LinkageSource, sheet: ParsedSheet, planned: RowPlan[], errors: ErrorDetail[]) {
  const summary = { create: 0, update: 0, unchanged: 0, error: 0 };
  for (const p of planned) summary[p.action] += 1;
  const rowOf = (d: ErrorDetail) => Number(/^rows\.(\d+)\./.exec(d.path)?.[1] ?? 0);
  errors.sort((x, y) => rowOf(x) - rowOf(y));
  return {
    source,
    ok: errors.length === 0,
    summary,
    rows: planned.map((p) => ({ row: p.row, key: p.key, action: p.action, changes: p.changes })),
    errors,
    ignoredColumns: sheet.ignored,
  };
}

/** What importing the file would do, row by row, with every problem as `rows.<sheet row>.<field>`. Writes nothing. */
export async function previewLinkageImport(
  db: Db,
  actor: Actor | null,
  source: LinkageSource,
  file: ImportFile,
) {
  requireOffice(actor, 'Importing service data');
  const sheet = await parseLinkageSheet(source, file.buffer, file.filename);
  const { planned, errors } = await planRows(db, source, sheet);
  return summarise(source, sheet, planned, errors);
}

/**
 * Imports the file: all rows or none. Records are matched by source and id: a new id is created, a
 * changed one updated (version + 1, its batch = this batch), an identical one left alone, so importing
 * the same file again writes nothing. One batch row and one audit entry (with the file's SHA-256 and
 * the ids created and changed) record the import.
 */
export async function commitLinkageImport(
  db: Db,
  actor: Actor | null,
  source: LinkageSource,
  file: ImportFile,
  /** Told once the records are written, inside the transaction (the job's progress). */
  onWritten?: () => void,
) {
  const a = requireOffice(actor, 'Importing service data');
  const sheet = await parseLinkageSheet(source, file.buffer, file.filename);
  try {
    return await db.transaction(async (tx) => {
      const { planned, errors } = await planRows(tx, source, sheet);
      if (errors.length)
        throw badRequest(
          `${errors.length} problem(s) in the file; nothing was stored`,
          errors,
          'import_invalid',
        );
      const result = summarise(source, sheet, planned, errors);
      const creates = planned.filter((p) => p.action === 'create');
      const updates = planned.filter((p) => p.action === 'update');
      if (!creates.length && !updates.length) return { ...result, batchId: null };
      const sha256 = createHash('sha256').update(file.buffer).digest('hex');
      const [batch] = await tx
        .insert(linkageBatches)
        .values({
          source,
          filename: file.filename.slice(0, 200),
          sha256,
          rows: planned.length,
          created: creates.length,
          updated: updates.length,
          unchanged: result.summary.unchanged,
          importedBy: a.id,
        })
        .returning();
      for (let i = 0; i < creates.length; i += 1000)
        await tx.insert(linkageRecords).values(
          creates.slice(i, i + 1000).map((p) => ({
            ...p.fields!,
            source,
            externalId: p.key,
            firstBatchId: batch.id,
            batchId: batch.id,
          })),
        );
      for (const p of updates)
        await tx
          .update(linkageRecords)
          .set({ ...p.fields!, batchId: batch.id, version: p.existing!.version + 1 })
          .where(and(eq(linkageRecords.id, p.existing!.id), eq(linkageRecords.version, p.existing!.version)));
      onWritten?.();
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'linkage.import',
          entityType: 'linkage_batch',
          entityId: batch.id,
          data: {
            source,
            filename: batch.filename,
            sha256,
            ...result.summary,
            created: creates.map((p) => p.key),
            updated: updates.map((p) => ({ id: p.key, fields: p.changes })),
          },
        },
      ]);
      return { ...result, batchId: batch.id };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('Someone imported the same records meanwhile; preview the file again', [
        { path: 'file', message: 'conflicting import' },
      ]);
    throw err;
  }
}

/** The committed import batches, newest first (the office). */
export async function listBatches(db: Db, actor: Actor | null) {
  requireOffice(actor, 'Importing service data');
  const rows = await db
    .select({ b: linkageBatches, by: users.displayName })
    .from(linkageBatches)
    .leftJoin(users, eq(users.id, linkageBatches.importedBy))
    .orderBy(desc(linkageBatches.importedAt))
    .limit(200);
  return rows.map(({ b, by }) => ({
    id: b.id,
    source: b.source,
    filename: b.filename,
    sha256: b.sha256,
    rows: b.rows,
    created: b.created,
    updated: b.updated,
    unchanged: b.unchanged,
    importedAt: b.importedAt,
    importedBy: by,
  }));
}
