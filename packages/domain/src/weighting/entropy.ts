import { DomainError } from '../indicators/errors';

/**
 * Entropy weight method 熵权法: objective weights (sum 1) of the columns (indicators) of `rows`
 * (one row per appraisee), after min-max normalisation per column in its direction.
 * Columns that vary more carry more information and weigh more; a constant column weighs 0, and if
 * every column is constant the weights are equal. p·ln p is taken as 0 at p = 0.
 */
export function entropyWeights(rows: number[][], directions: ('higher' | 'lower')[]): number[] {
  const k = directions.length;
  if (k === 0) throw new DomainError('directions', 'at least one indicator is needed');
  if (rows.length === 0) throw new DomainError('rows', 'at least one row is needed');
  const details: { field: string; message: string }[] = [];
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== k) {
      details.push({ field: `rows[${i}]`, message: `row has ${row?.length ?? 0} values, expected ${k}` });
    } else {
      row.forEach((x, j) => {
        if (!Number.isFinite(x))
          details.push({ field: `rows[${i}][${j}]`, message: `value ${x} is not a number` });
      });
    }
  });
  directions.forEach((d, j) => {
    if (d !== 'higher' && d !== 'lower') {
      details.push({ field: `directions[${j}]`, message: `direction must be 'higher' or 'lower'` });
    }
  });
  if (details.length > 0) throw new DomainError(details[0].field, 'bad entropy weight input', details);

  const m = rows.length;
  const divergence = directions.map((dir, j) => {
    const col = rows.map((r) => r[j]);
    const min = Math.min(...col);
    const max = Math.max(...col);
    if (max === min) return 0;
    const x = col.map((v) => (dir === 'higher' ? v - min : max - v) / (max - min));
    const sum = x.reduce((s, v) => s + v, 0);
    const e = -x.reduce((s, v) => (v > 0 ? s + (v / sum) * Math.log(v / sum) : s), 0) / Math.log(m);
    return 1 - e;
  });
  const total = divergence.reduce((s, d) => s + d, 0);
  return total > 0 ? divergence.map((d) => d / total) : directions.map(() => 1 / k);
}
