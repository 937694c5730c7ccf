import type { IndicatorNodeInput } from '@perfcommons/contracts';
import type { indicatorNodes } from '../../db/schema';

type NodeRow = typeof indicatorNodes.$inferSelect;
type NodeInsert = typeof indicatorNodes.$inferInsert;

/** Flattens a tree into rows keyed by parent code and position. */
export function flattenTree(planId: string, tree: IndicatorNodeInput[]): NodeInsert[] {
  const rows: NodeInsert[] = [];
  const walk = (nodes: IndicatorNodeInput[], parentCode: string | null) =>
    nodes.forEach((n, position) => {
      rows.push({
        planId,
        code: n.code,
        parentCode,
        position,
        name: n.name,
        nameEn: n.nameEn ?? null,
        weight: n.weight,
        kind: n.kind ?? 'normal',
        rule: n.rule ?? null,
        unit: n.unit ?? null,
        definition: n.definition ?? null,
        dataSource: n.dataSource ?? null,
        direction: n.direction ?? null,
        subjects: n.subjects ?? null,
        veto: n.veto ?? null,
        target: n.target ?? null,
        baseline: n.baseline ?? null,
        plausibleMin: n.plausibleMin ?? null,
        plausibleMax: n.plausibleMax ?? null,
        libraryCode: n.library?.code ?? null,
        libraryVersion: n.library?.version ?? null,
        rubric: n.rubric ?? null,
      });
      if (n.children?.length) walk(n.children, n.code);
    });
  walk(tree, null);
  return rows;
}

/** Rebuilds the tree from stored rows (children ordered by position; optional fields omitted when null). */
export function buildTree(rows: NodeRow[]): IndicatorNodeInput[] {
  const byParent = new Map<string | null, NodeRow[]>();
  for (const r of rows) byParent.set(r.parentCode, [...(byParent.get(r.parentCode) ?? []), r]);
  const make = (parent: string | null): IndicatorNodeInput[] =>
    (byParent.get(parent) ?? [])
      .sort((a, b) => a.position - b.position)
      .map((r) => {
        const node: IndicatorNodeInput = { code: r.code, name: r.name, weight: r.weight };
        if (r.nameEn !== null) node.nameEn = r.nameEn;
        if (r.kind !== 'normal') node.kind = r.kind;
        if (r.rule !== null) node.rule = r.rule;
        if (r.unit !== null) node.unit = r.unit;
        if (r.definition !== null) node.definition = r.definition;
        if (r.dataSource !== null) node.dataSource = r.dataSource;
        if (r.direction !== null) node.direction = r.direction;
        if (r.subjects !== null) node.subjects = r.subjects;
        if (r.veto !== null) node.veto = r.veto;
        if (r.target !== null) node.target = r.target;
        if (r.baseline !== null) node.baseline = r.baseline;
        if (r.plausibleMin !== null) node.plausibleMin = r.plausibleMin;
        if (r.plausibleMax !== null) node.plausibleMax = r.plausibleMax;
        if (r.libraryCode !== null) node.library = { code: r.libraryCode, version: r.libraryVersion ?? 1 };
        if (r.rubric !== null) node.rubric = r.rubric;
        const children = make(r.code);
        if (children.length) node.children = children;
        return node;
      });
  return make(null);
}

/** Leaves of a tree with their path of codes. */
export function leaves(tree: IndicatorNodeInput[]): IndicatorNodeInput[] {
  const out: IndicatorNodeInput[] = [];
  const walk = (nodes: IndicatorNodeInput[]) =>
    nodes.forEach((n) => (n.children?.length ? walk(n.children) : out.push(n)));
  walk(tree);
  return out;
}
