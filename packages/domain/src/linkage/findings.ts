/**
 * Kinds of findings that deduct points from an appraisee (appraisal linked with supervision 考核与监督
 * 贯通): audit 审计, discipline inspection and supervision 纪检监察/巡视巡察, finance 财政 (budget
 * performance evaluation 预算绩效评价).
 */
export const FINDING_KINDS = ['audit', 'discipline', 'finance'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/**
 * Points an item's active findings deduct before the item's cap: their sum (withdrawn findings deduct
 * nothing). The scoring domain then caps the item at its weight (bonusDeduction).
 */
export function findingPoints(findings: { points: number; status: string }[]): number {
  return findings.reduce((s, f) => (f.status === 'active' ? s + f.points : s), 0);
}
