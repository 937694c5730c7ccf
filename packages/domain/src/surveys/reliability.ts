import { sampleVariance, sum } from 'simple-statistics';
import { fQuantile } from '../stats/distributions';
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

/** Cronbach's alpha with its confidence interval. */
export interface AlphaInterval {
  alpha: number;
  /** Feldt's F interval; [NaN, NaN] when alpha is undefined. */
  ci: [number, number];
  /** Respondents. */
  n: number;
  /** Items. */
  k: number;
}

/**
 * Cronbach's alpha with Feldt's (1965) interval: (1 − α)/(1 − α̂) ~ F(n − 1, (n − 1)(k − 1)),
 * so the interval is [1 − (1 − α̂)·F_{1−γ/2}, 1 − (1 − α̂)·F_{γ/2}] (as R's psych::alpha.ci).
 */
export function cronbachAlphaInterval(rows: number[][], level = 0.95): AlphaInterval {
  if (!(level > 0 && level < 1)) invalid('level', 'level must be in (0, 1)');
  const alpha = cronbachAlpha(rows);
  const n = rows.length;
  const k = rows[0].length;
  if (!Number.isFinite(alpha)) return { alpha, ci: [NaN, NaN], n, k };
  const g = 1 - level;
  const d1 = n - 1;
  const d2 = (n - 1) * (k - 1);
  return {
    alpha,
    ci: [1 - (1 - alpha) * fQuantile(1 - g / 2, d1, d2), 1 - (1 - alpha) * fQuantile(g / 2, d1, d2)],
    n,
    k,
  };
}
