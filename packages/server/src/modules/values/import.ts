import { cellText, readFirstSheet } from '../../lib/sheets';
import { badRequest, type ErrorDetail } from '../../lib/errors';
import type { ValueRowInput } from './service';

const COLUMNS = ['indicatorCode', 'period', 'value', 'note'] as const;

/**
 * Reads an XLSX or CSV upload with a header row `indicatorCode, period, value, note` into rows,
 * reporting every bad cell as `rows.N.field` where N counts data rows from 0 (sheet row N + 2).
 */
export async function parseValueSheet(buffer: Buffer, filename: string): Promise<ValueRowInput[]> {
  const { sheet, header } = await readFirstSheet(buffer, filename);
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
