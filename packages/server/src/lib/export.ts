import ExcelJS from 'exceljs';

/**
 * The one writer of CSV and XLSX exports. Every cell that a spreadsheet would read as a formula or a
 * command (text beginning with `=`, `+`, `-`, `@`, tab or carriage return: OWASP "CSV injection") is
 * prefixed with `'`, so `=cmd|' /C calc'!A0` or `@SUM(…)` from a participant's answer arrives as text.
 * Numbers, booleans and dates stay typed.
 */
export type Cell = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as it may be written: dangerous text prefixed with `'`, null and undefined as empty. */
export function safeCell(v: Cell): string | number | boolean | Date {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return FORMULA_START.test(v) ? `'${v}` : v;
  if (typeof v === 'number' && !Number.isFinite(v)) return '';
  return v;
}

function csvField(v: Cell): string {
  const c = safeCell(v);
  const t = c instanceof Date ? c.toISOString() : String(c);
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** UTF-8 CSV with a byte-order mark (Excel opens Chinese text right), CRLF line ends, RFC 4180 quoting. */
export function toCsv(header: string[], rows: Cell[][]): Buffer {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return Buffer.from('\uFEFF' + lines.join('\r\n'), 'utf8');
}

export interface SheetSpec {
  name: string;
  header: string[];
  rows: Cell[][];
}

/** An XLSX workbook of the given sheets, every cell through {@link safeCell}; header rows bold. */
export async function toXlsx(sheets: SheetSpec[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow(s.header.map(safeCell));
    ws.getRow(1).font = { bold: true };
    for (const r of s.rows) ws.addRow(r.map(safeCell));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One table as CSV or XLSX, with its content type and file extension. */
export async function exportTable(
  format: 'csv' | 'xlsx',
  table: SheetSpec,
): Promise<{ body: Buffer; type: string; ext: 'csv' | 'xlsx' }> {
  if (format === 'csv')
    return { body: toCsv(table.header, table.rows), type: 'text/csv; charset=utf-8', ext: 'csv' };
  return { body: await toXlsx([table]), type: XLSX_TYPE, ext: 'xlsx' };
}
