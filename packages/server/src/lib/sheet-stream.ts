import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError, badRequest } from './errors';
import { cellText, tooLarge, unreadable, zipParts } from './sheets';

/** Most data rows a streamed sheet may hold (the header not counted). */
export const MAX_STREAM_SHEET_ROWS = 1_000_000;
/** Largest XLSX file read by the streaming reader (compressed; it is held in memory while read). */
export const MAX_STREAM_XLSX_BYTES = 64 * 1024 * 1024;
/** Largest uncompressed content of a streamed XLSX, all parts together. */
export const MAX_STREAM_UNCOMPRESSED = 1024 * 1024 * 1024;
/**
 * Largest uncompressed shared-strings part: the only part the reader keeps in memory (every text of
 * the workbook, looked up by the cells).
 */
export const MAX_SHARED_STRINGS = 64 * 1024 * 1024;
/**
 * A part that inflates to more than this many times its compressed size (once past 1 MiB) is taken
 * for a zip bomb, as Apache POI does (its minimum inflate ratio 0.01). Sheets written by Excel, WPS or
 * ExcelJS inflate 5–30 times.
 */
export const MAX_INFLATE_RATIO = 100;
const RATIO_FLOOR = 1024 * 1024;

export interface SheetStreamOptions {
  /** Most data rows (default {@link MAX_STREAM_SHEET_ROWS}); one more is refused with 413. */
  maxRows?: number;
  /** Largest uncompressed XLSX content (default {@link MAX_STREAM_UNCOMPRESSED}). */
  maxUncompressed?: number;
  /** Largest XLSX file (default {@link MAX_STREAM_XLSX_BYTES}). */
  maxXlsxBytes?: number;
  /** A cell as text (default `cellText`: trimmed, formulas by their result, dates as ISO dates). */
  text?: (v: ExcelJS.CellValue) => string;
  /**
   * Hears how many bytes of the file have been parsed so far (of a CSV as it streams; of an XLSX as
   * its archive is unpacked, once it is held): a job's progress.
   */
  onBytes?: (parsed: number) => void;
}

/** One row of a sheet: its number (the first row of the file is 1) and its cells as text (column A at 0). */
export interface SheetRowCells {
  row: number;
  cells: string[];
}

/** Bytes of a part once inflated, counted as they come out (none kept); stops past `ceiling`. */
function inflatedSize(data: Buffer, ceiling: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const z = createInflateRaw();
    let n = 0;
    z.on('data', (c: Buffer) => {
      n += c.length;
      if (n > ceiling) {
        z.destroy();
        resolve(n);
      }
    });
    z.on('end', () => resolve(n));
    z.on('error', () => reject(unreadable()));
    z.end(data);
  });
}

/**
 * Checks a whole XLSX archive before the spreadsheet library reads it: every part ({@link zipParts}) is
 * inflated through a counter (the sizes the archive declares are the sender's word, the counter is not) and
 * none of its output kept. 413 when the parts together pass `maxUncompressed`, the shared strings
 * pass {@link MAX_SHARED_STRINGS}, or a part inflates more than {@link MAX_INFLATE_RATIO} times.
 */
export async function assertZipStreamable(buffer: Buffer, maxUncompressed = MAX_STREAM_UNCOMPRESSED) {
  const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  let total = 0;
  for (const { name, method, compressed, data } of zipParts(buffer)) {
    const shared = /sharedStrings\.xml$/i.test(name);
    const ceiling = Math.min(
      maxUncompressed - total,
      shared ? MAX_SHARED_STRINGS : Infinity,
      Math.max(RATIO_FLOOR, compressed * MAX_INFLATE_RATIO),
    );
    let size: number;
    if (method === 0) size = compressed;
    else if (method === 8) size = await inflatedSize(data, ceiling);
    else throw unreadable();
    if (size > ceiling) {
      if (size > maxUncompressed - total)
        throw tooLarge(`The spreadsheet is larger than ${mb(maxUncompressed)} uncompressed`);
      if (shared && size > MAX_SHARED_STRINGS)
        throw tooLarge(`The spreadsheet's texts are larger than ${mb(MAX_SHARED_STRINGS)} uncompressed`);
      throw tooLarge(
        `The spreadsheet is too large uncompressed: a part inflates more than ${MAX_INFLATE_RATIO} times`,
      );
    }
    total += size;
  }
}

/** The source's bytes in one buffer, refused with 413 past `max` (reading stops there). */
async function collect(source: Readable, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      source.destroy();
      throw tooLarge(`An XLSX file is at most ${max / 1024 / 1024} MB; send larger files as CSV`);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** A buffer as a stream of 256 KiB chunks (the unzipper reads it piece by piece). */
function chunked(buffer: Buffer, onBytes?: (parsed: number) => void): Readable {
  const size = 256 * 1024;
  return Readable.from(
    (function* () {
      for (let i = 0; i < buffer.length; i += size) {
        onBytes?.(Math.min(buffer.length, i + size));
        yield buffer.subarray(i, i + size);
      }
    })(),
  );
}

/**
 * The parts the streaming reader needs before a worksheet, in the order it needs them. ExcelJS's
 * reader parses a worksheet as it arrives only when the relations and shared strings came first;
 * otherwise it writes the whole uncompressed sheet to a temporary file and reads it back at the end.
 * Excel, WPS and ExcelJS all write the sheets before the shared strings.
 */
const FIRST_PARTS = [
  '_rels/.rels',
  'xl/_rels/workbook.xml.rels',
  'xl/workbook.xml',
  'xl/sharedStrings.xml',
  'xl/styles.xml',
];
/** Shared strings of a workbook that has none (numbers or inline strings only). */
const NO_SHARED_STRINGS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
);

/** A ZIP local file header with known sizes (no data descriptor follows the data). */
function localHeader(p: {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressed: number;
  declared: number;
}) {
  const name = Buffer.from(p.name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(p.flags & 0x800, 6);
  h.writeUInt16LE(p.method, 8);
  h.writeUInt32LE(p.crc, 14);
  h.writeUInt32LE(p.compressed, 18);
  h.writeUInt32LE(p.declared, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

/**
 * The archive's parts re-sent as a stream of local entries, relations, workbook, shared strings and
 * styles first ({@link FIRST_PARTS}), then the rest in their order, each with its sizes in its header.
 * So the reader parses every worksheet as it comes: no temporary file, nothing on disk, and the same
 * order of events whatever the writer's. The compressed data is not touched.
 */
function readerOrdered(buffer: Buffer, onBytes?: (parsed: number) => void): Readable {
  const parts = [...zipParts(buffer)];
  const rank = (name: string) => {
    const i = FIRST_PARTS.indexOf(name);
    return i < 0 ? FIRST_PARTS.length : i;
  };
  const ordered = parts
    .map((part, i) => ({ part, i }))
    .sort((a, b) => rank(a.part.name) - rank(b.part.name) || a.i - b.i)
    .map(({ part }) => part);
  if (!parts.some((p) => p.name === 'xl/sharedStrings.xml'))
    ordered.splice(FIRST_PARTS.indexOf('xl/sharedStrings.xml'), 0, {
      name: 'xl/sharedStrings.xml',
      method: 0,
      flags: 0,
      crc: crc32(NO_SHARED_STRINGS),
      compressed: NO_SHARED_STRINGS.length,
      declared: NO_SHARED_STRINGS.length,
      data: NO_SHARED_STRINGS,
    });
  const size = 256 * 1024;
  return Readable.from(
    (function* () {
      let sent = 0;
      for (const part of ordered) {
        yield localHeader(part);
        for (let i = 0; i < part.data.length; i += size) {
          const piece = part.data.subarray(i, i + size);
          sent += piece.length;
          onBytes?.(Math.min(buffer.length, sent));
          yield piece;
        }
      }
      // End of central directory: the reader stops here (it reads the entries, not the directory).
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      yield end;
    })(),
  );
}

/** One parsed row of a sheet before its cells are text. */
type RawRow = { row: number; values: unknown[] };

async function* xlsxRows(source: Readable | Buffer, opts: SheetStreamOptions): AsyncGenerator<RawRow> {
  const buffer = Buffer.isBuffer(source)
    ? source
    : await collect(source, opts.maxXlsxBytes ?? MAX_STREAM_XLSX_BYTES);
  if (buffer.length > (opts.maxXlsxBytes ?? MAX_STREAM_XLSX_BYTES))
    throw tooLarge(
      `An XLSX file is at most ${(opts.maxXlsxBytes ?? MAX_STREAM_XLSX_BYTES) / 1024 / 1024} MB`,
    );
  if (buffer.length < 22) throw unreadable();
  await assertZipStreamable(buffer, opts.maxUncompressed);
  const input = readerOrdered(buffer, opts.onBytes);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles say which numbers are dates.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      // The first sheet only; the others (a notes sheet) are not read.
      if (sheets++ > 0) break;
      for await (const row of sheet) {
        const values = row.values as ExcelJS.CellValue[];
        yield { row: row.number, values: values.slice(1) };
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadable();
  } finally {
    input.destroy();
  }
  if (sheets === 0) throw badRequest('The file has no sheet', [{ path: 'file', message: 'empty' }]);
}

/** Rows of a CSV handed out together (a million-row file is not a million awaits). */
const CSV_BATCH = 1000;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The rows of a CSV file in batches, as csv-parse reads it (`bom`, relaxed column count, empty lines
 * kept, the record delimiter found at the first line end: `\r\n`, `\n` or `\r`). Lines without a double
 * quote are split at commas here (csv-parse cost a fifth of Node's time for a million-row values
 * file); from the first line that needs more (a quote; in a `\r\n` file a bare `\n`; a `\r`-only file
 * from the start) csv-parse reads the rest, told the delimiter found. Errors come after the rows
 * before them.
 */
async function* csvRows(
  source: Readable | Buffer,
  onBytes?: (parsed: number) => void,
): AsyncGenerator<RawRow[]> {
  const input = Buffer.isBuffer(source) ? chunked(source) : source;
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let parsed = 0;
  const next = async (): Promise<Buffer | null> => {
    const n = await chunks.next();
    if (n.done) return null;
    const chunk = typeof n.value === 'string' ? Buffer.from(n.value, 'utf8') : n.value;
    onBytes?.((parsed += chunk.length));
    return chunk;
  };
  let row = 0;
  /** The record delimiter, once the first line end has been read. */
  let delimiter: '\n' | '\r\n' | '\r' | null = null;
  /** Bytes of an unfinished line; where csv-parse takes over (null: not yet). */
  let carry: Buffer = Buffer.alloc(0);
  let handOver: Buffer | null = null;
  /** Lines (as csv-parse counts them) of the rows split here, and those rows. */
  let lines = 0;
  let rowsBefore = 0;
  let first = true;
  try {
    while (!handOver) {
      const chunk = await next();
      if (!chunk) break;
      let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      if (first) {
        // csv-parse's `bom`: a UTF-8 byte order mark at the start is dropped.
        if (buf.length < 3 && BOM.subarray(0, buf.length).equals(buf)) {
          carry = buf;
          continue;
        }
        first = false;
        if (BOM.equals(buf.subarray(0, 3))) buf = buf.subarray(3);
      }
      const batch: RawRow[] = [];
      let start = 0;
      // The first quote of the chunk: the lines before it are split here.
      const quote = buf.indexOf(QUOTE);
      for (;;) {
        const end = buf.indexOf(LF, start);
        if (delimiter === null) {
          // The first line end decides, as csv-parse's discovery does (a quote first: csv-parse's).
          const cr = buf.indexOf(CR, start);
          const at = cr >= 0 && (end < 0 || cr < end) ? cr : end;
          if (at < 0 || at === buf.length - 1) break; // not yet known
          if (quote >= 0 && quote < at) {
            handOver = buf.subarray(start);
            break;
          }
          delimiter = at === end ? '\n' : buf[at + 1] === LF ? '\r\n' : '\r';
        }
        if (delimiter === '\r') {
          handOver = buf.subarray(start);
          break;
        }
        if (end < 0) break;
        let stop = end;
        if (delimiter === '\r\n') {
          stop = end - 1;
          // A bare \n is part of a field for csv-parse, which reads on to the next \r\n.
          if (end === start || buf[stop] !== CR) stop = -1;
        }
        if (stop < 0 || (quote >= 0 && quote < stop)) {
          handOver = buf.subarray(start);
          break;
        }
        batch.push({ row: ++row, values: buf.toString('utf8', start, stop).split(',') });
        start = end + 1;
        if (batch.length >= CSV_BATCH) yield batch.splice(0);
      }
      if (batch.length) yield batch;
      // Line ends csv-parse would have counted (its error messages name lines): each \r or \n,
      // a \r\n delimiter once.
      for (let cr = buf.indexOf(CR); cr >= 0 && cr < start; cr = buf.indexOf(CR, cr + 1)) lines++;
      if (delimiter !== '\r\n') lines += row - rowsBefore;
      rowsBefore = row;
      if (!handOver) carry = Buffer.from(buf.subarray(start));
    }
    if (!handOver && carry.length) {
      // The last line, without a line end.
      if (carry.includes(QUOTE) || (delimiter === null && carry.includes(CR))) handOver = carry;
      else yield [{ row: ++row, values: carry.toString('utf8').split(',') }];
    }
    if (!handOver) return;
    const rest = Readable.from(
      (async function* () {
        yield handOver;
        for (let chunk = await next(); chunk; chunk = await next()) yield chunk;
      })(),
    );
    const parser = rest.pipe(
      // The byte order mark was dropped above.
      parse({
        relax_column_count: true,
        skip_empty_lines: false,
        ...(delimiter ? { record_delimiter: delimiter } : {}),
      }),
    );
    let batch: RawRow[] = [];
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        batch.push({ row: ++row, values: record });
        if (batch.length >= CSV_BATCH) yield batch.splice(0);
      }
    } finally {
      // The rows read before an error are handed out before it.
      if (batch.length) {
        const rows = batch;
        batch = [];
        yield rows;
      }
    }
  } catch (err) {
    const e = err as { code?: string; message: string; lines?: number };
    if (lines && typeof e.lines === 'number') {
      // csv-parse counted lines from where it took over: from the file's first line, as before.
      e.lines += lines;
      e.message = e.message.replace(/\bline (\d+)/g, (_, n: string) => `line ${Number(n) + lines}`);
    }
    // Every csv-parse error (some of its codes have no CSV_ prefix, e.g. INVALID_OPENING_QUOTE).
    if (err instanceof CsvError || e.code?.startsWith('CSV_'))
      throw badRequest(`The file is not valid CSV (row ${row + 1})`, [
        { path: 'file', message: `row ${row + 1}: ${e.message}` },
      ]);
    throw err;
  } finally {
    // Refused or abandoned before the end: the rest of the upload is not needed.
    if (!input.readableEnded) input.destroy();
  }
}

/** The rows of an XLSX one at a time, as batches of one. */
async function* xlsxRowBatches(source: Readable | Buffer, opts: SheetStreamOptions) {
  for await (const r of xlsxRows(source, opts)) yield [r];
}

/**
 * Reads the first sheet of an XLSX or CSV upload row by row with bounded memory: the rows come one at
 * a time as text cells (column A at 0), wholly empty rows skipped, the header row (the first one
 * read) included. The caller stops whenever it likes (the rest is not read).
 *
 * CSV: parsed as it streams in (lines without quotes split here, csv-parse from the first line that
 * needs it), bounded by the caller's upload limit. XLSX: the file
 * (at most `maxXlsxBytes`, 64 MB) is held compressed while its parts are streamed out of it; before
 * the spreadsheet library sees it every part is inflated through a counter ({@link assertZipStreamable}:
 * at most 1 GB uncompressed, 64 MB of shared strings, no part inflating more than 100×), so a zip bomb
 * is a 413 `file_too_large` and never lands in memory or on disk. More than `maxRows` data rows: 413.
 */
export async function* readSheetRows(
  source: Readable | Buffer,
  filename: string,
  opts: SheetStreamOptions = {},
): AsyncGenerator<SheetRowCells> {
  for await (const batch of readSheetRowBatches(source, filename, opts)) yield* batch;
}

/**
 * The rows of {@link readSheetRows} handed out in batches (of a CSV up to a thousand rows at a time;
 * of an XLSX one): a caller reading a million rows awaits a thousand times less. A refusal (413, 400)
 * comes after the rows before it.
 */
export async function* readSheetRowBatches(
  source: Readable | Buffer,
  filename: string,
  opts: SheetStreamOptions = {},
): AsyncGenerator<SheetRowCells[]> {
  const lower = filename.toLowerCase();
  const maxRows = opts.maxRows ?? MAX_STREAM_SHEET_ROWS;
  const text = opts.text ?? cellText;
  let batches: AsyncGenerator<RawRow[]>;
  if (lower.endsWith('.xlsx')) batches = xlsxRowBatches(source, opts);
  else if (lower.endsWith('.csv')) batches = csvRows(source, opts.onBytes);
  else {
    if (!Buffer.isBuffer(source)) source.resume();
    throw badRequest('Upload an .xlsx or .csv file', [{ path: 'file', message: 'unsupported file type' }]);
  }
  let data = -1;
  for await (const rows of batches) {
    const out: SheetRowCells[] = [];
    for (const { row, values } of rows) {
      const cells: string[] = new Array<string>(values.length);
      let any = false;
      for (let i = 0; i < values.length; i++) {
        const v = values[i] === undefined ? '' : text(values[i] as ExcelJS.CellValue);
        cells[i] = v;
        if (v !== '') any = true;
      }
      if (!any) continue;
      // Leaving the loop by a throw closes the reader (the rest of the file is not read).
      if (++data > maxRows) {
        if (out.length) yield out;
        throw tooLarge(`The sheet has more than ${maxRows} data rows`);
      }
      out.push({ row, cells });
    }
    if (out.length) yield out;
  }
}
