import { PassThrough, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { FrameMode } from '@perfcommons/contracts';
import { count, eq, sql } from 'drizzle-orm';
import { onPostgres, type Db, type Tx } from '../../db/client';
import { surveyFrameUnits } from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { AppError, badRequest, conflict, type ErrorDetail } from '../../lib/errors';
import { copyField, copyInto, type CopyWriter } from '../../lib/copy';
import { encryptFieldsInWorker } from '../../lib/crypto-pool';
import { orderedIds } from '../../lib/ordered-ids';
import { readSheetRows } from '../../lib/sheet-stream';
import { appendAudit } from '../audit/service';
import { frameDigest } from '../audit/coverage';
import { lockSurveyForFrame } from './use-cases/shared';

/** Most data rows of one streamed frame file. */
export const MAX_STREAM_FRAME_ROWS = 1_000_000;
/** Largest streamed frame file (CSV). */
export const MAX_STREAM_FRAME_BYTES = 200 * 1024 * 1024;
/** Problems listed when a file is refused (the count names them all). */
export const MAX_LISTED_PROBLEMS = 100;
/** Rows between two progress reports. */
const PROGRESS_EVERY = 50_000;

export interface StreamFrameOptions {
  mode?: FrameMode;
  /** Called every {@link PROGRESS_EVERY} rows and at the end with the rows read so far (a job's progress). */
  onProgress?: (rows: number) => void | Promise<void>;
  maxRows?: number;
  /** The upload's name: `.xlsx` is read as a spreadsheet (lib/sheet-stream.ts), anything else as CSV. */
  filename?: string;
  /** Filled with the milliseconds of each phase (`rows`: read, checked and written; `audit`). */
  timings?: Record<string, number>;
}

/**
 * Rows checked, then encrypted and written together: one statement on PGlite, one COPY write on
 * PostgreSQL.
 */
const WRITE_BATCH = 5000;
/** Batches being encrypted (in worker threads) while the next rows are read. */
const AHEAD = 4;

interface Unit {
  i: string;
  e: string;
  s: string;
  p: Record<string, string>;
  c: string | null;
}

/** Writes one batch with a single statement: the rows travel as one JSON parameter. */
async function writeBatch(tx: Tx, surveyId: string, batch: Unit[]) {
  if (!batch.length) return;
  await tx.execute(sql`
    insert into survey_frame_units (id, survey_id, external_id, stratum, profile, contact)
    select t.i, ${surveyId}::uuid, t.e, t.s, t.p, t.c
    from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as t(i uuid, e text, s text, p jsonb, c text)`);
}

/**
 * The parser's records, as many as are buffered at a time (not one promise per record); a malformed
 * CSV (an unclosed quote…) becomes a 400 naming its line. A failure of the input fails the read.
 */
async function* readRecords<T>(input: Readable, parser: Readable): AsyncGenerator<T[]> {
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    wake?.();
  };
  const ready = () => wake?.();
  input.on('error', fail);
  parser.on('error', fail);
  parser.on('readable', ready);
  parser.on('end', ready);
  try {
    for (;;) {
      if (failure) throw failure;
      const batch: T[] = [];
      for (let r = parser.read() as T | null; r !== null; r = parser.read() as T | null) batch.push(r);
      if (batch.length) yield batch;
      else if (parser.readableEnded) return;
      else await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } catch (err) {
    const e = err as { code?: string; lines?: number; message: string };
    if (e.code?.startsWith('CSV_'))
      throw badRequest(`The file is not valid CSV (row ${e.lines ?? '?'})`, [
        { path: 'file', message: `row ${e.lines ?? '?'}: ${e.message}` },
      ]);
    throw err;
  } finally {
    input.off('error', fail);
    parser.off('error', fail);
    parser.off('readable', ready);
    parser.off('end', ready);
  }
}

/** A row of the frame file: its cells and its line (CSV) or row (XLSX) number. */
type FrameRecord = { record: string[]; info: { lines: number } };

/**
 * The rows of an XLSX frame through the streaming sheet reader (zip-bomb checks, the file held
 * compressed, rows as text cells), a thousand at a time like the CSV parser's records. One row more
 * than `maxRows` is let through so that the import refuses it with its own 413.
 */
async function* sheetRecords(
  input: Readable,
  filename: string,
  maxRows: number,
): AsyncGenerator<FrameRecord[]> {
  let batch: FrameRecord[] = [];
  for await (const { row, cells } of readSheetRows(input, filename, { maxRows: maxRows + 1 })) {
    batch.push({ record: cells, info: { lines: row } });
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * Imports a sampling frame from a CSV (or XLSX: `opts.filename`) stream (header row: id, the strata fields, optional contact),
 * up to {@link MAX_STREAM_FRAME_ROWS} rows, all or nothing, in one transaction. Rows are checked one
 * by one as they are read and written as they come (COPY FROM STDIN on PostgreSQL, `lib/copy.ts`;
 * batches of 5,000 rows in one JSON parameter on PGlite); memory holds one chunk and the ids seen (for
 * duplicates), never the file. On any problem the whole import is refused (400), listing
 * the first {@link MAX_LISTED_PROBLEMS} as `rows.N.field` with the file row (`row 3: empty`), as the
 * buffered import does. Same semantics as `storeFrame`: replace or append, 409 `frame_exists`
 * without a mode, refused once a sample is drawn, one `survey.frame` audit entry. The frame's hash
 * in that entry is computed from the units as they are written (coverage.ts `frameDigest`, the hash
 * verify-audit recomputes from the stored units); appending to existing units, appendAudit takes it
 * from the database. Contacts are encrypted in worker threads while the next rows are read.
 */
export async function importFrameStream(
  db: Db,
  actor: Actor | null,
  id: string,
  source: Readable | ((tx: Tx) => Readable),
  opts: StreamFrameOptions = {},
) {
  // A stored upload may have to be read through the import's own transaction (PGlite's one
  // connection is held by it): the source is then made from the transaction.
  let input: Readable = typeof source === 'function' ? new PassThrough() : source;
  const a = requireOffice(actor, 'Sampling');
  const maxRows = opts.maxRows ?? MAX_STREAM_FRAME_ROWS;
  const mode = opts.mode;
  try {
    return await db.transaction(async (tx) => {
      if (typeof source === 'function') input = source(tx);
      const s = await lockSurveyForFrame(tx, id);
      const [{ n: existingCount }] = await tx
        .select({ n: count() })
        .from(surveyFrameUnits)
        .where(eq(surveyFrameUnits.surveyId, id));
      if (!mode && existingCount)
        throw conflict(
          `The survey already has a frame of ${existingCount} units: say whether to replace it or append to it`,
          [{ path: 'mode', message: 'replace or append' }],
          'frame_exists',
        );
      // id → index of the data row that holds it (-1: already in the frame, append mode).
      const seen = new Map<string, number>();
      if (mode === 'append') {
        const existing = await tx
          .select({ externalId: surveyFrameUnits.externalId })
          .from(surveyFrameUnits)
          .where(eq(surveyFrameUnits.surveyId, id));
        for (const e of existing) seen.set(e.externalId, -1);
      } else if (existingCount) await tx.delete(surveyFrameUnits).where(eq(surveyFrameUnits.surveyId, id));

      const fields = s.strataFields;
      const details: ErrorDetail[] = [];
      let problems = 0;
      const problem = (path: string, message: string) => {
        problems++;
        if (details.length < MAX_LISTED_PROBLEMS) details.push({ path, message });
      };
      let cols: { id: number; fields: number[]; contact: number } | null = null;
      let ignoredColumns: string[] = [];
      let i = 0;
      // Rows go to the table by COPY as they are read (started at the first row to write).
      let copy = null as CopyWriter | null;
      const columns = ['id', 'survey_id', 'external_id', 'stratum', 'profile', 'contact'];
      // PGlite: batches of rows as one JSON parameter, measured faster there than COPY from
      // /dev/blob (200,000 rows: 11.4 s against 18.0 s); PostgreSQL: COPY (9.5 s against 4.3 s).
      const lite = !onPostgres(db);
      const ids = orderedIds();
      // Units per stratum as written (the frame's strata are these plus those already there).
      const written = new Map<string, number>();
      const records = /\.xlsx$/i.test(opts.filename ?? '')
        ? sheetRecords(input, opts.filename!, maxRows)
        : readRecords<FrameRecord>(
            input,
            input.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true })),
          );
      // The audit entry's hash of the frame, taken from the rows as they are written (in id order)
      // when they are the whole frame; appending to existing units leaves it to appendAudit.
      const digest = mode === 'append' && existingCount ? null : frameDigest(fields);
      const started = performance.now();
      // Rows checked and not yet written: their contacts are encrypted a batch at a time, in worker
      // threads, while the next rows are read; batches are written in file order.
      type Row = { e: string; s: string; p: Record<string, string>; c: string | null };
      let pending: Row[] = [];
      const queue: { rows: Row[]; contacts: Promise<(string | null)[]> }[] = [];
      const writeHead = async () => {
        const { rows, contacts: encrypting } = queue.shift()!;
        // Contacts are personal data: stored encrypted (PIPL), decrypted only for the invitation file.
        const contacts = await encrypting;
        const profileText = digest ? digest.profileText : (p: Record<string, string>) => JSON.stringify(p);
        if (lite) {
          const units: Unit[] = rows.map((r, k) => {
            const unit = { i: ids(), e: r.e, s: r.s, p: r.p, c: contacts[k] };
            digest?.add(unit.i, unit.e, unit.s, profileText(unit.p), unit.c);
            return unit;
          });
          return writeBatch(tx, id, units);
        }
        copy ??= copyInto(tx, 'survey_frame_units', columns);
        let lines = '';
        for (let k = 0; k < rows.length; k++) {
          const r = rows[k];
          const unitId = ids();
          const p = profileText(r.p);
          digest?.add(unitId, r.e, r.s, p, contacts[k]);
          lines += `${unitId}\t${id}\t${copyField(r.e)}\t${copyField(r.s)}\t${copyField(p)}\t${copyField(contacts[k])}\n`;
        }
        await copy.write(lines);
      };
      /** Sends the rows read to encryption; writes the batches beyond {@link AHEAD} (all at the end). */
      const flush = async (all = false) => {
        if (pending.length) {
          const contacts = encryptFieldsInWorker(pending.map((r) => r.c));
          // A refusal may leave a batch unwritten: its failure must not go unhandled.
          contacts.catch(() => undefined);
          queue.push({ rows: pending, contacts });
          pending = [];
        }
        while (queue.length > (all ? 0 : AHEAD)) await writeHead();
      };
      const nFields = fields.length;
      try {
        for await (const batch of records)
          for (const { record, info } of batch) {
            if (!cols) {
              const header = record.map((h) => h.trim());
              const missing = ['id', ...fields].filter((c) => !header.includes(c));
              if (missing.length)
                throw badRequest(
                  `Missing column(s): ${missing.join(', ')}`,
                  missing.map((c) => ({ path: `file.columns.${c}`, message: 'missing header' })),
                );
              cols = {
                id: header.indexOf('id'),
                fields: fields.map((f) => header.indexOf(f)),
                contact: header.indexOf('contact'),
              };
              const used = ['id', 'contact', ...fields];
              ignoredColumns = header.filter((h) => h && !used.includes(h));
              continue;
            }
            const ext = (record[cols.id] ?? '').trim();
            // A row of empty cells is skipped, as in the buffered import.
            if (!ext && record.every((v) => !v.trim())) continue;
            if (i >= maxRows) {
              throw new AppError(413, 'file_too_large', `At most ${maxRows} frame rows`, [
                { path: 'rows', message: `more than ${maxRows} rows` },
              ]);
            }
            const where = `row ${info.lines}: `;
            if (!ext) problem(`rows.${i}.id`, `${where}empty`);
            else if (ext.includes('\0')) problem(`rows.${i}.id`, `${where}must not contain a NUL character`);
            else if (ext.length > 100) problem(`rows.${i}.id`, `${where}longer than 100`);
            else {
              const before = seen.get(ext);
              if (before === -1) problem(`rows.${i}.id`, `${where}already in the frame`);
              else if (before !== undefined) problem(`rows.${i}.id`, `${where}duplicate of rows.${before}`);
              else seen.set(ext, i);
            }
            const profile: Record<string, string> = {};
            let stratum = '';
            for (let k = 0; k < nFields; k++) {
              const f = fields[k];
              const v = (record[cols.fields[k]] ?? '').trim();
              if (!v) problem(`rows.${i}.${f}`, `${where}empty`);
              else if (v.length > 500) problem(`rows.${i}.${f}`, `${where}longer than 500`);
              else if (v.includes('|')) problem(`rows.${i}.${f}`, `${where}must not contain |`);
              else if (v.includes('\0'))
                problem(`rows.${i}.${f}`, `${where}must not contain a NUL character`);
              profile[f] = v;
              stratum = k ? `${stratum}|${v}` : v; // stratumOf
            }
            i++;
            // After the first problem nothing more is written (the transaction is rolled back anyway);
            // the rest of the file is still read so that the answer counts every problem.
            if (problems) continue;
            written.set(stratum, (written.get(stratum) ?? 0) + 1);
            pending.push({
              e: ext,
              s: stratum,
              p: profile,
              c: cols.contact >= 0 ? (record[cols.contact] ?? '').trim() : null,
            });
            if (pending.length >= WRITE_BATCH) await flush();
            if (i % PROGRESS_EVERY === 0) await opts.onProgress?.(i);
          }
        // @fastify/multipart marks a file cut at its size limit: never store the part that arrived.
        if ('truncated' in input && input.truncated)
          throw new AppError(413, 'file_too_large', 'The file is too large', [
            { path: 'file', message: `larger than ${MAX_STREAM_FRAME_BYTES / 1024 / 1024} MB` },
          ]);
        if (!cols) throw badRequest('The file has no data rows', [{ path: 'file', message: 'no rows' }]);
        if (problems)
          throw badRequest(
            `${problems} problem(s) in the file; nothing was stored` +
              (problems > details.length ? ` (the first ${details.length} are listed)` : ''),
            details,
          );
        if (i === 0) throw badRequest('The file has no data rows', [{ path: 'file', message: 'no rows' }]);
        await flush(true);
        if (copy) await copy.end();
        copy = null;
      } catch (err) {
        // A refusal or a failure in the middle: cancel the COPY so the transaction can roll back.
        if (copy) await copy.abort();
        throw err;
      }
      await opts.onProgress?.(i);
      if (opts.timings) opts.timings.rows = performance.now() - started;
      const auditStarted = performance.now();

      // The strata of the frame now: those already there (append) and those just written.
      const strata = new Map(written);
      if (mode === 'append' && existingCount)
        for (const r of await tx
          .select({ stratum: surveyFrameUnits.stratum, n: count() })
          .from(surveyFrameUnits)
          .where(eq(surveyFrameUnits.surveyId, id))
          .groupBy(surveyFrameUnits.stratum))
          strata.set(r.stratum, r.n);
      const all = [...strata].map(([stratum, n]) => ({ stratum, n }));
      const total = all.reduce((x, r) => x + r.n, 0);
      const replaced = mode === 'append' ? 0 : existingCount;
      // Appending to existing units, the audit entry snapshots the whole frame (rows sorted by id
      // and hashed by the database): a million rows sort in memory rather than in temporary files.
      if (!digest) await tx.execute(sql`set local work_mem = '256MB'`);
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'survey.frame',
          entityType: 'survey',
          entityId: id,
          data: { rows: i, mode: mode ?? 'replace', replaced, total },
          ...(digest && { companionHashes: { survey_frame: digest.digest() } }),
        },
      ]);
      if (opts.timings) opts.timings.audit = performance.now() - auditStarted;
      return {
        mode: mode ?? 'replace',
        inserted: i,
        replaced,
        total,
        ignoredColumns,
        strata: all
          .map((r) => ({ stratum: r.stratum, population: r.n }))
          .sort((x, y) => (x.stratum < y.stratum ? -1 : 1)),
      };
    });
  } finally {
    // A refusal before the end leaves the upload unread: drain it so the request can finish (a
    // stored upload read through the transaction is dropped instead).
    if (typeof source === 'function') input.destroy();
    else if (!input.readableEnded) input.resume();
  }
}
