import { DomainError } from '../indicators/errors';
import type { VetoSpec } from '../indicators/types';

/** Grades 等次, best first. */
export const GRADES = ['excellent', 'good', 'qualified', 'basically_qualified', 'unqualified'] as const;

/** A grade quota: at most `maxShare` of a peer group may hold the grade. */
export interface GradeQuota {
  grade: string;
  /** 0–1, e.g. 0.2 for "at most 20% excellent". */
  maxShare: number;
  /** Allow one holder even when floor(maxShare × n) is 0 (small peer groups). Default false. */
  atLeastOne?: boolean;
}

/** How grades are given. */
export interface GradeScheme {
  /** Descending by min; a total earns the first band whose min it reaches, else the last band. */
  bands: { grade: string; min: number }[];
  quotas?: GradeQuota[];
  /**
   * Ties on total at a quota boundary. 'shareQuota': tied entries share one fate, so if they do
   * not all fit, all of them drop (the quota is never exceeded, possibly left underused).
   * 'weightedScoreThenCode': ties are broken by weightedScore (higher first), then tieKey (or id)
   * ascending, and the quota is filled exactly.
   */
  tieBreak: 'weightedScoreThenCode' | 'shareQuota';
}

/** 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 基本合格 ≥ 60, else 不合格; at most 20% excellent per peer group. */
export const DEFAULT_GRADE_SCHEME: GradeScheme = {
  bands: [
    { grade: 'excellent', min: 90 },
    { grade: 'good', min: 80 },
    { grade: 'qualified', min: 70 },
    { grade: 'basically_qualified', min: 60 },
    { grade: 'unqualified', min: 0 },
  ],
  quotas: [{ grade: 'excellent', maxShare: 0.2 }],
  tieBreak: 'shareQuota',
};

/** One appraisee to grade. */
export interface GradeEntry {
  id: string;
  total: number;
  /** Entries are ranked and quota-capped within their peer group (districts with districts …). */
  peerGroup: string;
  /** Veto outcome of the appraisee; mode defaults to 'unqualified'. */
  veto?: { triggered: boolean; mode?: VetoSpec['mode'] };
  /** Secondary tie score for 'weightedScoreThenCode' (higher first). */
  weightedScore?: number;
  /** Code for the final tie break (ascending); defaults to id. */
  tieKey?: string;
}

/** Grade and rank of one entry. */
export interface GradeResult {
  id: string;
  peerGroup: string;
  /** 1-based within the peer group; equal totals share a rank (1, 1, 3). */
  rank: number;
  /** Final grade after quota and veto. */
  grade: string;
  /** Grade the total alone earns. */
  gradeByScore: string;
  /** Why the grade differs from gradeByScore. */
  reasons: string[];
}

/** Totals this close count as equal (they print the same). */
const TIE_TOLERANCE = 1e-9;

/** Grade a total earns by the bands alone. */
export function gradeForScore(total: number, scheme: GradeScheme): string {
  const band = scheme.bands.find((b) => total >= b.min);
  return band ? band.grade : scheme.bands[scheme.bands.length - 1].grade;
}

/**
 * Grade after a veto 一票否决: 'unqualified' → the lowest grade; 'downOne' → one grade below `grade`
 * (the grade the score earned), never below the lowest. `gradeOrder` is best first.
 */
export function applyVeto(grade: string, mode: VetoSpec['mode'], gradeOrder: readonly string[]): string {
  const i = gradeOrder.indexOf(grade);
  if (i < 0) throw new DomainError('grade', `unknown grade ${grade}`);
  const last = gradeOrder.length - 1;
  return mode === 'unqualified' ? gradeOrder[last] : gradeOrder[Math.min(last, i + 1)];
}

function checkScheme(scheme: GradeScheme): string[] {
  const order = scheme.bands.map((b) => b.grade);
  const details: { field: string; message: string }[] = [];
  if (order.length === 0) details.push({ field: 'scheme.bands', message: 'at least one band is needed' });
  scheme.bands.forEach((b, i) => {
    if (!Number.isFinite(b.min))
      details.push({ field: `scheme.bands[${i}].min`, message: 'min must be a number' });
    if (i > 0 && b.min > scheme.bands[i - 1].min) {
      details.push({ field: `scheme.bands[${i}].min`, message: 'bands must be in descending order of min' });
    }
    if (order.indexOf(b.grade) !== i)
      details.push({ field: `scheme.bands[${i}].grade`, message: 'grade repeated' });
  });
  (scheme.quotas ?? []).forEach((q, i) => {
    const at = order.indexOf(q.grade);
    if (at < 0) details.push({ field: `scheme.quotas[${i}].grade`, message: `unknown grade ${q.grade}` });
    else if (at === order.length - 1) {
      details.push({
        field: `scheme.quotas[${i}].grade`,
        message: 'the lowest grade has nowhere to drop to',
      });
    }
    if (!Number.isFinite(q.maxShare) || q.maxShare < 0 || q.maxShare > 1) {
      details.push({ field: `scheme.quotas[${i}].maxShare`, message: 'maxShare must be within 0–1' });
    }
  });
  if (details.length > 0) throw new DomainError(details[0].field, 'bad grade scheme', details);
  return order;
}

/** Largest number of holders a quota allows in a peer group of n: floor(maxShare × n), or 1 with atLeastOne. */
export function quotaLimit(quota: GradeQuota, n: number): number {
  // The epsilon keeps float products like 0.29 × 100 = 28.999… from losing a place.
  const limit = Math.floor(quota.maxShare * n + 1e-9);
  return quota.atLeastOne && n >= 1 && quota.maxShare > 0 ? Math.max(1, limit) : limit;
}

function fmtShare(x: number): string {
  return `${Math.round(x * 1e4) / 100}%`;
}

/**
 * Ranks, grades and quota-caps entries within each peer group.
 *
 * 1. gradeByScore from the bands.
 * 2. Veto 一票否决: the grade is capped at applyVeto(gradeByScore) ('downOne' → one below the score
 *    grade, 'unqualified' → the lowest). The quota step can only lower a grade, so the veto cap holds
 *    whatever the quota does. The cap is set before quotas are filled, so a vetoed entry takes no place
 *    in a grade it cannot hold (the place goes to the next in rank) and counts against the quota of the
 *    grade it is capped to — quotas are never exceeded.
 * 3. Quotas, best grade first: of the entries currently holding a capped grade, at most
 *    {@link quotaLimit} (floor(maxShare × n), n = peer-group size; so 20% of 4 is 0 unless the quota sets
 *    atLeastOne — pool small units into larger peer groups) keep it, taken in rank order; the rest drop
 *    to the next grade, where that grade's quota applies in turn. Ties at the boundary follow
 *    scheme.tieBreak ('shareQuota': every entry tied with the first one left out drops too).
 * Output keeps the input order.
 */
export function gradeAndRank(
  entries: GradeEntry[],
  scheme: GradeScheme = DEFAULT_GRADE_SCHEME,
): GradeResult[] {
  const order = checkScheme(scheme);
  entries.forEach((e, i) => {
    if (!Number.isFinite(e.total))
      throw new DomainError(`entries[${i}].total`, `total ${e.total} is not a number`);
  });
  // Copies, so that the same object passed twice still counts as two entries.
  const items = entries.map((e) => ({ ...e }));
  const results = new Map<GradeEntry, GradeResult>();
  const groups = new Map<string, GradeEntry[]>();
  for (const e of items) {
    const g = groups.get(e.peerGroup);
    if (g) g.push(e);
    else groups.set(e.peerGroup, [e]);
  }
  const tied = (a: GradeEntry, b: GradeEntry) => Math.abs(a.total - b.total) <= TIE_TOLERANCE;
  const byRank = (a: GradeEntry, b: GradeEntry) => {
    if (!tied(a, b)) return b.total - a.total;
    if (scheme.tieBreak === 'shareQuota') return 0;
    const ws = (b.weightedScore ?? -Infinity) - (a.weightedScore ?? -Infinity);
    if (ws !== 0 && !Number.isNaN(ws)) return ws;
    const ka = a.tieKey ?? a.id;
    const kb = b.tieKey ?? b.id;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

  for (const group of groups.values()) {
    const sorted = [...group].sort(byRank);
    const n = sorted.length;
    const rankOf = new Map<GradeEntry, number>();
    sorted.forEach((e, i) => {
      rankOf.set(e, i > 0 && tied(e, sorted[i - 1]) ? rankOf.get(sorted[i - 1])! : i + 1);
    });
    const grade = new Map<GradeEntry, string>();
    for (const e of sorted) {
      const byScore = gradeForScore(e.total, scheme);
      const r: GradeResult = {
        id: e.id,
        peerGroup: e.peerGroup,
        rank: rankOf.get(e)!,
        grade: byScore,
        gradeByScore: byScore,
        reasons: [],
      };
      if (e.veto?.triggered) {
        const cap = applyVeto(byScore, e.veto.mode ?? 'unqualified', order);
        if (cap !== byScore) {
          r.grade = cap;
          r.reasons.push(`veto: capped to ${cap}`);
        }
      }
      grade.set(e, r.grade);
      results.set(e, r);
    }

    for (const [gi, g] of order.entries()) {
      const quota = scheme.quotas?.find((q) => q.grade === g);
      if (!quota) continue;
      const holders = sorted.filter((e) => grade.get(e) === g);
      const limit = quotaLimit(quota, n);
      if (holders.length <= limit) continue;
      let keep = limit;
      // shareQuota: the first entry left out takes everyone tied with it down too.
      if (scheme.tieBreak === 'shareQuota') while (keep > 0 && tied(holders[keep - 1], holders[keep])) keep--;
      const next = order[gi + 1];
      holders.slice(keep).forEach((e, i) => {
        grade.set(e, next);
        const r = results.get(e)!;
        r.grade = next;
        r.reasons.push(`quota: ${g} capped at ${fmtShare(quota.maxShare)} of ${n} → ${limit}`);
        if (i < limit - keep)
          r.reasons.push(`tie at the quota boundary: all entries tied at ${e.total} drop to ${next}`);
      });
    }
  }
  return items.map((e) => results.get(e)!);
}
