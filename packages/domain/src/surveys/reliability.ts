import { sampleVariance, sum } from 'simple-statistics';
import { invalid, requireFinite } from '../stats/fail';

/**
 * Cronbach's alpha 克朗巴哈系数 for internal consistency of a multi-item scale.
 * alpha = k/(k−1) · (1 − Σ var(item) / var(total)), with sample variances (n − 1).
 * Rows are respondents, columns are items; every row must answer every item.
 * Returns NaN when the totals do not vary (alpha is undefined then).
 */
export function cronbachAlpha(rows: number[][]): number {
  if (!Array.isArray(rows) || rows.length < 2) invalid('rows', 'cronbachAlpha needs at least 2 respondents');
  const k = rows[0].length;
  if (k < 2) invalid('rows[0]', 'cronbachAlpha needs at least 2 items');
  rows.forEach((r, i) => {
    if (r.length !== k) invalid(`rows[${i}]`, `every respondent must answer all ${k} items`);
    r.forEach((v, j) => requireFinite(v, `rows[${i}][${j}]`));
  });
  let itemVar = 0;
  for (let j = 0; j < k; j++) itemVar += sampleVariance(rows.map((r) => r[j]));
  const totalVar = sampleVariance(rows.map((r) => sum(r)));
  if (totalVar === 0) return NaN;
  return (k / (k - 1)) * (1 - itemVar / totalVar);
}
