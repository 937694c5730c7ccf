/** Indicator-tree and breakdown shapes (type-only imports, nothing bundled). */
import type { BreakdownNode } from '@perfcommons/contracts';
import type { IndicatorNode } from '@perfcommons/domain';

export type { IndicatorNode, ScoringRule, TreeProblem, SubjectWeight } from '@perfcommons/domain';

/** A tree node as the read-only views see it. */
export type TreeNodeView = IndicatorNode;
/** A breakdown node as `GET /results/:id` sends it (with its input, formula and findings). */
export type BreakdownView = BreakdownNode;

export function nodeName(lang: string, n: { name?: string; nameEn?: string | null; code?: string }): string {
  if (lang === 'en' && n.nameEn) return n.nameEn;
  return n.name ?? n.code ?? '';
}

/** The node's target, from the node or else from its rule. */
export function targetOf(n: IndicatorNode): number | undefined {
  if (n.target !== undefined && n.target !== null) return n.target;
  const r = n.rule;
  return r && (r.type === 'linear' || r.type === 'ratio') ? r.target : undefined;
}

/** The node's baseline, from the node or else from its rule. */
export function baselineOf(n: IndicatorNode): number | undefined {
  if (n.baseline !== undefined && n.baseline !== null) return n.baseline;
  return n.rule?.type === 'linear' ? n.rule.baseline : undefined;
}
