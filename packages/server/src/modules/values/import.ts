import type { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx, type Tx } from '../../db/client';
import type { Actor } from '../../lib/actor';
import { AppError, badRequest, conflict, type ErrorDetail } from '../../lib/errors';
import { readSheetRows } from '../../lib/sheet-stream';
import { valueAuditCte } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { assertCanReport, loadPlanScope, type PlanScope } from '../plans/access';
import { planLeafCodes } from './service';

const COLUMNS = ['indicatorCode', 'period', 'value', 'note'] as const;
/** Most data rows of one values file. */
export const MAX_VALUE_ROWS = 1_000_000;
/** Largest values file (CSV; an XLSX is at most 64 MB, the streaming reader's limit). */
export const MAX_VALUE_FILE_BYTES = 200 * 1024 * 1024;
/** Problems listed when a file is refused (the count names them all). */
export const MAX_LISTED_PROBLEMS = 100;
/** Rows written (and audited) by one statement. */
const WRITE_BATCH = 2000;
/** Rows between two progress reports. */
const PROGRESS_EVERY = 10_000;

/** Whether the plan takes values now: approved, its cycle's results not published (409 otherwise). */
async function assertPlanTakesValues(db: DbOrTx, scope: PlanScope) {
  await assertCycleNotPublished(db, scope.plan.cycleId);
  if (scope.plan.status !== 'approved')
    throw conflict('Values are reported against an approved plan', [
      { path: 'planId', message: 'plan not approved' },
    ]);
}

export interface ValueImportOptions {
  /** Hears the data rows read so far (every 10,000 rows and at the end). */
  onProgress?: (rows: number) => void;
  /** Hears the bytes of the file parsed so far. */
  onBytes?: (parsed: number) => void;
  maxRows?: number;
}

/**
 * Imports actual values from an XLSX or CSV (header row `indicatorCode, period, value, note`) streamed
 * row by row, all rows or none, in one transaction: each row is checked as it is read (a leaf
 * indicator of this plan, a period like 2025, 2025-Q3, 2025-H1 or 2025-09, a number, not twice in the
 * file) and written in batches of 2,000 with their audit entries (`value.report`, as the form and the
 * bulk route write them). After the first problem nothing more is written; the rest of the file is
 * still read so that the 400 counts every problem (listing the first 100 as `rows.N.field`, N from 0,
 * with the sheet row). Memory holds one batch and the keys seen, never the file (XLSX: its compressed
 * bytes). A value reported again replaces the old one and needs verification again.
 */
export async function importValues(
  db: Db,
  actor: Actor | null,
  planId: string,
  source: Readable | Buffer | ((tx: Tx) => Readable | Buffer),
  filename: string,
  opts: ValueImportOptions = {},
): Promise<{ inserted: number }> {
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, planId);
    const a = assertCanReport(actor, scope);
    // The file's own problems are answered first (as when the sheet was parsed before anything else):
    // a plan that takes no values now (409) is answered once the file is read, nothing written meanwhile.
    let closed: AppError | null = null;
    try {
      await assertPlanTakesValues(tx, scope);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      closed = err;
    }
    const leafCodes = await planLeafCodes(tx, planId);
    const details: ErrorDetail[] = [];
    let problems = 0;
    /** Counts a problem (listing the first ones); false, the row is not written. */
    const problem = (path: string, message: string): false => {
      problems++;
      if (details.length < MAX_LISTED_PROBLEMS) details.push({ path, message });
      return false;
    };
    const seen = new Set<string>();
    const batch: { indicator_code: string; period: string; value: number; note: string | null }[] = [];
    let written = 0;
    const write = async () => {
      if (!batch.length) return;
      // One statement per batch: the rows as one JSON parameter (binding 7 parameters a row cost more
      // than the insert itself), and each stored value's audit entry built by the database
      // (valueAuditCte) rather than read back and hashed here. `value` stays json so the entries
      // hash the number's text as JSON.stringify wrote it.
      const json = JSON.stringify(batch.splice(0));
      const [{ n }] = await rowsOf<{ n: number | string }>(
        tx,
        sql`with src as (
            select * from json_to_recordset(${json}::json)
              as x(indicator_code text, period text, value json, note text)),
          ins as (insert into actual_values (plan_id, indicator_code, period, value, note, status, reported_by)
            select ${planId}::uuid, indicator_code, period, value::text::float8, note, 'reported', ${a.id}::uuid
            from src
            on conflict (plan_id, indicator_code, period) do update set
              value = excluded.value, note = excluded.note, status = 'reported', reason = null,
              reported_by = excluded.reported_by, reported_at = now(), verified_by = null,
              verified_at = null, version = actual_values.version + 1
            returning *),
          aud as (${sql.raw(valueAuditCte('ins', 'src'))})
          select count(*)::int as n from ins`,
      );
      written += Number(n);
    };

    /**
     * The batch's statement, not awaited: the file is read on (Node) while the database stores the
     * batch, one statement in flight; its error is thrown at the next flush or at the end.
     */
    let inFlight: Promise<void> | null = null;
    const settle = async () => {
      const previous = inFlight;
      inFlight = null;
      if (previous) await previous;
    };
    const flush = async () => {
      await settle();
      const next = write();
      next.catch(() => undefined); // awaited (and thrown) later
      inFlight = next;
    };

    const input = typeof source === 'function' ? source(tx) : source;
    let index: Record<string, number> | null = null;
    let i = 0;
    for await (const { row, cells } of readSheetRows(input, filename, {
      maxRows: opts.maxRows ?? MAX_VALUE_ROWS,
      onBytes: opts.onBytes,
    })) {
      if (!index) {
        const header = cells.map((h) => h.trim());
        index = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)]));
        const missing = COLUMNS.filter((c) => c !== 'note' && index![c] < 0);
        if (missing.length)
          throw badRequest(
            `Missing column(s): ${missing.join(', ')}`,
            missing.map((c) => ({ path: `file.columns.${c}`, message: 'missing header' })),
          );
        continue;
      }
      const cell = (c: (typeof COLUMNS)[number]) => (index![c] >= 0 ? (cells[index![c]] ?? '') : '');
      const code = cell('indicatorCode');
      const period = cell('period');
      const raw = cell('value');
      const value = Number(raw);
      const at = `rows.${i}`;
      let ok = true;
      if (!code) ok = problem(`${at}.indicatorCode`, `row ${row}: empty`);
      else if (!leafCodes.has(code))
        ok = problem(`${at}.indicatorCode`, `row ${row}: no leaf indicator ${code} in this plan`);
      if (!/^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/.test(period))
        ok = problem(`${at}.period`, `row ${row}: '${period}' is not 2025, 2025-Q3, 2025-H1 or 2025-09`);
      if (raw === '' || !Number.isFinite(value))
        ok = problem(`${at}.value`, `row ${row}: '${raw}' is not a number`);
      const key = `${code}|${period}`;
      if (ok && seen.has(key)) ok = problem(`${at}.period`, `row ${row}: ${code} ${period} appears twice`);
      seen.add(key);
      i++;
      if (i % PROGRESS_EVERY === 0) opts.onProgress?.(i);
      // After the first problem nothing more is written (the transaction is rolled back anyway).
      if (problems || !ok || closed) continue;
      batch.push({ indicator_code: code, period, value, note: cell('note') || null });
      if (batch.length >= WRITE_BATCH) await flush();
    }
    await settle();
    // @fastify/multipart marks a file cut at its size limit: never store the part that arrived.
    if ((input as { truncated?: boolean }).truncated)
      throw new AppError(413, 'file_too_large', 'The file is too large', [
        { path: 'file', message: `larger than ${MAX_VALUE_FILE_BYTES / 1024 / 1024} MB` },
      ]);
    if (problems)
      throw badRequest(
        `${problems} problem(s) in the file; nothing was stored` +
          (problems > details.length ? ` (the first ${details.length} are listed)` : ''),
        details,
      );
    if (i === 0) throw badRequest('The file has no data rows', [{ path: 'file', message: 'no rows' }]);
    if (closed) throw closed;
    await write();
    opts.onProgress?.(i);
    return { inserted: written };
  });
}
