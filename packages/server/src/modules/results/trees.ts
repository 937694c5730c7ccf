import { getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { compileTree, type CompiledTree, type IndicatorNode } from '@perfcommons/domain';
import { rowsOf, type DbOrTx } from '../../db/client';
import { columnsAs } from '../../db/bulk';
import { indicatorNodes } from '../../db/schema';
import { buildTree } from '../plans/tree';
import type { PlanSet } from './inputs';

/**
 * A 64-bit hash of one node row over every column buildTree reads: each column hashed with its own
 * seed (so equal values in different columns differ), nulls as 0, combined by XOR. No text is built
 * per row. Keep the list in step with buildTree when indicator_nodes gains a column.
 */
const text = (c: AnyPgColumn, seed: number) =>
  sql`coalesce(hashtextextended(${c}, ${sql.raw(`${seed}`)}), 0)`;
const float = (c: AnyPgColumn, seed: number) =>
  sql`coalesce(hashfloat8extended(${c}, ${sql.raw(`${seed}`)}), 0)`;
const json = (c: AnyPgColumn, seed: number) =>
  sql`coalesce(jsonb_hash_extended(${c}, ${sql.raw(`${seed}`)}), 0)`;
const rowHash = sql.join(
  [
    text(indicatorNodes.code, 1),
    text(indicatorNodes.parentCode, 2),
    sql`hashint4extended(${indicatorNodes.position}, 3)`,
    text(indicatorNodes.name, 4),
    text(indicatorNodes.nameEn, 5),
    float(indicatorNodes.weight, 6),
    text(indicatorNodes.kind, 7),
    json(indicatorNodes.rule, 8),
    text(indicatorNodes.unit, 9),
    text(indicatorNodes.dataSource, 10),
    text(indicatorNodes.direction, 11),
    json(indicatorNodes.subjects, 12),
    json(indicatorNodes.veto, 13),
    float(indicatorNodes.target, 14),
    float(indicatorNodes.baseline, 15),
    float(indicatorNodes.plausibleMin, 16),
    float(indicatorNodes.plausibleMax, 17),
  ],
  sql` # `,
);

/**
 * Indicator trees of the given plans, each distinct tree read and built once and shared by every
 * plan whose node rows are identical (plans issued from one scheme, cadres' plans from a template).
 *
 * Why results stay identical: scoring reads only the node fields buildTree copies, and plans with
 * the same signature have the same rows in those fields (up to a collision of 64-bit row-hash sums,
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
  // Signature of a tree: its row count and the exact (numeric) sum of its row hashes. Each row carries
  // its code, parent and position, so equal multisets of rows are equal trees; a sum needs no sort.
  const sigs = await rowsOf<{ planId: string; sig: string }>(
    tx,
    sql`select ${indicatorNodes.planId} as "planId", count(*) || ':' || sum((${rowHash})::numeric) as sig
        from ${indicatorNodes} where ${where} group by ${indicatorNodes.planId}`,
  );
  const representative = new Map<string, string>();
  for (const s of sigs) if (!representative.has(s.sig)) representative.set(s.sig, s.planId);
  // A raw statement naming every column by its property: the rows buildTree reads, without the
  // per-value mapping of a query builder select (a cold province recompute reads 300k of them).
  type NodeRow = typeof indicatorNodes.$inferSelect;
  const columns = columnsAs(
    indicatorNodes,
    Object.keys(getTableColumns(indicatorNodes)) as (keyof NodeRow)[],
  );
  const rows = await rowsOf<NodeRow>(
    tx,
    sql`select ${columns} from ${indicatorNodes}
        where ${inArray(indicatorNodes.planId, [...representative.values()])}
        order by ${indicatorNodes.planId}, ${indicatorNodes.position}`,
  );
  const nodesOf = new Map<string, NodeRow[]>();
  for (const r of rows) {
    const list = nodesOf.get(r.planId);
    if (list) list.push(r);
    else nodesOf.set(r.planId, [r]);
  }
  const bySig = new Map<string, IndicatorNode[]>();
  for (const [sig, planId] of representative) bySig.set(sig, buildTree(nodesOf.get(planId) ?? []));
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
