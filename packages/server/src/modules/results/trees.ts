import { getTableColumns, inArray, sql } from 'drizzle-orm';
import { compileTree, type CompiledTree, type IndicatorNode } from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import { indicatorNodes } from '../../db/schema';
import { buildTree } from '../plans/tree';

/**
 * Signature of a plan's tree: md5 over its node rows in code order, each row given by every column
 * buildTree reads (jsonb columns by two independently seeded 64-bit hashes, so their text need not
 * be produced). Keep the list in step with buildTree when indicator_nodes gains a column.
 */
const signature = sql<string>`md5(string_agg(row(
  ${indicatorNodes.code}, ${indicatorNodes.parentCode}, ${indicatorNodes.position}, ${indicatorNodes.name},
  ${indicatorNodes.nameEn}, ${indicatorNodes.weight}, ${indicatorNodes.kind},
  jsonb_hash_extended(${indicatorNodes.rule}, 1), jsonb_hash_extended(${indicatorNodes.rule}, 2),
  ${indicatorNodes.unit}, ${indicatorNodes.dataSource}, ${indicatorNodes.direction},
  jsonb_hash_extended(${indicatorNodes.subjects}, 1), jsonb_hash_extended(${indicatorNodes.subjects}, 2),
  jsonb_hash_extended(${indicatorNodes.veto}, 1), jsonb_hash_extended(${indicatorNodes.veto}, 2),
  ${indicatorNodes.target}, ${indicatorNodes.baseline}, ${indicatorNodes.plausibleMin},
  ${indicatorNodes.plausibleMax})::text, '|' order by ${indicatorNodes.code}))`;

/**
 * Indicator trees of the given plans, each distinct tree read and built once and shared by every
 * plan whose node rows are identical (plans issued from one scheme, cadres' plans from a template).
 *
 * Why results stay identical: scoring reads only the node fields buildTree copies, and plans with
 * the same signature have the same rows in those fields (up to an md5 / 128-bit hash collision,
 * which no real data produces), so buildTree would have returned equal trees for them. The shared
 * tree is never mutated: scoreAppraisee builds new breakdown objects and only references the rule.
 * Plans without nodes get an empty tree, as buildTree([]) gives.
 */
export async function loadPlanTrees(tx: DbOrTx, planIds: string[]): Promise<Map<string, IndicatorNode[]>> {
  const trees = new Map<string, IndicatorNode[]>();
  if (planIds.length === 0) return trees;
  const sigs = await tx
    .select({ planId: indicatorNodes.planId, sig: signature })
    .from(indicatorNodes)
    .where(inArray(indicatorNodes.planId, planIds))
    .groupBy(indicatorNodes.planId);
  const representative = new Map<string, string>();
  for (const s of sigs) if (!representative.has(s.sig)) representative.set(s.sig, s.planId);
  // A raw statement naming every column by its property: the rows buildTree reads, without the
  // per-value mapping of a query builder select (a cold province recompute reads 300k of them).
  type NodeRow = typeof indicatorNodes.$inferSelect;
  const columns = sql.join(
    Object.entries(getTableColumns(indicatorNodes)).map(
      ([prop, col]) => sql`${col} as ${sql.identifier(prop)}`,
    ),
    sql`, `,
  );
  const { rows } = (await tx.execute(
    sql`select ${columns} from ${indicatorNodes}
        where ${inArray(indicatorNodes.planId, [...representative.values()])}
        order by ${indicatorNodes.planId}, ${indicatorNodes.position}`,
  )) as unknown as { rows: NodeRow[] };
  const rowsOf = new Map<string, NodeRow[]>();
  for (const r of rows) {
    const list = rowsOf.get(r.planId);
    if (list) list.push(r);
    else rowsOf.set(r.planId, [r]);
  }
  const bySig = new Map<string, IndicatorNode[]>();
  for (const [sig, planId] of representative)
    bySig.set(sig, buildTree(rowsOf.get(planId) ?? []) as IndicatorNode[]);
  for (const s of sigs) trees.set(s.planId, bySig.get(s.sig)!);
  for (const id of planIds) if (!trees.has(id)) trees.set(id, []);
  return trees;
}

/** Compiled trees by plan id with the version compiled, per database handle (a tree changes only with its plan's version). */
const compiledCache = new WeakMap<object, Map<string, { version: number; tree: CompiledTree }>>();

/**
 * Compiled indicator trees of the given plans (id and version), from the cache of `cacheOwner` (the
 * root database handle) where that version of the plan was compiled before, else loaded with
 * {@link loadPlanTrees} in `tx` (identical trees compiled once) and cached.
 */
export async function compiledPlanTrees(
  cacheOwner: object,
  tx: DbOrTx,
  planRows: { id: string; version: number }[],
): Promise<Map<string, CompiledTree>> {
  let cache = compiledCache.get(cacheOwner);
  if (!cache) compiledCache.set(cacheOwner, (cache = new Map()));
  const out = new Map<string, CompiledTree>();
  const missing: { id: string; version: number }[] = [];
  for (const p of planRows) {
    const hit = cache.get(p.id);
    if (hit && hit.version === p.version) out.set(p.id, hit.tree);
    else missing.push(p);
  }
  for (let i = 0; i < missing.length; i += 2000) {
    const chunk = missing.slice(i, i + 2000);
    const trees = await loadPlanTrees(
      tx,
      chunk.map((p) => p.id),
    );
    const compiled = new Map<IndicatorNode[], CompiledTree>();
    for (const p of chunk) {
      const tree = trees.get(p.id)!;
      let c = compiled.get(tree);
      if (!c) compiled.set(tree, (c = compileTree(tree)));
      cache.set(p.id, { version: p.version, tree: c });
      out.set(p.id, c);
    }
  }
  return out;
}
