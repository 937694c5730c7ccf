import { DomainError } from '../indicators/errors';
import type { AppraiseeScore, BreakdownNode } from './aggregate';

/** Another result that enters an appraisee's total with a fixed share. */
export interface CombinedPart {
  /** Code of the synthetic breakdown node, e.g. `UNIT` or `ANNUAL`. */
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

/**
 * Combined appraisal 人事结合: an appraisee's own score takes (1 − Σ shares) of the total and each
 * part (the unit's result for a cadre, the annual results for a term) its share. The breakdown
 * keeps explaining the total: own contributions are scaled, and each part becomes a node whose
 * contribution is share × its total, so the contributions still sum to the combined total.
 */
export function combineScores(own: AppraiseeScore, parts: CombinedPart[]): AppraiseeScore {
  const shares = parts.reduce((s, p) => s + p.share, 0);
  parts.forEach((p, i) => {
    if (!(p.share >= 0 && p.share <= 1))
      throw new DomainError(`parts[${i}].share`, 'share must be in [0, 1]');
    if (!Number.isFinite(p.total) || p.total < 0)
      throw new DomainError(`parts[${i}].total`, 'total must be ≥ 0');
  });
  if (shares > 1 + 1e-12) throw new DomainError('parts', 'shares sum to more than 1');
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
      code: 'FLOOR',
      name: '总分不低于0',
      weight: 0,
      attainment: 0,
      contribution: floorFix * f,
      kind: 'normal',
      notes: ['own total floored at 0'],
    });
  }
  return {
    ...own,
    total: f * own.total + parts.reduce((s, p) => s + p.share * p.total, 0),
    weightedScore: f * own.weightedScore + parts.reduce((s, p) => s + p.share * p.total, 0),
    bonus: f * own.bonus,
    deduction: f * own.deduction,
    breakdown,
  };
}
