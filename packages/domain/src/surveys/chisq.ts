/**
 * Rao–Scott adjusted chi-square test of independence 独立性检验（Rao–Scott 校正）for a two-way
 * table estimated from a complex sample, as R's `survey::svychisq` (Lumley 2010, §4.2;
 * Rao & Scott 1981, 1984, Ann. Statist. 12:46–60).
 *
 * With p̂ the r·c estimated cell proportions (design-based, Hájek), V̂ their design covariance,
 * D = diag(p̂) and C the interaction contrasts of the cells orthogonalised against the main
 * effects, the generalised design effects δ are the eigenvalues of
 *
 *   Δ = (Cᵀ D⁻¹ C / N)⁻¹ · Cᵀ D⁻¹ V̂ D⁻¹ C,
 *
 * N the number of respondents in the table. X² is Pearson's statistic of the weighted table
 * scaled to N. Then
 * - first order ("Chisq"): X² / δ̄ referred to χ² on (r−1)(c−1) df;
 * - second order ("F", R's default): F = X² / Σδ on d₀ = (Σδ)² / Σδ² and d₀·ν degrees of
 *   freedom, ν the design degrees of freedom (PSUs − strata).
 * Under simple random sampling with equal weights every δ is n/(n−1), so both reduce to
 * Pearson's test up to that factor.
 */
import { invalid } from '../stats/fail';
import { chiSquareSurvival, fCdf } from '../stats/distributions';
import { designCovariance, type SurveyDesign } from './design';

/** Result of {@link svyChisq}. */
export interface RaoScottTest {
  rowLevels: string[];
  colLevels: string[];
  /** Respondents in the table (both answers present, positive weight). */
  n: number;
  /** Estimated cell proportions, [row][col]. */
  proportions: number[][];
  /** Pearson's X² of the weighted table scaled to n (R's printed X-squared). */
  pearson: number;
  /** (r−1)(c−1). */
  df: number;
  /** Mean generalised design effect δ̄ = trace(Δ)/df. */
  meanDeff: number;
  /** First-order corrected statistic X²/δ̄ and its χ²(df) p-value. */
  chisq: number;
  chisqP: number;
  /** Second-order (Satterthwaite) F = X²/trace(Δ) on ndf = d₀, ddf = d₀·ν, and its p-value. */
  f: number;
  ndf: number;
  ddf: number;
  p: number;
}

const label = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));

function levelsOf(values: unknown[]): string[] {
  const s = new Set<string>();
  for (const v of values) s.add(label(v));
  return [...s].sort((a, b) => {
    const na = Number(a);
    const nb = Number(b);
    if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Solves A X = B (A k×k, B k×m) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], B: number[][]): number[][] {
  const k = A.length;
  const a = A.map((r, i) => [...r, ...B[i]]);
  const m = B[0]?.length ?? 0;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (!(Math.abs(a[piv][c]) > 1e-300))
      invalid('table', 'the table is degenerate (singular contrast matrix)');
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      if (f === 0) continue;
      for (let j = c; j < k + m; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row, i) => row.slice(k).map((x) => x / a[i][i]));
}

const mul = (A: number[][], B: number[][]) =>
  A.map((row) => B[0].map((_, j) => row.reduce((s, x, l) => s + x * B[l][j], 0)));
const tr = (A: number[][]) => A[0].map((_, j) => A.map((r) => r[j]));

/**
 * Rao–Scott test of independence of two categorical answers under the design (see the file
 * comment). Respondents missing either answer are outside the table but keep the design's PSUs
 * (a domain, as R's `na.rm = TRUE`). Levels are those present in the table, sorted as
 * {@link crossTab} sorts them. Needs at least two levels on each side.
 *
 * Reproduces `svychisq(~sch.wide + stype, dclus1)`: F = 5.1934, ndf = 1.495, ddf = 20.925,
 * p = 0.02175; `statistic = "Chisq"`: X-squared = 11.9409, df = 2, p = 0.005553.
 */
export function svyChisq(design: SurveyDesign, rows: unknown[], cols: unknown[]): RaoScottTest {
  if (rows.length !== design.n) invalid('rows', `rows must have one entry per respondent (${design.n})`);
  if (cols.length !== design.n) invalid('cols', `cols must have one entry per respondent (${design.n})`);
  const present = (v: unknown) =>
    v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && !v.length);
  const w = design.weights;
  const m = rows.map((r, i) => present(r) && present(cols[i]) && w[i] > 0);
  const rowLevels = levelsOf(rows.filter((_, i) => m[i]));
  const colLevels = levelsOf(cols.filter((_, i) => m[i]));
  const R = rowLevels.length;
  const Cn = colLevels.length;
  if (R < 2 || Cn < 2) invalid('table', 'a test of independence needs two levels on each side');
  const ri = new Map(rowLevels.map((l, i) => [l, i]));
  const ci = new Map(colLevels.map((l, i) => [l, i]));
  // Cell k = row + R·col (rows vary fastest, as R's interaction()).
  const cell = m.map((ok, i) => (ok ? ri.get(label(rows[i]))! + R * ci.get(label(cols[i]))! : -1));
  const K = R * Cn;
  let sw = 0;
  const tot = new Array<number>(K).fill(0);
  cell.forEach((k, i) => {
    if (k < 0) return;
    sw += w[i];
    tot[k] += w[i];
  });
  const p = tot.map((t) => t / sw);
  const N = m.filter(Boolean).length;
  // Influence values of the cell proportions (a domain mean of indicators).
  const us = p.map((pk, k) => cell.map((c, i) => (c < 0 ? 0 : (w[i] * ((c === k ? 1 : 0) - pk)) / sw)));
  const V = designCovariance(design, us);

  const pr = rowLevels.map((_, r) => colLevels.reduce((s, __, c) => s + p[r + R * c], 0));
  const pc = colLevels.map((_, c) => rowLevels.reduce((s, __, r) => s + p[r + R * c], 0));
  let pearson = 0;
  for (let r = 0; r < R; r++)
    for (let c = 0; c < Cn; c++) {
      const e = pr[r] * pc[c];
      pearson += (N * (p[r + R * c] - e) ** 2) / e;
    }

  // Main-effect design X1 (intercept, rows 2..R, cols 2..C) and interaction columns X2.
  const X1 = Array.from({ length: K }, (_, k) => {
    const r = k % R;
    const c = Math.floor(k / R);
    return [
      1,
      ...rowLevels.slice(1).map((_, j) => (r === j + 1 ? 1 : 0)),
      ...colLevels.slice(1).map((_, j) => (c === j + 1 ? 1 : 0)),
    ];
  });
  const X2 = Array.from({ length: K }, (_, k) => {
    const r = k % R;
    const c = Math.floor(k / R);
    const row: number[] = [];
    for (let b = 1; b < Cn; b++) for (let a = 1; a < R; a++) row.push(r === a && c === b ? 1 : 0);
    return row;
  });
  const X1t = tr(X1);
  const beta = solve(mul(X1t, X1), mul(X1t, X2));
  const fit = mul(X1, beta);
  const Cm = X2.map((row, k) => row.map((x, j) => x - fit[k][j]));
  const Dinv = p.map((x) => (x > 0 ? 1 / x : 0));
  const DC = Cm.map((row, k) => row.map((x) => x * Dinv[k]));
  const DCt = tr(DC);
  const denom = mul(tr(Cm), DC).map((row) => row.map((x) => x / N));
  const numr = mul(mul(DCt, V), DC);
  const Delta = solve(denom, numr);
  const df = (R - 1) * (Cn - 1);
  const trace = Delta.reduce((s, row, i) => s + row[i], 0);
  const D2 = mul(Delta, Delta);
  const trace2 = D2.reduce((s, row, i) => s + row[i], 0);
  const d0 = trace ** 2 / trace2;
  const nu = design.df;
  const f = pearson / trace;
  const chisq = pearson / (trace / df);
  const ok = trace > 0 && Number.isFinite(trace);
  return {
    rowLevels,
    colLevels,
    n: N,
    proportions: rowLevels.map((_, r) => colLevels.map((__, c) => p[r + R * c])),
    pearson,
    df,
    meanDeff: trace / df,
    chisq: ok ? chisq : NaN,
    chisqP: ok ? chiSquareSurvival(chisq, df) : NaN,
    f: ok ? f : NaN,
    ndf: ok ? d0 : NaN,
    ddf: ok ? d0 * nu : NaN,
    p: ok && nu > 0 ? 1 - fCdf(f, d0, d0 * nu) : NaN,
  };
}
