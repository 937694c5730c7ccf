import { isLeaf, isNormal, type IndicatorNode } from './types';

/** Maximum depth of an indicator tree (一级 … 四级). */
export const MAX_DEPTH = 4;
/** Tolerance for weights summing to 100. */
export const WEIGHT_SUM_TOLERANCE = 0.01;
/** Whether weights summing to `sum` make 100 (within {@link WEIGHT_SUM_TOLERANCE}): the editor shows what this refuses. */
export const sumsTo100 = (sum: number) => Math.abs(sum - 100) <= WEIGHT_SUM_TOLERANCE;

/** Kinds of problem {@link validateTree} reports. */
export type TreeProblemKind =
  | 'weightSum'
  | 'duplicateCode'
  | 'emptyName'
  | 'missingRule'
  | 'depth'
  | 'negativeWeight'
  | 'subjectWeightSum'
  | 'ruleTarget';

/** One problem in an indicator tree. */
export interface TreeProblem {
  /** Codes from the root down to the node concerned (empty for the first level as a whole). */
  path: string[];
  /** Code of the node concerned ('' for the first level as a whole). */
  code: string;
  /** Offending field, e.g. `weight`, `children`, `subjects[1].weight`. */
  field: string;
  message: string;
  kind: TreeProblemKind;
}

function fmt(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

/**
 * Every problem of a plan's indicator tree (the first-level nodes), not just the first:
 * - `weightSum`: weights of the normal (non bonus/deduction) nodes of each sibling group, the first level
 *   included, must sum to 100 (±0.01); bonus/deduction weights are caps in points, outside the sum.
 * - `duplicateCode`: every repeat of a code after its first occurrence.
 * - `emptyName`: blank name (or blank code, field `code`).
 * - `missingRule`: a normal leaf scored from data (no subjects, or a 'data' subject) without an attainment
 *   rule, or with a `perUnit` rule, which only bonus/deduction items use. A leaf scored only by raters
 *   needs no rule.
 * - `depth`: each node deeper than {@link MAX_DEPTH} levels.
 * - `negativeWeight`: a negative or non-finite node or subject weight.
 * - `subjectWeightSum`: a normal leaf's subject weights not summing to 100, or a subject listed twice.
 * - `ruleTarget`: a linear rule whose target is not beyond its baseline in the rule's direction (it could
 *   not score: e.g. a plan copied from an earlier cycle, whose old target became the baseline, before the
 *   owner sets the new target).
 */
export function validateTree(nodes: IndicatorNode[]): TreeProblem[] {
  const problems: TreeProblem[] = [];
  const firstSeen = new Map<string, string[]>();

  const checkSiblings = (siblings: IndicatorNode[], parentPath: string[], parentCode: string) => {
    const sum = siblings.filter(isNormal).reduce((s, n) => s + (Number.isFinite(n.weight) ? n.weight : 0), 0);
    if (!sumsTo100(sum)) {
      problems.push({
        path: parentPath,
        code: parentCode,
        field: 'children',
        kind: 'weightSum',
        message: `weights of ${parentCode ? `the children of ${parentCode}` : 'the first-level indicators'} sum to ${fmt(sum)}, not 100`,
      });
    }
  };

  const visit = (node: IndicatorNode, parentPath: string[], depth: number) => {
    const path = [...parentPath, node.code];
    const at = (field: string, kind: TreeProblemKind, message: string) =>
      problems.push({ path, code: node.code, field, kind, message });

    if (typeof node.code !== 'string' || node.code.trim() === '') at('code', 'emptyName', 'code is empty');
    else {
      const seen = firstSeen.get(node.code);
      if (seen) at('code', 'duplicateCode', `code ${node.code} already used at ${seen.join(' > ')}`);
      else firstSeen.set(node.code, path);
    }
    if (typeof node.name !== 'string' || node.name.trim() === '') at('name', 'emptyName', 'name is empty');
    if (!Number.isFinite(node.weight) || node.weight < 0) {
      at('weight', 'negativeWeight', `weight ${node.weight} must be a non-negative number`);
    }
    if (depth > MAX_DEPTH) at('code', 'depth', `depth ${depth} exceeds the maximum of ${MAX_DEPTH} levels`);

    if (isLeaf(node) && isNormal(node)) {
      const subjects = node.subjects;
      const usesData = !subjects || subjects.length === 0 || subjects.some((s) => s.type === 'data');
      if (usesData && !node.rule) at('rule', 'missingRule', 'a leaf scored from data needs a scoring rule');
      else if (
        node.rule?.type === 'linear' &&
        !(node.rule.direction === 'lower'
          ? node.rule.target < node.rule.baseline
          : node.rule.target > node.rule.baseline)
      ) {
        at(
          'rule.target',
          'ruleTarget',
          `target ${node.rule.target} must be ${node.rule.direction === 'lower' ? 'below' : 'above'} the baseline ${node.rule.baseline}`,
        );
      } else if (node.rule?.type === 'perUnit') {
        at(
          'rule',
          'missingRule',
          'perUnit rules are for bonus/deduction items; a normal leaf needs an attainment rule',
        );
      }
      if (subjects && subjects.length > 0) {
        const types = new Set<string>();
        subjects.forEach((s, i) => {
          if (!Number.isFinite(s.weight) || s.weight < 0) {
            at(
              `subjects[${i}].weight`,
              'negativeWeight',
              `subject weight ${s.weight} must be a non-negative number`,
            );
          }
          if (types.has(s.type))
            at(`subjects[${i}].type`, 'subjectWeightSum', `subject ${s.type} listed twice`);
          types.add(s.type);
        });
        const sum = subjects.reduce((s, x) => s + (Number.isFinite(x.weight) ? x.weight : 0), 0);
        if (!sumsTo100(sum)) {
          at('subjects', 'subjectWeightSum', `subject weights sum to ${fmt(sum)}, not 100`);
        }
      }
    }

    if (node.children && node.children.length > 0) {
      checkSiblings(node.children, path, node.code);
      for (const child of node.children) visit(child, path, depth + 1);
    }
  };

  checkSiblings(nodes, [], '');
  for (const node of nodes) visit(node, [], 1);
  return problems;
}
