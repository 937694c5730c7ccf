import { Readable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { AppError, badRequest, errorCode } from './errors';

/** Largest uncompressed content of an uploaded XLSX (all parts together). */
export const MAX_SHEET_UNCOMPRESSED = 40 * 1024 * 1024;
/** Most rows read from an uploaded sheet (header included). */
export const MAX_SHEET_ROWS = 50_000;
/** Most parts in an uploaded XLSX archive. */
const MAX_ZIP_ENTRIES = 2000;

/** 413 naming what is too large (as `{ path: 'file' }`). */
export const tooLarge = (message: string) =>
  new AppError(413, 'file_too_large', message, [{ path: 'file', message }]);
/** 400: the upload is not a spreadsheet this server can read. */
export const unreadable = () =>
  badRequest('The file could not be read as a spreadsheet', [{ path: 'file', message: 'unreadable' }]);

/** One part of a ZIP archive as its central directory and local header describe it. */
export interface ZipPart {
  name: string;
  /** 0 stored, 8 deflated (anything else is refused by the callers). */
  method: number;
  /** General purpose flags of the central directory (bit 11: the name is UTF-8). */
  flags: number;
  /** CRC-32 of the uncompressed part, as the central directory gives it. */
  crc: number;
  compressed: number;
  /** The uncompressed size the archive declares (the sender's word). */
  declared: number;
  /** The part's compressed bytes. */
  data: Buffer;
}

/**
 * The parts of a ZIP archive held in memory, read from its central directory (nothing inflated): 400
 * when the archive is malformed, 413 past MAX_ZIP_ENTRIES parts or on ZIP64 markers (no upload here
 * comes near 4 GB). The zip-bomb checks below walk an upload with it before a spreadsheet library does.
 */
export function* zipParts(buffer: Buffer): Generator<ZipPart> {
  // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65_557); i--)
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw unreadable();
  const entries = buffer.readUInt16LE(eocd + 10);
  if (entries > MAX_ZIP_ENTRIES) throw tooLarge(`The file has more than ${MAX_ZIP_ENTRIES} parts`);
  let p = buffer.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buffer.length || buffer.readUInt32LE(p) !== 0x02014b50) throw unreadable();
    const flags = buffer.readUInt16LE(p + 8);
    const method = buffer.readUInt16LE(p + 10);
    const crc = buffer.readUInt32LE(p + 16);
    const compressed = buffer.readUInt32LE(p + 20);
    const declared = buffer.readUInt32LE(p + 24);
    const nameLen = buffer.readUInt16LE(p + 28);
    const name = buffer.toString('utf8', p + 46, p + 46 + nameLen);
    const local = buffer.readUInt32LE(p + 42);
    p += 46 + nameLen + buffer.readUInt16LE(p + 30) + buffer.readUInt16LE(p + 32);
    if (compressed === 0xffffffff || declared === 0xffffffff) throw tooLarge('The file is too large');
    if (local + 30 > buffer.length || buffer.readUInt32LE(local) !== 0x04034b50) throw unreadable();
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    if (start + compressed > buffer.length) throw unreadable();
    yield {
      name,
      method,
      flags,
      crc,
      compressed,
      declared,
      data: buffer.subarray(start, start + compressed),
    };
  }
}

/**
 * Refuses a zip bomb before any spreadsheet library sees it: walks the archive's parts ({@link zipParts})
 * and inflates each with a ceiling on its output (the declared sizes are the attacker's word; the
 * ceiling is not), so at most MAX_SHEET_UNCOMPRESSED bytes are ever produced. 413 when over.
 */
export function assertZipWithinLimits(buffer: Buffer, max = MAX_SHEET_UNCOMPRESSED): void {
  const over = () => tooLarge(`The spreadsheet is larger than ${max / 1024 / 1024} MB uncompressed`);
  let total = 0;
  for (const { method, declared, data } of zipParts(buffer)) {
    total += declared;
    if (total > max) throw over();
    if (method === 0) continue;
    if (method !== 8) throw unreadable();
    let actual: number;
    try {
      actual = inflateRawSync(data, { maxOutputLength: max - (total - declared) + 1 }).length;
    } catch (err) {
      if (errorCode(err) === 'ERR_BUFFER_TOO_LARGE') throw over();
      throw unreadable();
    }
    total += actual - declared;
    if (total > max) throw over();
  }
}

/**
 * The first sheet of an uploaded XLSX or CSV file with its trimmed header row (column n at index n − 1).
 * An XLSX is checked for its uncompressed size first ({@link assertZipWithinLimits}); a sheet of more than
 * MAX_SHEET_ROWS rows is refused with 413.
 */
export async function readFirstSheet(buffer: Buffer, filename: string) {
  const wb = new ExcelJS.Workbook();
  const lower = filename.toLowerCase();
  if (lower.endsWith('.xlsx')) assertZipWithinLimits(buffer);
  try {
    if (lower.endsWith('.xlsx')) await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    else if (lower.endsWith('.csv'))
      await wb.csv.read(Readable.from(buffer.toString('utf8').replace(/^\uFEFF/, '')));
    else
      throw badRequest('Upload an .xlsx or .csv file', [{ path: 'file', message: 'unsupported file type' }]);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadable();
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw badRequest('The file has no sheet', [{ path: 'file', message: 'empty' }]);
  if (sheet.rowCount > MAX_SHEET_ROWS)
    throw tooLarge(`The sheet has more than ${MAX_SHEET_ROWS} rows (${sheet.rowCount})`);
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? '').trim());
  return { sheet, header };
}

/** A cell as trimmed text: formulas by their result, rich text joined, dates as ISO dates. */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '').trim();
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((t) => t.text)
      .join('')
      .trim();
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}
