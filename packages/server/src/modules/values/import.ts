import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { badRequest, type ErrorDetail } from '../../lib/errors';
import type { ValueRowInput } from './service';

const COLUMNS = ['indicatorCode', 'period', 'value', 'note'] as const;

/**
 * Reads an XLSX or CSV upload with a header row `indicatorCode, period, value, note` into rows,
 * reporting every bad cell as `rows.N.field` where N counts data rows from 0 (sheet row N + 2).
 */
export async function parseValueSheet(buffer: Buffer, filename: string): Promise<ValueRowInput[]> {
  const wb = new ExcelJS.Workbook();
  const lower = filename.toLowerCase();
  try {
    if (lower.endsWith('.xlsx')) await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    else if (lower.endsWith('.csv'))
      await wb.csv.read(Readable.from(buffer.toString('utf8').replace(/^\uFEFF/, '')));
    else
      throw badRequest('Upload an .xlsx or .csv file', [{ path: 'file', message: 'unsupported file type' }]);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode) throw err;
    throw badRequest('The file could not be read as a spreadsheet', [
      { path: 'file', message: 'unreadable' },
    ]);
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw badRequest('The file has no sheet', [{ path: 'file', message: 'empty' }]);
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? '').trim());
  const index = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c) + 1]));
  const missing = COLUMNS.filter((c) => c !== 'note' && index[c] === 0);
  if (missing.length)
    throw badRequest(
      `Missing column(s): ${missing.join(', ')}`,
      missing.map((c) => ({ path: `file.columns.${c}`, message: 'missing header' })),
    );
  const rows: ValueRowInput[] = [];
  const details: ErrorDetail[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cell = (c: string) => (index[c] ? cellText(row.getCell(index[c]).value) : '');
    if (COLUMNS.every((c) => cell(c) === '')) continue;
    const i = rows.length;
    const code = cell('indicatorCode');
    const period = cell('period');
    const raw = cell('value');
    const value = Number(raw);
    const at = `rows.${i}`;
    if (!code) details.push({ path: `${at}.indicatorCode`, message: `row ${r}: empty` });
    if (!/^\d{4}(-(Q[1-4]|H[12]|\d{2}))?$/.test(period))
      details.push({
        path: `${at}.period`,
        message: `row ${r}: '${period}' is not 2025, 2025-Q3, 2025-H1 or 2025-09`,
      });
    if (raw === '' || !Number.isFinite(value))
      details.push({ path: `${at}.value`, message: `row ${r}: '${raw}' is not a number` });
    rows.push({ indicatorCode: code, period, value, note: cell('note') || undefined });
  }
  if (details.length)
    throw badRequest(`${details.length} problem(s) in the file; nothing was stored`, details);
  if (rows.length === 0)
    throw badRequest('The file has no data rows', [{ path: 'file', message: 'no rows' }]);
  return rows;
}

function cellText(v: ExcelJS.CellValue): string {
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
