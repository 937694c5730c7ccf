import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { badRequest } from './errors';

/** The first sheet of an uploaded XLSX or CSV file with its trimmed header row (column n at index n − 1). */
export async function readFirstSheet(buffer: Buffer, filename: string) {
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
