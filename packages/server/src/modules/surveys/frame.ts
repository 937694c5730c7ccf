import { cellText, readFirstSheet } from '../../lib/sheets';
import { badRequest, type ErrorDetail } from '../../lib/errors';

/** One unit of a sampling frame as uploaded: an id, the strata fields, optional contact. */
export interface FrameRowInput {
  id: string;
  contact?: string;
  [field: string]: string | undefined;
}

const MAX_ROWS = 200_000;

/**
 * Checks frame rows: id present and unique, every stratum field filled. All problems are
 * reported at once as `rows.N.field` (N from 0), and nothing is stored when there is one.
 */
export function checkFrameRows(
  rows: FrameRowInput[],
  strataFields: string[],
  sheetRowOf?: (i: number) => number,
) {
  const details: ErrorDetail[] = [];
  const seen = new Map<string, number>();
  const where = (i: number) => (sheetRowOf ? `row ${sheetRowOf(i)}: ` : '');
  if (rows.length > MAX_ROWS)
    throw badRequest(`At most ${MAX_ROWS} frame rows`, [{ path: 'rows', message: `${rows.length} rows` }]);
  rows.forEach((r, i) => {
    const id = (r.id ?? '').trim();
    if (!id) details.push({ path: `rows.${i}.id`, message: `${where(i)}empty` });
    else if (id.length > 100) details.push({ path: `rows.${i}.id`, message: `${where(i)}longer than 100` });
    else if (seen.has(id))
      details.push({ path: `rows.${i}.id`, message: `${where(i)}duplicate of rows.${seen.get(id)}` });
    else seen.set(id, i);
    for (const f of strataFields) {
      const v = (r[f] ?? '').trim();
      if (!v) details.push({ path: `rows.${i}.${f}`, message: `${where(i)}empty` });
      else if (v.includes('|'))
        details.push({ path: `rows.${i}.${f}`, message: `${where(i)}must not contain |` });
    }
  });
  return details;
}

/** Reads a CSV or XLSX frame (header row: id, the strata fields, optional contact). */
export async function parseFrameSheet(buffer: Buffer, filename: string, strataFields: string[]) {
  const { sheet, header } = await readFirstSheet(buffer, filename);
  const wanted = ['id', ...strataFields];
  const missing = wanted.filter((c) => !header.includes(c));
  if (missing.length)
    throw badRequest(
      `Missing column(s): ${missing.join(', ')}`,
      missing.map((c) => ({ path: `file.columns.${c}`, message: 'missing header' })),
    );
  const columns = [...wanted, 'contact'].filter((c) => header.includes(c));
  const ignoredColumns = header.filter((h) => h && !columns.includes(h));
  const rows: FrameRowInput[] = [];
  const sheetRows: number[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const rec: FrameRowInput = { id: '' };
    let any = false;
    for (const c of columns) {
      const v = cellText(row.getCell(header.indexOf(c) + 1).value);
      if (v) any = true;
      rec[c] = v;
    }
    if (!any) continue;
    rows.push(rec);
    sheetRows.push(r);
  }
  const details = checkFrameRows(rows, strataFields, (i) => sheetRows[i]);
  if (details.length)
    throw badRequest(`${details.length} problem(s) in the file; nothing was stored`, details);
  if (rows.length === 0)
    throw badRequest('The file has no data rows', [{ path: 'file', message: 'no rows' }]);
  return { rows, ignoredColumns };
}
