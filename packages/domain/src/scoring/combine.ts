import { DomainError } from '../indicators/errors';
import type { AppraiseeScore, BreakdownNode } from './aggregate';

/** Codes of the parts a combined total adds as first-level breakdown nodes: the unit's result, the term's annual results. */
export const COMBINED_PART_CODES = ['UNIT', 'ANNUAL'] as const;
export type CombinedPartCode = (typeof COMBINED_PART_CODES)[number];
/** Code of the node that keeps an own total floored at 0 explicit in a combined breakdown. */
export const FLOOR_NODE_CODE = 'FLOOR';
/** Codes of the synthetic nodes of a breakdown: parts of a combined total, not indicators of the plan. */
export const SYNTHETIC_NODE_CODES: readonly string[] = [...COMBINED_PART_CODES, FLOOR_NODE_CODE];

/** Another result that enters an appraisee's total with a fixed share. */
export interface CombinedPart {
  /** Code of the synthetic breakdown node, one of {@link COMBINED_PART_CODES}. */
  code: string;
  /** Its name, e.g. 所在单位绩效 (the unit's result). */
  name: string;
  /** Total (0–100+) of the other result. */
  total: number;
  /** Share of the combined total, in [0, 1]. */
  share: number;
  /** Why it enters, for the explanation. */
  note: string;
}

const scale = (node: BreakdownNode, f: number): BreakdownNode => ({
  ...node,
  contribution: node.contribution * f,
  ...(node.children ? { children: node.children.map((c) => scale(c, f)) } : {}),
});

/** The figures of a combined score: what {@link combineScores} gives, without the breakdown. */
export interface CombinedTotals {
  total: number;
  weightedScore: number;
  bonus: number;
  deduction: number;
}

/**
 * Totals of an own score combined with its parts (see {@link combineScores}): the own figures take
 * (1 − Σ shares) and each part adds share × its total. Throws for a share outside [0, 1], a negative
 * part total or shares summing to more than 1.
 */
export function combineTotals(own: CombinedTotals, parts: CombinedPart[]): CombinedTotals {
  const shares = parts.reduce((s, p) => s + p.share, 0);
  parts.forEach((p, i) => {
    if (!(p.share >= 0 && p.share <= 1))
      throw new DomainError(`parts[${i}].share`, 'share must be in [0, 1]');
    if (!Number.isFinite(p.total) || p.total < 0)
      throw new DomainError(`parts[${i}].total`, 'total must be ≥ 0');
  });
  if (shares > 1 + 1e-12) throw new DomainError('parts', 'shares sum to more than 1');
  if (parts.length === 0 || shares === 0)
    return { total: own.total, weightedScore: own.weightedScore, bonus: own.bonus, deduction: own.deduction };
  const f = 1 - shares;
  const partsSum = parts.reduce((s, p) => s + p.share * p.total, 0);
  return {
    total: f * own.total + partsSum,
    weightedScore: f * own.weightedScore + partsSum,
    bonus: f * own.bonus,
    deduction: f * own.deduction,
  };
}

/**
 * Combined appraisal 人事结合: an appraisee's own score takes (1 − Σ shares) of the total and each
 * part (the unit's result for a cadre, the annual results for a term) its share. The breakdown
 * keeps explaining the total: own contributions are scaled, and each part becomes a node whose
 * contribution is share × its total, so the contributions still sum to the combined total.
 */
export function combineScores(own: AppraiseeScore, parts: CombinedPart[]): AppraiseeScore {
  const totals = combineTotals(own, parts);
  const shares = parts.reduce((s, p) => s + p.share, 0);
  if (parts.length === 0 || shares === 0) return own;
  const f = 1 - shares;
  const partNodes: BreakdownNode[] = parts.map((p) => ({
    code: p.code,
    name: p.name,
    weight: p.share * 100,
    attainment: p.total,
    contribution: p.share * p.total,
    kind: 'normal',
    notes: [p.note],
  }));
  // The own breakdown sums to own.total only when not floored; keep that residue explicit.
  const ownSum = own.breakdown.reduce((s, n) => s + n.contribution, 0);
  const floorFix = own.total - ownSum;
  const breakdown = [...own.breakdown.map((n) => scale(n, f)), ...partNodes];
  if (Math.abs(floorFix) > 1e-12) {
    breakdown.push({
      code: FLOOR_NODE_CODE,
      name: '总分不低于0',
      weight: 0,
      attainment: 0,
      contribution: floorFix * f,
      kind: 'normal',
      notes: ['own total floored at 0'],
    });
  }
  return { ...own, ...totals, breakdown };
}
