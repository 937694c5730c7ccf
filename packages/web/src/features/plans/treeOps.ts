import type { RubricBand } from '@perfcommons/contracts';
import type { IndicatorNode, TreeProblem } from '../../shared/tree';

/** A node being edited: the domain node plus a stable key (codes change while typing). */
export type EditNode = Omit<IndicatorNode, 'children'> & {
  key: string;
  children?: EditNode[];
  /** Picked from the indicator library: its code and version. */
  library?: { code: string; version: number };
  /** Raters' rubric of a rated leaf. */
  rubric?: RubricBand[];
};

let seq = 0;
const newKey = () => `n${++seq}`;

export function toEdit(nodes: IndicatorNode[]): EditNode[] {
  return nodes.map((n) => ({ ...n, key: newKey(), children: n.children ? toEdit(n.children) : undefined }));
}

const OPTIONAL_TEXT = ['nameEn', 'unit', 'dataSource', 'definition'] as const;

/** Back to the API's shape: no keys, no empty optional fields. */
export function fromEdit(nodes: EditNode[]): IndicatorNode[] {
  return nodes.map(({ key: _key, children, ...rest }) => {
    const n: IndicatorNode = { ...rest };
    for (const f of OPTIONAL_TEXT) if (n[f] === '' || n[f] === null) delete n[f];
    for (const k of Object.keys(n) as (keyof IndicatorNode)[]) if (n[k] === undefined) delete n[k];
    if (n.subjects && n.subjects.length === 0) delete n.subjects;
    if (children && children.length) n.children = fromEdit(children);
    return n;
  });
}

/** Applies `fn` to the sibling list that contains `key` (or the root list when key is null). */
function mapSiblings(
  nodes: EditNode[],
  key: string | null,
  fn: (siblings: EditNode[], index: number) => EditNode[],
): EditNode[] {
  const i = key === null ? -1 : nodes.findIndex((n) => n.key === key);
  if (key === null || i >= 0) return fn(nodes, i);
  return nodes.map((n) => (n.children ? { ...n, children: mapSiblings(n.children, key, fn) } : n));
}

export function findNode(nodes: EditNode[], key: string): EditNode | undefined {
  for (const n of nodes) {
    if (n.key === key) return n;
    const c = n.children && findNode(n.children, key);
    if (c) return c;
  }
  return undefined;
}

export function updateNode(nodes: EditNode[], key: string, patch: Partial<EditNode>): EditNode[] {
  return nodes.map((n) =>
    n.key === key
      ? { ...n, ...patch }
      : n.children
        ? { ...n, children: updateNode(n.children, key, patch) }
        : n,
  );
}

function allCodes(nodes: EditNode[], out = new Set<string>()): Set<string> {
  for (const n of nodes) {
    out.add(n.code);
    if (n.children) allCodes(n.children, out);
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A fresh code under `prefix`, not used anywhere in the tree, in the style of its siblings: `B3` beside
 * `B1`, `B2`; `1.3` beside `1.1`, `1.2`; `D` beside the first-level `A`, `B`, `C`; a first child is `B1`
 * under `B` and `B1.1` or `1.1` under a code ending in a digit.
 */
function freshCode(tree: EditNode[], prefix: string, siblings: EditNode[]): string {
  const used = allCodes(tree);
  const codes = siblings.map((s) => s.code);
  if (codes.length > 0 && codes.every((c) => /^[A-Z]$/.test(c))) {
    for (let i = Math.max(...codes.map((c) => c.charCodeAt(0))) + 1; i <= 90; i++) {
      const c = String.fromCharCode(i);
      if (!used.has(c)) return c;
    }
  }
  const numbered = new RegExp(`^${escapeRe(prefix)}([.\\-_]?)(\\d+)$`);
  const matches = codes.map((c) => numbered.exec(c));
  const sep =
    matches.length > 0 && matches.every((m) => m !== null) && matches.every((m) => m![1] === matches[0]![1])
      ? matches[0]![1]!
      : /[A-Za-z]$/.test(prefix)
        ? ''
        : '.';
  const start = Math.max(siblings.length, ...matches.map((m) => (m ? Number(m[2]) : 0))) + 1;
  for (let i = start; ; i++) {
    const c = `${prefix}${prefix ? sep : ''}${i}`;
    if (!used.has(c)) return c;
  }
}

function blank(code: string, name: string): EditNode {
  return { key: newKey(), code, name, weight: 0 };
}

export function addChild(tree: EditNode[], parentKey: string | null, name: string): [EditNode[], string] {
  if (parentKey === null) {
    const n = blank(freshCode(tree, '', tree), name);
    return [[...tree, n], n.key];
  }
  const parent = findNode(tree, parentKey)!;
  const n = blank(freshCode(tree, parent.code, parent.children ?? []), name);
  // A leaf that gets children stops being scored itself: its rule no longer applies.
  return [updateNode(tree, parentKey, { children: [...(parent.children ?? []), n] }), n.key];
}

export function addSibling(tree: EditNode[], key: string, name: string): [EditNode[], string] {
  const parentCode = parentOf(tree, key)?.code ?? '';
  let created = '';
  const next = mapSiblings(tree, key, (sibs, i) => {
    const n = blank(freshCode(tree, parentCode, sibs), name);
    created = n.key;
    return [...sibs.slice(0, i + 1), n, ...sibs.slice(i + 1)];
  });
  return [next, created];
}

export function parentOf(tree: EditNode[], key: string, parent: EditNode | null = null): EditNode | null {
  for (const n of tree) {
    if (n.key === key) return parent;
    if (n.children) {
      const p = parentOf(n.children, key, n);
      if (p !== null) return p;
    }
  }
  return null;
}

export function move(tree: EditNode[], key: string, delta: -1 | 1): EditNode[] {
  return mapSiblings(tree, key, (sibs, i) => {
    const j = i + delta;
    if (j < 0 || j >= sibs.length) return sibs;
    const copy = sibs.slice();
    [copy[i], copy[j]] = [copy[j], copy[i]];
    return copy;
  });
}

export function remove(tree: EditNode[], key: string): EditNode[] {
  return mapSiblings(tree, key, (sibs, i) => sibs.filter((_, k) => k !== i)).map((n) => n);
}

/** Sets the weights of the normal children of `parentKey` (or of the first level) in order. */
export function setChildWeights(tree: EditNode[], parentKey: string | null, weights: number[]): EditNode[] {
  const apply = (children: EditNode[]) => {
    let k = 0;
    return children.map((c) => ((c.kind ?? 'normal') === 'normal' ? { ...c, weight: weights[k++] } : c));
  };
  if (parentKey === null) return apply(tree);
  const parent = findNode(tree, parentKey)!;
  return updateNode(tree, parentKey, { children: apply(parent.children ?? []) });
}

/** Sum of the normal weights of a sibling list (what the domain checks against 100). */
export function normalSum(nodes: EditNode[] | undefined): number {
  return (nodes ?? [])
    .filter((n) => (n.kind ?? 'normal') === 'normal')
    .reduce((s, n) => s + (Number.isFinite(n.weight) ? n.weight : 0), 0);
}

/** Rounds AHP shares to 2 decimals summing to exactly 100 (the rounding rest goes to the largest). */
export function toPercent(shares: number[]): number[] {
  const w = shares.map((s) => Math.round(s * 10000) / 100);
  const rest = Math.round((100 - w.reduce((a, b) => a + b, 0)) * 100) / 100;
  if (rest !== 0 && w.length) {
    const i = w.indexOf(Math.max(...w));
    w[i] = Math.round((w[i] + rest) * 100) / 100;
  }
  return w;
}

/** Problems grouped by the code of the node they concern ('' = the first level as a whole). */
export function problemsByCode(problems: TreeProblem[]): Map<string, TreeProblem[]> {
  const m = new Map<string, TreeProblem[]>();
  for (const p of problems) m.set(p.code, [...(m.get(p.code) ?? []), p]);
  return m;
}

/** Finds the node an API error path like `tree.0.children.1.weight` points at. */
export function nodeAtPath(tree: EditNode[], path: string): { node?: EditNode; field: string } {
  const parts = path.split('.');
  if (parts[0] === 'tree') parts.shift();
  let list: EditNode[] | undefined = tree;
  let node: EditNode | undefined;
  while (parts.length && list) {
    const i = Number(parts[0]);
    if (!Number.isInteger(i)) break;
    parts.shift();
    node = list[i];
    if (parts[0] === 'children') {
      parts.shift();
      list = node?.children;
    } else break;
  }
  return { node, field: parts.join('.') };
}
