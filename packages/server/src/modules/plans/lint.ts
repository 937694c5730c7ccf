import { eq } from 'drizzle-orm';
import { lintPlan, type LintFinding } from '@perfcommons/domain';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import type { DbOrTx } from '../../db/client';
import { cycles } from '../../db/schema';
import { conflict } from '../../lib/errors';
import { rulesOf } from '../evaluation/rules';

/**
 * Scientific design checks 指标科学性检查 of a plan's tree with its cycle's rules (minimum public share,
 * minimum leaf share). Computed by the server on every plan read and on submission; the editor shows them.
 */
export async function lintPlanTree(
  db: DbOrTx,
  cycleId: string,
  tree: IndicatorNodeInput[],
): Promise<LintFinding[]> {
  const [cycle] = await db.select({ rules: cycles.rules }).from(cycles).where(eq(cycles.id, cycleId));
  const rules = rulesOf(cycle?.rules);
  return lintPlan(tree, {
    minPublicWeight: rules.minPublicWeight,
    minLeafShare: rules.minLeafShare,
  });
}

/**
 * Refuses submission while the checks find errors (409 `plan_lint`, one detail per finding naming the
 * indicator), unless the request gives an override reason; returns the findings for the audit entry.
 */
export function assertLintPasses(findings: LintFinding[], override?: { reason: string }): void {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0 || override) return;
  throw conflict(
    'The plan fails scientific design checks; fix them or submit with an override reason (lintOverride.reason)',
    errors.map((f) => ({
      path: f.indicatorCode ? `tree.${f.indicatorCode}` : 'tree',
      message: `${f.code}: ${f.message}`,
    })),
    'plan_lint',
  );
}
