import type { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx, type Tx } from '../../db/client';
import type { Actor } from '../../lib/actor';
import { AppError, badRequest, conflict, type ErrorDetail } from '../../lib/errors';
import { readSheetRowBatches } from '../../lib/sheet-stream';
import { copyField, copyInto, CopyBuffer } from '../../lib/copy';
import { CopyBinary } from '../../lib/copy-binary';
import { orderedIds } from '../../lib/ordered-ids';
import { chainAlgorithm } from '../../lib/hash';
import { isLite } from '../jobs/files';
import { AUDIT_COPY_COLUMNS, valueReportEntry, valueReportLine } from '../audit/service';
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
/** Rows written (and audited) together: one COPY of values and one of their audit entries. */
const WRITE_BATCH = 10_000;
/** Rows between two progress reports. */
const PROGRESS_EVERY = 10_000;

/** A period label: 2025, 2025-Q3, 2025-H1 or 2025-09. */
const PERIOD = /^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/;

/** A period label matching {@link PERIOD} as a small integer, one per label. */
function periodKey(period: string): number {
  const year = Number(period.slice(0, 4));
  const part = period.slice(5);
  const sub = !part
    ? 0
    : part[0] === 'Q'
      ? 100 + Number(part[1])
      : part[0] === 'H'
        ? 110 + Number(part[1])
        : 1 + Number(part);
  return year * 128 + sub;
}

/** The cell of a row at a column's index (-1: no such column), '' when absent. */
const cellAt = (cells: string[], at: number) => (at >= 0 ? (cells[at] ?? '') : '');

/** Whether the plan takes values now: approved, its cycle's results not published (409 otherwise). */
async function assertPlanTakesValues(db: DbOrTx, scope: PlanScope) {
  await assertCycleNotPublished(db, scope.plan.cycleId);
  if (scope.plan.status !== 'approved')
    throw conflict('Values are reported against an approved plan', [
      { path: 'planId', message: 'plan not approved' },
    ]);
}

/** A checked row of a values file; `value` is the number's JSON text. */
interface ValueRow {
  code: string;
  period: string;
  value: string;
  /** The number `value` writes (sent as such in COPY's binary format). */
  num: number;
  note: string | null;
}

/** Whether the plan has any value stored (an import into an empty plan only inserts). */
async function hasValues(tx: Tx, planId: string) {
  const [{ found }] = await rowsOf<{ found: boolean }>(
    tx,
    sql`select exists (select 1 from actual_values where plan_id = ${planId}) as found`,
  );
  return found;
}

const VALUE_COLUMNS = [
  'id',
  'plan_id',
  'indicator_code',
  'period',
  'value',
  'note',
  'status',
  'reported_by',
  'reported_at',
];

/** A field of COPY's text format back to its value (null for `\\N`). */
const uncopy = (v: string) =>
  v === '\\N'
    ? null
    : v.includes('\\')
      ? v.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c))
      : v;

/**
 * PGlite: COPY lines stored by one statement whose rows travel as one JSON parameter (measured faster
 * there than a COPY from a blob, as for the frame import); a `data` column holds JSON text, sent as JSON.
 */
async function insertLines(tx: Tx, table: string, columns: string[], lines: string) {
  const json: string[] = [];
  for (const line of lines.split('\n')) {
    if (!line) continue;
    const fields = line.split('\t');
    json.push(
      `{${columns
        .map((c, k) => {
          const v = uncopy(fields[k]);
          return `${JSON.stringify(c)}:${v === null ? 'null' : c === 'data' ? v : JSON.stringify(v)}`;
        })
        .join(',')}}`,
    );
  }
  const list = sql.raw(columns.join(', '));
  await tx.execute(sql`insert into ${sql.raw(table)} (${list})
    select ${list} from json_populate_recordset(null::${sql.raw(table)}, ${`[${json.join(',')}]`}::json)`);
}

/** `n` entry numbers from the audit log's sequence as ascending ranges `[first, last]`. */
async function reserveAuditSeqs(db: DbOrTx, n: number): Promise<[number, number][]> {
  const ranges = await rowsOf<{ lo: string; hi: string }>(
    db,
    // Consecutive numbers come back as one range (another writer's numbers may fall in between): a
    // few rows per batch rather than one per entry.
    sql`with s as materialized (select pg_get_serial_sequence('audit_log', 'seq')::regclass as id),
        n as materialized (select nextval(s.id) as v from s, generate_series(1, ${n}))
      select min(v) as lo, max(v) as hi
      from (select v, v - row_number() over (order by v) as g from n) t group by g order by min(v)`,
  );
  return ranges.map((r) => [Number(r.lo), Number(r.hi)]);
}

/** Indexes of `ranks` ordered by rank (each below `size`), equal ranks in their order: a counting sort. */
function byRank(ranks: number[], size: number): Int32Array {
  const next = new Int32Array(size + 1);
  for (const r of ranks) next[r + 1]++;
  for (let k = 0; k < size; k++) next[k + 1] += next[k];
  const order = new Int32Array(ranks.length);
  for (let i = 0; i < ranks.length; i++) order[next[ranks[i]]++] = i;
  return order;
}

/**
 * Stores the checked rows of one import, each value with its `value.report` entry, in batches of
 * {@link WRITE_BATCH}. Each row is turned into COPY text as it comes and kept as bytes
 * ({@link CopyBuffer}), never as strings or objects of a batch: the rows and the entries go to their
 * tables by COPY (on PGlite by one statement, {@link insertLines}), the entries hashed here
 * (audit/service.ts valueReportLine) from the rows as stored: new values get ids in ascending order
 * (lib/ordered-ids), version 1 and the import's time. While the database stores a batch, Node reads
 * and prepares the next one (one batch in flight; its error is thrown at the next flush or at the end).
 *
 * A plan with no values when the import starts: the rows go straight into actual_values (the file
 * has no key twice; a value reported meanwhile by someone else makes the COPY fail on the unique key,
 * and the job is tried again). Entry numbers are taken from the sequence a batch ahead (through
 * another connection on PostgreSQL). Otherwise each batch goes to a temporary table first, then one
 * statement inserts or updates them all (a value reported again is replaced, its version bumped and
 * its verification cleared) and answers the id, version and entry number of each, which its entry
 * hashes.
 */
function valueWriter(
  db: Db,
  tx: Tx,
  planId: string,
  reportedBy: string,
  existing: boolean,
  leafCodes: Iterable<string>,
) {
  const ids = orderedIds();
  // On PostgreSQL a batch's values are sent in the order of actual_values_unique (by code, each code's
  // rows in file order), not in file order: a file by period (every code of a month, then the next
  // month) would otherwise insert each row at another place of the index than the row before it, and
  // the rows of one code now land on the same leaf page one after the other (a fifth less of the
  // database's time for a million values measured in psql). The entries keep the file's order.
  const codeRanks = new Map([...leafCodes].sort().map((c, k) => [c, k]));
  const reportedAt = new Date().toISOString();
  const algorithm = chainAlgorithm();
  // PGlite: one connection, held by the transaction.
  const lite = isLite(db);
  const seqDb = lite ? tx : db;
  const valueLine = (r: ValueRow, id: string) =>
    `${id}\t${planId}\t${copyField(r.code)}\t${copyField(r.period)}\t${r.value}\t${copyField(r.note)}\treported\t${reportedBy}\t${reportedAt}\n`;
  const entryRow = (r: ValueRow, id: string, version: number) => ({
    id,
    planId,
    indicatorCode: r.code,
    period: r.period,
    value: r.value,
    note: r.note,
    reportedBy,
    reportedAt,
    version,
  });
  // Fields the same in every row, encoded once (binary format): of a value, the plan; its status,
  // reporter and time (consecutive columns).
  const planField = CopyBinary.encode((b) => b.uuid(planId));
  const reportedFields = CopyBinary.encode((b) => {
    b.text('reported');
    b.uuid(reportedBy);
    b.timestamptz(Date.parse(reportedAt));
  });
  /** Of an entry: its time, actor, action and entity type (consecutive columns), per entry time. */
  const entryFields = (at: string) =>
    CopyBinary.encode((b) => {
      b.timestamptz(Date.parse(at));
      b.uuid(reportedBy);
      b.text('value.report');
      b.text('actual_value');
    });

  /**
   * A batch's COPY bytes: text lines on PGlite (sent by {@link insertLines}), binary on PostgreSQL
   * (an entry's fields those of valueReportEntry, as valueReportLine writes them in the text format).
   */
  const batchBytes = () => {
    if (lite) {
      const text = new CopyBuffer();
      return {
        value: (r: ValueRow, id: string) => text.add(valueLine(r, id)),
        entry: (r: ValueRow, id: string, version: number, seq: number, at: string) =>
          text.add(valueReportLine(entryRow(r, id, version), seq, at, algorithm)),
        take: () => text.take(),
      };
    }
    const bin = new CopyBinary();
    let atText = '';
    let atFields: Buffer = Buffer.alloc(0);
    /** Of each value row added: its code's rank. */
    let ranks: number[] = [];
    return {
      value(r: ValueRow, id: string) {
        ranks.push(codeRanks.get(r.code) ?? 0);
        bin.row(VALUE_COLUMNS.length);
        bin.uuid(id);
        bin.field(planField);
        bin.text(r.code);
        bin.text(r.period);
        bin.float8(r.num);
        bin.text(r.note);
        bin.field(reportedFields);
      },
      entry(r: ValueRow, id: string, version: number, seq: number, at: string) {
        const e = valueReportEntry(entryRow(r, id, version), seq, at, algorithm);
        bin.row(AUDIT_COPY_COLUMNS.length);
        bin.int8(seq);
        if (at !== atText) atFields = entryFields((atText = at));
        bin.field(atFields);
        bin.text(id);
        bin.jsonb(e.data);
        bin.text(e.entityHash);
        bin.null();
        bin.text(e.hash);
      },
      take() {
        if (!ranks.length) return bin.take();
        const order = byRank(ranks, codeRanks.size);
        ranks = [];
        return bin.takeInOrder(order);
      },
    };
  };
  const copy = async (table: string, columns: string[], chunks: Buffer[]) => {
    if (lite) return insertLines(tx, table, columns, Buffer.concat(chunks).toString('utf8'));
    const c = copyInto(tx, table, columns, { binary: true });
    try {
      for (const chunk of chunks) await c.writeBytes(chunk);
      await c.end();
    } catch (err) {
      await c.abort();
      throw err;
    }
  };

  // Entry numbers (a plan without values): the ranges taken, the next batch's asked for meanwhile.
  let ranges: [number, number][] = [];
  let nextSeq = 0;
  let lastSeq = -1;
  let ahead: Promise<[number, number][]> | null = null;
  const ask = () => {
    ahead = reserveAuditSeqs(seqDb, WRITE_BATCH);
    ahead.catch(() => undefined); // awaited (and thrown) when needed
  };
  const refill = async () => {
    if (!ahead) ask();
    ranges = await ahead!;
    ask();
    [nextSeq, lastSeq] = ranges.shift()!;
  };

  const values = batchBytes();
  const entries = batchBytes();
  /** Rows added since the last flush. */
  let pending = 0;
  /** Rows of the batch (a plan with values: their entries need the ids and versions stored). */
  let rows: ValueRow[] = [];
  let at = new Date().toISOString();
  let staged = false;
  let written = 0;
  let inFlight: Promise<void> | null = null;
  const settle = async () => {
    const previous = inFlight;
    inFlight = null;
    if (previous) await previous;
  };

  const upsert = async (batch: ValueRow[], valueBytes: Buffer[]) => {
    if (!staged)
      await tx.execute(sql`create temporary table value_import (like actual_values including defaults)
          on commit drop`);
    staged = true;
    await copy('value_import', VALUE_COLUMNS, valueBytes);
    const columns = sql.raw(VALUE_COLUMNS.join(', '));
    const back = await rowsOf<{
      indicator_code: string;
      period: string;
      id: string;
      version: number;
      seq: string;
    }>(
      tx,
      sql`with up as (
            insert into actual_values as a (${columns})
            select ${columns} from value_import
            on conflict (plan_id, indicator_code, period) do update set
              value = excluded.value, note = excluded.note, status = 'reported', reason = null,
              reported_by = excluded.reported_by, reported_at = excluded.reported_at, verified_by = null,
              verified_at = null, version = a.version + 1
            returning a.indicator_code, a.period, a.id, a.version)
          select up.*, nextval(s.id) as seq from up,
            -- The sequence looked up once, not per row.
            (select pg_get_serial_sequence('audit_log', 'seq')::regclass as id offset 0) s`,
    );
    await tx.execute(sql`truncate value_import`);
    const byKey = new Map(back.map((b) => [`${b.indicator_code}|${b.period}`, b]));
    const lines = batchBytes();
    const batchAt = new Date().toISOString();
    for (const r of batch) {
      const b = byKey.get(`${r.code}|${r.period}`)!;
      lines.entry(r, b.id, Number(b.version), Number(b.seq), batchAt);
    }
    await copy('audit_log', AUDIT_COPY_COLUMNS, lines.take());
  };

  return {
    /** Adds a row to the batch (a promise only when it waits for entry numbers). */
    add(r: ValueRow): Promise<void> | void {
      if (existing) {
        values.value(r, ids());
        rows.push(r);
        pending++;
        return;
      }
      if (nextSeq > lastSeq) {
        if (!ranges.length) return refill().then(() => this.add(r));
        [nextSeq, lastSeq] = ranges.shift()!;
      }
      const id = ids();
      values.value(r, id);
      entries.entry(r, id, 1, nextSeq++, at);
      pending++;
    },
    /** Rows added since the last flush. */
    get pending() {
      return pending;
    },
    /** Sends the batch (not awaited) once the previous one is stored. */
    async flush() {
      const n = pending;
      pending = 0;
      const valueBytes = values.take();
      const entryBytes = entries.take();
      const batch = rows;
      rows = [];
      await settle();
      if (!n) return;
      const next = (
        existing
          ? upsert(batch, valueBytes)
          : copy('actual_values', VALUE_COLUMNS, valueBytes).then(() =>
              copy('audit_log', AUDIT_COPY_COLUMNS, entryBytes),
            )
      ).then(() => void (written += n));
      next.catch(() => undefined); // awaited (and thrown) later
      inFlight = next;
      at = new Date().toISOString();
    },
    /** Waits for the batch in flight; the rows stored. */
    async finish() {
      await settle();
      if (ahead) await (ahead as Promise<unknown>).catch(() => undefined);
      return written;
    },
  };
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
 * file) and written in batches of 10,000 with their audit entries (`value.report`, as the form and the
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
    /**
     * Counts a problem of the current data row's `field` (listing the first ones); false, the row is
     * not written. Its path is only written when listed (not a string per row read).
     */
    const problem = (field: string, message: string): false => {
      problems++;
      if (details.length < MAX_LISTED_PROBLEMS) details.push({ path: `rows.${i}.${field}`, message });
      return false;
    };
    /** Per leaf code, the periods of the rows read so far ({@link periodKey}). */
    const seen = new Map<string, Set<number>>();
    const store = valueWriter(db, tx, planId, a.id, await hasValues(tx, planId), leafCodes);
    const input = typeof source === 'function' ? source(tx) : source;
    let index: Record<string, number> | null = null;
    let i = 0;
    const batches = readSheetRowBatches(input, filename, {
      maxRows: opts.maxRows ?? MAX_VALUE_ROWS,
      onBytes: opts.onBytes,
    });
    for await (const batch of batches)
      for (const { row, cells } of batch) {
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
        const code = cellAt(cells, index.indicatorCode);
        const period = cellAt(cells, index.period);
        const raw = cellAt(cells, index.value);
        const value = Number(raw);
        let ok = true;
        if (!code) ok = problem('indicatorCode', `row ${row}: empty`);
        else if (!leafCodes.has(code))
          ok = problem('indicatorCode', `row ${row}: no leaf indicator ${code} in this plan`);
        const periodOk = PERIOD.test(period);
        if (!periodOk)
          ok = problem('period', `row ${row}: '${period}' is not 2025, 2025-Q3, 2025-H1 or 2025-09`);
        if (raw === '' || !Number.isFinite(value))
          ok = problem('value', `row ${row}: '${raw}' is not a number`);
        if (periodOk && leafCodes.has(code)) {
          // Keys seen, as small integers per leaf: a million rows keep no strings alive (garbage
          // collection took a third of the import's time in Node with a Set of `code|period` texts).
          let periods = seen.get(code);
          if (!periods) seen.set(code, (periods = new Set()));
          const key = periodKey(period);
          if (ok && periods.has(key)) ok = problem('period', `row ${row}: ${code} ${period} appears twice`);
          periods.add(key);
        }
        i++;
        if (i % PROGRESS_EVERY === 0) opts.onProgress?.(i);
        // After the first problem nothing more is written (the transaction is rolled back anyway).
        if (problems || !ok || closed) continue;
        // The number's JSON text: the value stored and the text its audit entry hashes.
        const pending = store.add({
          code,
          period,
          value: JSON.stringify(value),
          // As its JSON text stores it (-0 as 0).
          num: value === 0 ? 0 : value,
          note: cellAt(cells, index.note) || null,
        });
        if (pending) await pending;
        if (store.pending >= WRITE_BATCH) await store.flush();
      }
    await store.finish();
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
    await store.flush();
    const written = await store.finish();
    opts.onProgress?.(i);
    return { inserted: written };
  });
}
