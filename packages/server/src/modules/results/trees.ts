import { getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { compileTree, type CompiledTree, type IndicatorNode } from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import { indicatorNodes } from '../../db/schema';
import { buildTree } from '../plans/tree';
import type { PlanSet } from './inputs';

/**
 * One node row as text, given by every column buildTree reads (jsonb columns by a 64-bit hash, so
 * their text need not be produced). Keep the list in step with buildTree when indicator_nodes gains
 * a column.
 */
const nodeText = sql`row(
  ${indicatorNodes.code}, ${indicatorNodes.parentCode}, ${indicatorNodes.position}, ${indicatorNodes.name},
  ${indicatorNodes.nameEn}, ${indicatorNodes.weight}, ${indicatorNodes.kind},
  jsonb_hash_extended(${indicatorNodes.rule}, 1), ${indicatorNodes.unit}, ${indicatorNodes.dataSource},
  ${indicatorNodes.direction}, jsonb_hash_extended(${indicatorNodes.subjects}, 1),
  jsonb_hash_extended(${indicatorNodes.veto}, 1), ${indicatorNodes.target}, ${indicatorNodes.baseline},
  ${indicatorNodes.plausibleMin}, ${indicatorNodes.plausibleMax})::text`;

/**
 * Indicator trees of the given plans, each distinct tree read and built once and shared by every
 * plan whose node rows are identical (plans issued from one scheme, cadres' plans from a template).
 *
 * Why results stay identical: scoring reads only the node fields buildTree copies, and plans with
 * the same signature have the same rows in those fields (up to a collision of two 64-bit hash sums,
 * which no real data produces), so buildTree would have returned equal trees for them. The shared
 * tree is never mutated: scoreAppraisee builds new breakdown objects and only references the rule.
 * Plans without nodes get an empty tree, as buildTree([]) gives.
 */
export async function loadPlanTrees(
  tx: DbOrTx,
  planIds: string[],
  /** Which plans, when not the id list itself (a large set: see PlanSet in inputs.ts). */
  where: SQL = inArray(indicatorNodes.planId, planIds),
): Promise<Map<string, IndicatorNode[]>> {
  const trees = new Map<string, IndicatorNode[]>();
  if (planIds.length === 0) return trees;
  // Signature of a tree: its row count and two independently seeded 64-bit hashes summed over its
  // rows (exact numeric sums). Each row carries its code, parent and position, so equal multisets of
  // rows are equal trees; summing needs no sort and no long string per plan.
  const { rows: sigs } = (await tx.execute(
    sql`select plan_id as "planId",
          count(*) || ':' || sum(hashtextextended(r, 1)) || ':' || sum(hashtextextended(r, 2)) as sig
        from (select ${indicatorNodes.planId} as plan_id, ${nodeText} as r from ${indicatorNodes} where ${where}) n
        group by plan_id`,
  )) as unknown as { rows: { planId: string; sig: string }[] };
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
 * Compiled indicator trees of a set of plans (id and version), from the cache of `cacheOwner` (the
 * root database handle) where that version of the plan was compiled before, else loaded with
 * {@link loadPlanTrees} in `tx` (identical trees compiled once) and cached.
 */
export async function compiledPlanTrees(
  cacheOwner: object,
  tx: DbOrTx,
  planRows: { id: string; version: number }[],
  plans: PlanSet,
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
  if (missing.length === 0) return out;
  const ids = missing.map((p) => p.id);
  // A bulk set is read whole (one scan) even when part of it is cached; a short list of the missing.
  const trees = await loadPlanTrees(
    tx,
    ids,
    plans.bulk ? plans.where(indicatorNodes.planId) : inArray(indicatorNodes.planId, ids),
  );
  const compiled = new Map<IndicatorNode[], CompiledTree>();
  for (const p of missing) {
    const tree = trees.get(p.id)!;
    let c = compiled.get(tree);
    if (!c) compiled.set(tree, (c = compileTree(tree)));
    cache.set(p.id, { version: p.version, tree: c });
    out.set(p.id, c);
  }
  return out;
}
