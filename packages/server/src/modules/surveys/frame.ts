import { badRequest, type ErrorDetail } from '../../lib/errors';

/**
 * One unit of a sampling frame as uploaded (a row of the contract's `FrameBody`): `id`, the strata
 * fields, optional `contact`, each a string; {@link checkFrameRows} holds it to the frame's fields.
 */
export type FrameRowInput = Record<string, string>;

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
