/**
 * What the public sees of a cycle's published results (issue 14, PIPL): one policy per cycle, applied by
 * the same functions to the public API, the portal, the open data bundle and the spreadsheet exports.
 *
 * - `unitResults`: results of units and projects (score, rank, grade and their consequences);
 * - `cadreGrades`: results of leading cadres (score, rank and grade go together: without it a cadre's
 *   result is not published at all);
 * - `cadreConsequences`: the personnel consequences of a cadre's result (诫勉谈话, 优先提拔使用 …),
 *   only with `cadreGrades`.
 */
export interface DisclosurePolicy {
  unitResults: boolean;
  cadreGrades: boolean;
  cadreConsequences: boolean;
}

/** Without a decision of the office: unit results and cadre grades, no personnel consequences. */
export const DEFAULT_DISCLOSURE: DisclosurePolicy = Object.freeze({
  unitResults: true,
  cadreGrades: true,
  cadreConsequences: false,
});

const isCadre = (appraiseeType: string) => appraiseeType === 'cadre';

/** Whether the result of an appraisee of this type is published at all. */
export function disclosesResult(policy: DisclosurePolicy, appraiseeType: string): boolean {
  return isCadre(appraiseeType) ? policy.cadreGrades : policy.unitResults;
}

/** Whether the consequences of such a result are published. */
export function disclosesConsequences(policy: DisclosurePolicy, appraiseeType: string): boolean {
  return isCadre(appraiseeType) ? policy.cadreGrades && policy.cadreConsequences : policy.unitResults;
}

/**
 * A result as the public may see it: null when the policy withholds it, else the result with its
 * consequences emptied when they are withheld. Every public path goes through this function.
 */
export function discloseResult<T extends { appraiseeType: string; consequences: readonly unknown[] }>(
  policy: DisclosurePolicy,
  result: T,
): T | null {
  if (!disclosesResult(policy, result.appraiseeType)) return null;
  if (disclosesConsequences(policy, result.appraiseeType)) return result;
  return { ...result, consequences: [] };
}
