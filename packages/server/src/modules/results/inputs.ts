import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import { PgDialect, type AnyPgColumn } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  DEFAULT_GRADE_SCHEME,
  SLOT_UNVERIFIED,
  type CompiledTree,
  type Rating,
  type SlotInputs,
} from '@perfcommons/domain';
import { rowsOf, type DbOrTx } from '../../db/client';
import { inlineParams } from '../../db/bulk';
import { copyOutRows, uuidText } from '../../lib/copy-out';
import {
  actualValues,
  planInputVersions,
  plans as plansTable,
  ratings,
  resultInputs,
  results,
  surveys,
  surveyVersions,
} from '../../db/schema';
import { linkageFindings } from '../../db/schema-linkage';
import { canonicalJson, sha256 } from '../../lib/hash';
import type { CycleRow } from '../cycles/service';
import type { CycleRules } from '../evaluation/rules';
import type { FrozenRules } from '../evaluation/service';
import { surveyInputsForCycle } from '../surveys/analysis';

/**
 * What scores a plan: its verified values (one per indicator: the period matching the cycle's year,
 * else the latest verified one), its ratings, and the published surveys' satisfaction estimates that
 * join the public panel. Read the same way by the bulk compute and by the explanation of one result,
 * so that both score the same inputs.
 */
export interface InputVisitor {
  /** A verified value; several periods of one indicator arrive in any order: keep one by {@link preferPeriod}. */
  value(planId: string, code: string, period: string, value: number): void;
  rating(planId: string, code: string, rating: Rating): void;
  /**
   * The indicator has a value reported but not verified (pending or rejected) in some period: if
   * no verified value scores it, it is missing as 'unverified' rather than 'unreported'.
   */
  unverified(planId: string, code: string): void;
  /** A survey of the plan is under way: its public panels await the estimate ('no_estimate'). */
  estimatePending(planId: string): void;
  /**
   * Points of the active findings (audit, inspection, finance) on a deduction item, visited after
   * the item's verified value (if any), to which they add.
   */
  findings(planId: string, code: string, points: number): void;
}

/**
 * Whether a verified value of `period` replaces the one chosen so far (of `chosen`, if any): the
 * period of the cycle's year wins, else the latest period.
 */
export function preferPeriod(chosen: string | undefined, period: string, annualPeriod: string): boolean {
  return chosen === undefined || period === annualPeriod || (chosen !== annualPeriod && period > chosen);
}

/**
 * The plans a read covers. A short list goes into the statement (index look-ups); a large one, inside
 * a transaction, goes into a temporary table that the planner can size, so it scans each table once
 * with a hash join instead of probing the index per plan, and rows come through a cursor in batches.
 */
export interface PlanSet {
  ids: string[];
  bulk: boolean;
  where(column: AnyPgColumn): SQL;
}

export const planList = (ids: string[]): PlanSet => ({
  ids,
  bulk: false,
  where: (column) => inArray(column, ids),
});

/** A temporary table of plan ids, dropped at commit; call inside a transaction. */
export async function planTable(tx: DbOrTx, ids: string[]): Promise<PlanSet> {
  await tx.execute(
    sql`create temp table if not exists pc_compute_plans (id uuid primary key) on commit drop`,
  );
  await tx.execute(sql`delete from pc_compute_plans`);
  await tx.execute(
    sql`insert into pc_compute_plans select unnest(string_to_array(${ids.join(',')}, ','))::uuid`,
  );
  await tx.execute(sql`analyze pc_compute_plans`);
  return { ids, bulk: true, where: (column) => sql`${column} in (select id from pc_compute_plans)` };
}

/** Runs `query` and hands its rows to `each`: at once, or for a bulk set through a cursor in batches. */
async function eachRow<T>(tx: DbOrTx, plans: PlanSet, query: SQL, each: (row: T) => void) {
  if (!plans.bulk) {
    for (const r of await rowsOf<T>(tx, query)) each(r);
    return;
  }
  await tx.execute(sql`declare pc_inputs no scroll cursor for ${query}`);
  for (;;) {
    const batch = await rowsOf<T>(tx, sql`fetch 50000 from pc_inputs`);
    for (const r of batch) each(r);
    if (batch.length < 50000) break;
  }
  await tx.execute(sql`close pc_inputs`);
}

/** Streams the verified values and the ratings of a set of plans into `visit`. */
export async function readInputs(
  tx: DbOrTx,
  cycle: CycleRow,
  plans: PlanSet,
  surveys: SurveyFeeds,
  visit: InputVisitor,
): Promise<void> {
  if (plans.ids.length === 0) return;
  // Unordered: the visitor keeps one value per indicator (preferPeriod), so no sort is needed.
  await eachRow<{ plan_id: string; code: string; period: string; value: number }>(
    tx,
    plans,
    sql`select plan_id, indicator_code as code, period, value
        from actual_values where ${plans.where(actualValues.planId)} and status = 'verified'`,
    (v) => visit.value(v.plan_id, v.code, v.period, v.value),
  );
  await eachRow<{ plan_id: string; code: string }>(
    tx,
    plans,
    sql`select distinct plan_id, indicator_code as code
        from actual_values where ${plans.where(actualValues.planId)} and status <> 'verified'`,
    (v) => visit.unverified(v.plan_id, v.code),
  );
  await eachRow<{ plan_id: string; code: string; points: number }>(
    tx,
    plans,
    // In the item's units: a perUnit item multiplies its value by its points per unit again.
    sql`select linkage_findings.plan_id, linkage_findings.indicator_code as code,
          sum(linkage_findings.points)::float8 / coalesce(max(case when n.rule ->> 'type' = 'perUnit'
            then nullif((n.rule ->> 'points')::float8, 0) end), 1) as points
        from linkage_findings
        join indicator_nodes n on n.plan_id = linkage_findings.plan_id and n.code = linkage_findings.indicator_code
        where ${plans.where(linkageFindings.planId)} and linkage_findings.status = 'active'
        group by linkage_findings.plan_id, linkage_findings.indicator_code`,
    (f) => visit.findings(f.plan_id, f.code, Number(f.points)),
  );
  // By plan only: a plan's ratings are all of its cycle. Rater ids do not enter a score.
  await eachRow<{ plan_id: string; code: string; subject: string; score: number; weight: number }>(
    tx,
    plans,
    sql`select plan_id, indicator_code as code, subject_type as subject, score, weight
        from ratings where ${plans.where(ratings.planId)}`,
    (r) =>
      visit.rating(r.plan_id, r.code, {
        subject: r.subject as Rating['subject'],
        score: r.score,
        weight: r.weight,
      }),
  );
  for (const planId of plans.ids) surveyInputs(planId, surveys, visit);
}

/** Separators inside the packed keys of a bulk read (no code, period or subject holds a control character). */
const ENTRY = '\x1e';
const FIELD = '\x1f';

/**
 * Settings of a bulk read: one row per plan, in plan order, in one of two ways. (The order of a
 * plan's rows within its row does not change a figure: a panel sums its ratings by score and weight.)
 * - INDEX_WALK: a walk of the table's unique index, index-only (migration 0037 carries the value and
 *   status, the score and weight in it), into a group aggregate, so that each plan's row is handed
 *   out as soon as its entries are read and the compute scores a chunk of plans while the database
 *   reads the next.
 * - HASHED_SCAN: one scan of the table into a hash aggregate by plan, whose rows are then sorted:
 *   nothing is handed out before the whole table is read. Taken when many pages changed since the
 *   table was last vacuumed ({@link walkIndex}): the walk would fetch each of their rows from the
 *   table, at random.
 */
const COMMON_SETTINGS = [
  sql`set local max_parallel_workers_per_gather = 0`,
  sql`set local enable_bitmapscan = off`,
  sql`set local jit = off`,
];
const INDEX_WALK = [
  ...COMMON_SETTINGS,
  sql`set local enable_seqscan = off`,
  sql`set local enable_hashagg = off`,
  sql`set local enable_sort = off`,
];
const HASHED_SCAN = [
  ...COMMON_SETTINGS,
  sql`set local enable_indexscan = off`,
  sql`set local enable_indexonlyscan = off`,
  sql`set local work_mem = '256MB'`,
];
/** The settings above, set back to their defaults (PGlite reads in the compute's transaction). */
const BULK_READ_RESET = [
  'max_parallel_workers_per_gather',
  'enable_bitmapscan',
  'jit',
  'enable_seqscan',
  'enable_hashagg',
  'enable_sort',
  'enable_indexscan',
  'enable_indexonlyscan',
];
/** Share of a table's pages changed since its last vacuum from which a bulk read sorts a scan. */
const STALE_SHARE = 0.1;

/**
 * Whether a bulk read of `table` walks its index ({@link INDEX_WALK}): unless the pages changed
 * since its last vacuum, estimated from the statistics (each dead row version on a page of its
 * own, the rows inserted since on pages of their own at the table's density), are more than
 * {@link STALE_SHARE} of its pages. A table without statistics (never analysed) is walked.
 */
async function walkIndex(query: (text: string) => Promise<{ rows: unknown[] }>, table: string) {
  const { rows } = await query(
    `select c.relpages::float8 as pages, c.reltuples::float8 as tuples,
            coalesce(s.n_dead_tup, 0)::float8 as dead, coalesce(s.n_ins_since_vacuum, 0)::float8 as inserted
       from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
      where c.oid = '${table}'::regclass`,
  );
  const [r] = rows as { pages: number; tuples: number; dead: number; inserted: number }[];
  if (!r || !(r.pages > 0) || !(r.tuples > 0)) return true;
  const changed = r.dead + r.inserted / (r.tuples / r.pages);
  return changed <= STALE_SHARE * r.pages;
}

/**
 * A plan's values or ratings in one row: keys joined by separators, numbers as their float8send
 * bytes (big-endian doubles, one per key).
 */
interface PackedRow {
  plan_id: string;
  keys: string;
  /** Values: the value of each key; ratings: the score of each key. */
  data: Uint8Array;
  /** Ratings: the weight of each key. */
  weights?: Uint8Array;
}

/** Packed rows given out at most per {@link PackedStream.next} (each made when it is asked for). */
const CHUNK = 500;
/**
 * Bytes of a read received ahead of the rows taken, past which its stream is paused (the socket's
 * buffers come on top): about 1,500 plans' ratings at province scale.
 */
const READ_AHEAD = 4 << 20;

/** Packed rows in plan id order, a chunk at a time; null once all are given. */
export interface PackedStream {
  next(): Promise<PackedRow[] | null>;
}

/** The packed reads of a bulk set: its values and its ratings, by plan in plan id order. */
export interface PackedInputs {
  /** The plans the reads cover. */
  ids: string[];
  values: PackedStream;
  ratings: PackedStream;
  /** Ends the reads (their connections back to the pool); call when done, also after a failure. */
  close(): Promise<void>;
}

/**
 * The two large reads of a bulk set, one row per plan, in plan id order: values (code, and when it
 * is not a verified value of the cycle's year, its period and whether it is verified; the value) and
 * ratings (code and subject; score; weight). Each is a walk of the table's unique index in plan
 * order that hands out a plan's row as soon as its entries are read (INDEX_WALK; HASHED_SCAN when the
 * table has many pages changed since its last vacuum). On PostgreSQL both start at once, each a
 * `COPY … TO STDOUT` in binary format on a pool connection of its own that imports the snapshot of
 * the compute's transaction (`pg_export_snapshot`, `SET TRANSACTION SNAPSHOT`), so both see what the
 * transaction sees, while the transaction goes on with other reads. Their bytes are taken as they
 * come, up to {@link READ_AHEAD} ahead of the rows asked for, and made into rows ({@link CHUNK} at a
 * time) only when asked for: until then a read is held as received buffers, off the JavaScript heap,
 * and the database reads on while the compute scores. (The text protocol made every row's fields
 * strings on arrival, numbers in base64: a rescore of a province promoted 130 MB of them through
 * the young generation.) PGlite (one connection) runs them in turn inside the transaction when the
 * first chunk is asked for, whole.
 */
export function startPackedReads(
  db: DbOrTx,
  tx: DbOrTx,
  ids: string[],
  annualPeriod: string,
  /** How the reads go (tests pick one): by the tables' statistics ({@link walkIndex}) unless told. */
  mode: 'auto' | 'walk' | 'hashed' = 'auto',
): PackedInputs {
  const list = sql`${`{${ids.join(',')}}`}::uuid[]`;
  // Every value of the plans. A verified value of the cycle's year (nearly all) is keyed by its code
  // alone; others by code and period, and a key ending in a separator is a value not verified.
  // Each read has two forms, for the two settings above: grouped as the index walk hands the rows
  // out, or aggregated by hash first (materialized: planned on its own) and only then sorted.
  const twoWays = (query: SQL) => ({
    walk: sql`${query} group by plan_id order by plan_id`,
    hashed: sql`with packed as materialized (${query} group by plan_id) select * from packed order by plan_id`,
  });
  // Every value of the plans. A verified value of the cycle's year (nearly all) is keyed by its code
  // alone; others by code and period, and a key ending in a separator is a value not verified.
  const valuesQuery = twoWays(sql`select plan_id,
        string_agg(case when period = ${annualPeriod} and status = 'verified' then indicator_code
          else indicator_code || ${FIELD} || period || case when status = 'verified' then '' else ${FIELD} end
          end, ${ENTRY}) as keys,
        string_agg(float8send(value), ''::bytea) as data
      from actual_values where plan_id = any(${list})`);
  const ratingsQuery =
    twoWays(sql`select plan_id, string_agg(indicator_code || ${FIELD} || subject_type, ${ENTRY}) as keys,
        string_agg(float8send(score), ''::bytea) as data,
        string_agg(float8send(weight), ''::bytea) as weights
      from ratings where plan_id = any(${list})`);
  const client = (db as unknown as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) {
    const snapshot = rowsOf<{ snapshot: string }>(tx, sql`select pg_export_snapshot() as snapshot`);
    const dialect = new PgDialect();
    const reader = (query: { walk: SQL; hashed: SQL }, table: string) => {
      let conn: pg.PoolClient | undefined;
      let released = false;
      const release = async (ok: boolean) => {
        if (!conn || released) return;
        released = true;
        try {
          await conn.query(ok ? 'commit' : 'rollback');
          conn.release();
        } catch (err) {
          conn.release(err instanceof Error ? err : true);
        }
      };
      // The rows come by COPY in binary format (bytea as its bytes, no base64), read as they come,
      // each made into a row only when it is asked for: a read's bytes stay off the JavaScript heap
      // until then. The chunks received (up to READ_AHEAD, then the stream is paused) and the
      // socket's buffers hold the read-ahead, so the database goes on reading while the compute does
      // other work or scores, and waits when the compute lags.
      let rows: ReturnType<typeof copyOutRows> | undefined;
      let ended = false;
      const opened = (async () => {
        const [{ snapshot: id }] = await snapshot;
        conn = await client.connect();
        await conn.query('begin isolation level repeatable read read only');
        await conn.query(`set transaction snapshot '${id.replace(/'/g, "''")}'`);
        const walk = mode === 'auto' ? await walkIndex((text) => conn!.query(text), table) : mode === 'walk';
        for (const s of walk ? INDEX_WALK : HASHED_SCAN) await conn.query(dialect.sqlToQuery(s).sql);
        // COPY takes no parameters: they are written in as literals.
        const text = inlineParams(dialect.sqlToQuery(walk ? query.walk : query.hashed));
        rows = copyOutRows(conn.query(copyTo(`copy (${text}) to stdout with (format binary)`)), READ_AHEAD);
      })();
      opened.catch(() => undefined);
      const rowOf = (f: (Buffer | null)[]): PackedRow => {
        if (
          f.length < 3 ||
          f[0] === null ||
          f[1] === null ||
          f[2] === null ||
          (f.length > 3 && f[3] === null)
        )
          throw new Error(`packed inputs: a row of ${f.length} fields with a null`);
        return {
          plan_id: uuidText(f[0]),
          keys: f[1].toString('utf8'),
          data: f[2],
          ...(f.length > 3 && { weights: f[3]! }),
        };
      };
      return {
        stream: {
          async next(): Promise<PackedRow[] | null> {
            if (ended) return null;
            await opened;
            const batch = await rows!.next(CHUNK);
            if (batch) return batch.map(rowOf);
            ended = true;
            await release(true);
            return null;
          },
        },
        close: async () => {
          await opened.catch(() => undefined);
          if (ended || !conn || released) return;
          if (!rows) return release(false);
          // Cut short (a failure elsewhere, or of this read) once the COPY started: it cannot be
          // rolled back from this side, so the connection is closed (its backend ends with it).
          released = true;
          conn.release(true);
        },
      };
    };
    const values = reader(valuesQuery, 'actual_values');
    const ratings = reader(ratingsQuery, 'ratings');
    return {
      ids,
      values: values.stream,
      ratings: ratings.stream,
      close: async () => {
        await Promise.all([values.close(), ratings.close()]);
      },
    };
  }
  // PGlite: both reads when the first chunk is asked for, in the transaction.
  let whole: Promise<{ values: PackedRow[]; ratings: PackedRow[] }> | undefined;
  const read = () =>
    (whole ??= (async () => {
      // (Its tables are small and never vacuumed by others: the walk, unless told otherwise.)
      const form = mode === 'hashed' ? 'hashed' : 'walk';
      for (const s of form === 'walk' ? INDEX_WALK : HASHED_SCAN) await tx.execute(s);
      const values = await rowsOf<PackedRow>(tx, valuesQuery[form]);
      const ratings = await rowsOf<PackedRow>(tx, ratingsQuery[form]);
      // Back to the settings of the transaction for what follows.
      for (const name of BULK_READ_RESET) await tx.execute(sql.raw(`set local ${name} to default`));
      return { values, ratings };
    })());
  const once = (pick: (r: { values: PackedRow[]; ratings: PackedRow[] }) => PackedRow[]): PackedStream => {
    let given = false;
    return {
      async next() {
        if (given) return null;
        given = true;
        const rows = pick(await read());
        return rows.length ? rows : null;
      },
    };
  };
  return {
    ids,
    values: once((r) => r.values),
    ratings: once((r) => r.ratings),
    close: async () => {
      await whole?.catch(() => undefined);
    },
  };
}

/**
 * The keys of packed rows split into their two fields, by the whole key list: plans issued from one
 * scheme list the same keys in the same order, so most rows reuse a split list instead of making
 * strings of their own. A key without a separator is a verified value of the cycle's year (`annual`).
 * Bounded: past `limit` lists, new ones are split without being kept.
 */
function keySplitter(annual: string, limit = 5000) {
  const lists = new Map<string, [string, string][]>();
  const pairs = new Map<string, [string, string]>();
  return (keys: string): [string, string][] => {
    const known = lists.get(keys);
    if (known) return known;
    const list = keys.split(ENTRY).map((key) => {
      let p = pairs.get(key);
      if (!p) {
        const at = key.indexOf(FIELD);
        p = at < 0 ? [key, annual] : [key.slice(0, at), key.slice(at + 1)];
        if (pairs.size < limit * 10) pairs.set(key, p);
      }
      return p;
    });
    if (lists.size < limit) lists.set(keys, list);
    return list;
  };
}

/** A packed column as a view of float8 numbers, checked against the number of keys. */
function float8s(row: PackedRow, bytes: Uint8Array, keys: number): DataView {
  if (keys * 8 !== bytes.byteLength)
    throw new Error(`packed inputs of plan ${row.plan_id}: ${keys} keys for ${bytes.byteLength} bytes`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Where the ratings of one packed key list go in one compiled tree's packed ratings (grouped by
 * slot, in their order within a slot): per key its position (-1: no slot), the slot offsets and the
 * subjects. Made once per key list and tree, as plans issued from one scheme share both.
 */
interface Layout {
  at: Int32Array;
  start: Int32Array;
  subject: Rating['subject'][];
}
const layouts = new WeakMap<readonly [string, string][], Map<CompiledTree, Layout>>();

function layoutOf(tree: CompiledTree, keys: readonly [string, string][]): Layout {
  let byTree = layouts.get(keys);
  if (!byTree) layouts.set(keys, (byTree = new Map()));
  const known = byTree.get(tree);
  if (known) return known;
  const slots = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) slots[i] = tree.slotOf(keys[i][0]) ?? -1;
  // A counting sort by slot: stable, so each slot keeps its ratings in the row's order.
  const start = new Int32Array(tree.codes.length + 1);
  for (const s of slots) if (s >= 0) start[s + 1]++;
  for (let s = 0; s < tree.codes.length; s++) start[s + 1] += start[s];
  const next = start.slice(0, tree.codes.length);
  const at = new Int32Array(keys.length);
  const subject: Rating['subject'][] = new Array(start[tree.codes.length]);
  for (let i = 0; i < keys.length; i++) {
    const s = slots[i];
    if (s < 0) at[i] = -1;
    else {
      at[i] = next[s]++;
      subject[at[i]] = keys[i][1] as Rating['subject'];
    }
  }
  const layout = { at, start, subject };
  byTree.set(tree, layout);
  return layout;
}

/** Periods chosen per slot while one plan's packed values are set (reused plan after plan). */
const chosenPeriods: (string | undefined)[] = [];

/**
 * Per compiled tree, the slot of the key that followed each slot's key in the last value key list
 * read (index 0: the first key; slot s at s + 1; -1: none yet). Plans issued from one scheme list
 * their values in the same order, save a few (missing, unverified, of another year), so the next
 * key is nearly always the one that followed last time: it is checked in place, without a string
 * of its own or a hash look-up, and only a key that is not the expected one is cut and looked up.
 */
const successors = new WeakMap<CompiledTree, Int32Array>();

/**
 * Sets one plan's packed values into its slot inputs: each key's value by {@link preferPeriod},
 * a key of a value not verified as a flag. Keys of codes the tree lacks are passed over.
 */
function setValues(tree: CompiledTree, inputs: SlotInputs, row: PackedRow, annual: string) {
  const keys = row.keys;
  const bytes = row.data;
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let next = successors.get(tree);
  if (!next) successors.set(tree, (next = new Int32Array(tree.codes.length + 1).fill(-1)));
  const codes = tree.codes;
  chosenPeriods.length = 0;
  let after = 0;
  let count = 0;
  for (let pos = 0; pos <= keys.length; count++) {
    let end = keys.indexOf(ENTRY, pos);
    if (end < 0) end = keys.length;
    // The code ends at the key's end or at its first separator (a period follows).
    let slot = next[after];
    let codeEnd = -1;
    if (slot >= 0) {
      const code = codes[slot];
      codeEnd = pos + code.length;
      if (!(codeEnd <= end && keys.startsWith(code, pos) && (codeEnd === end || keys[codeEnd] === FIELD)))
        slot = -1;
    }
    if (slot < 0) {
      const at = keys.indexOf(FIELD, pos);
      codeEnd = at >= 0 && at < end ? at : end;
      slot = tree.slotOf(keys.slice(pos, codeEnd)) ?? -1;
      if (slot >= 0) next[after] = slot;
    }
    after = slot + 1;
    if (slot >= 0 && count * 8 < bytes.byteLength) {
      const period = codeEnd === end ? annual : keys.slice(codeEnd + 1, end);
      if (period.endsWith(FIELD)) inputs.flags![slot] |= SLOT_UNVERIFIED;
      else if (preferPeriod(chosenPeriods[slot], period, annual)) {
        chosenPeriods[slot] = period;
        inputs.values[slot] = data.getFloat64(count * 8);
      }
    }
    pos = end + 1;
  }
  if (count * 8 !== bytes.byteLength)
    throw new Error(`packed inputs of plan ${row.plan_id}: ${count} keys for ${bytes.byteLength} bytes`);
}

/**
 * {@link readInputs} for a large set of plans, plan by plan, straight into each plan's slot inputs
 * (`slotsOf`): values (by {@link preferPeriod}) and unverified flags, then findings, ratings packed
 * as arrays in the table's order (no object per rating), survey estimates after them (through
 * `visit`, as readInputs gives them), then `done(planId)`, so the caller scores the plan and lets its
 * inputs go. Values and ratings come packed, one row per plan ({@link startPackedReads}, started by
 * the caller so that they run while it reads what else it needs).
 */
export async function readInputsByPlan(
  tx: DbOrTx,
  plans: PlanSet,
  packed: PackedInputs,
  annualPeriod: string,
  surveys: SurveyFeeds,
  slotsOf: (planId: string) => { tree: CompiledTree; inputs: SlotInputs },
  visit: InputVisitor,
  done: (planId: string) => void,
  /**
   * Called once the transaction is no longer needed (the findings are read), before the plans are
   * scored from the packed reads: the caller may run its own reads on the transaction meanwhile.
   */
  onTransactionFree?: () => void,
): Promise<void> {
  if (plans.ids.length === 0) return onTransactionFree?.();
  const findings = new Map<string, { code: string; points: number }[]>();
  for (const f of await rowsOf<{ plan_id: string; code: string; points: number }>(
    tx,
    sql`select linkage_findings.plan_id, linkage_findings.indicator_code as code,
          sum(linkage_findings.points)::float8 / coalesce(max(case when n.rule ->> 'type' = 'perUnit'
            then nullif((n.rule ->> 'points')::float8, 0) end), 1) as points
        from linkage_findings
        join indicator_nodes n on n.plan_id = linkage_findings.plan_id and n.code = linkage_findings.indicator_code
        where ${plans.where(linkageFindings.planId)} and linkage_findings.status = 'active'
        group by linkage_findings.plan_id, linkage_findings.indicator_code`,
  ))
    (findings.get(f.plan_id) ?? findings.set(f.plan_id, []).get(f.plan_id)!).push({
      code: f.code,
      points: Number(f.points),
    });
  onTransactionFree?.();
  const ratingKeys = keySplitter(annualPeriod);
  // Plans in plan id order, as the packed rows come (uuid order is that of the lowercase hex text).
  const head = (stream: PackedStream) => {
    let rows: PackedRow[] = [];
    let at = 0;
    let ended = false;
    return async (planId: string): Promise<PackedRow | undefined> => {
      for (;;) {
        // Rows of plans not in the set (a read of the whole cycle) are passed over.
        while (at < rows.length && rows[at].plan_id < planId) at++;
        if (at < rows.length || ended) break;
        const chunk = await stream.next();
        if (chunk) [rows, at] = [chunk, 0];
        else [rows, at, ended] = [[], 0, true];
      }
      return at < rows.length && rows[at].plan_id === planId ? rows[at++] : undefined;
    };
  };
  const nextValues = head(packed.values);
  const nextRatings = head(packed.ratings);
  for (const planId of [...plans.ids].sort()) {
    const { tree, inputs } = slotsOf(planId);
    const values = await nextValues(planId);
    if (values) setValues(tree, inputs, values, annualPeriod);
    for (const f of findings.get(planId) ?? []) visit.findings(planId, f.code, f.points);
    const ratings = await nextRatings(planId);
    if (ratings) {
      const keys = ratingKeys(ratings.keys);
      const scores = float8s(ratings, ratings.data, keys.length);
      const weights = float8s(ratings, ratings.weights!, keys.length);
      const { at, start, subject } = layoutOf(tree, keys);
      const score = new Float64Array(subject.length);
      const weight = new Float64Array(subject.length);
      for (let i = 0; i < keys.length; i++) {
        const to = at[i];
        if (to < 0) continue;
        score[to] = scores.getFloat64(i * 8);
        weight[to] = weights.getFloat64(i * 8);
      }
      inputs.packed = { start, subject, score, weight };
    }
    surveyInputs(planId, surveys, visit);
    done(planId);
  }
  // Both reads to their end (past the last plan's row, only the COPY's trailer is left), so that
  // their transactions commit and their connections go back to the pool (cut short, they are closed).
  for (const stream of [packed.values, packed.ratings]) while (await stream.next());
}

/** The survey inputs of one plan: a pending estimate, the published estimates in the public panel. */
function surveyInputs(planId: string, surveys: SurveyFeeds, visit: InputVisitor) {
  if (surveys.pending.has(planId)) visit.estimatePending(planId);
  for (const f of surveys.byPlan.get(planId) ?? [])
    // Published satisfaction surveys join the public panel, weighted by their effective sample
    // size, as estimates: never trimmed away like one outlying rater.
    visit.rating(planId, f.indicatorCode, {
      subject: 'public',
      score: f.score,
      weight: f.weight,
      raterId: f.raterId,
      estimate: true,
    });
}

/**
 * The published surveys' estimates of a cycle by plan, the plans still awaiting one, and a digest
 * per plan of both for the inputs key.
 */
export interface SurveyFeeds {
  byPlan: Map<string, { indicatorCode: string; score: number; weight: number; raterId: string }[]>;
  /** Plans a survey of the cycle in fieldwork or closed (not yet published) asks about. */
  pending: Set<string>;
  digest(planId: string): string;
}

/**
 * Plans named by the questionnaires (latest version) of the cycle's surveys in fieldwork or closed:
 * their estimate is on its way, so their public panels are not final. A draft survey is not counted
 * (it may never be fielded), nor a published one (its estimate, if any, is in the feeds).
 */
async function pendingSurveyPlans(tx: DbOrTx, cycleId: string): Promise<Set<string>> {
  const rows = await rowsOf<{ plan_id: string }>(
    tx,
    sql`select distinct coalesce(q ->> 'planId', it ->> 'planId') as plan_id
        from ${surveys} s
        join lateral (select definition from ${surveyVersions} v where v.survey_id = s.id
                      order by v.version desc limit 1) d on true
        cross join lateral jsonb_array_elements(coalesce(d.definition -> 'sections', '[]'::jsonb)) sec
        cross join lateral jsonb_array_elements(coalesce(sec -> 'questions', '[]'::jsonb)) q
        left join lateral jsonb_array_elements(coalesce(q -> 'items', '[]'::jsonb)) it on true
        where s.cycle_id = ${cycleId} and s.status in ('fielding', 'closed')`,
  );
  return new Set(rows.map((r) => r.plan_id).filter((id): id is string => !!id));
}

export async function surveyFeeds(tx: DbOrTx, cycleId: string): Promise<SurveyFeeds> {
  const byPlan: SurveyFeeds['byPlan'] = new Map();
  for (const f of await surveyInputsForCycle(tx, cycleId)) {
    const list = byPlan.get(f.planId) ?? [];
    list.push({ indicatorCode: f.indicatorCode, score: f.score, weight: f.weight, raterId: f.raterId });
    byPlan.set(f.planId, list);
  }
  const pending = await pendingSurveyPlans(tx, cycleId);
  const digests = new Map([...byPlan].map(([id, list]) => [id, sha256(canonicalJson(list)).slice(0, 16)]));
  return {
    byPlan,
    pending,
    digest: (planId) => `${digests.get(planId) ?? '-'}${pending.has(planId) ? 'p' : ''}`,
  };
}

/** The scoring options of a cycle's rules (shared by the compute and the explanation). */
export const scoreOptions = (rules: CycleRules) => ({
  trimEachSide: rules.trimEachSide,
  minRaters: rules.minRaters,
  missingData: rules.missingData,
});

/** Current inputs counters (plan_input_versions) of the given plans; absent = 0. */
export async function inputVersions(tx: DbOrTx, planIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < planIds.length; i += 5000) {
    const rows = await tx
      .select()
      .from(planInputVersions)
      .where(inArray(planInputVersions.planId, planIds.slice(i, i + 5000)));
    for (const r of rows) out.set(r.planId, r.version);
  }
  return out;
}

/**
 * The inputs counters (plan_input_versions) and the keys recorded by rescores that reproduced stored
 * results (result_inputs) of every plan of a cycle, in one statement: what {@link inputVersions} and
 * {@link confirmedKeys} answer for the cycle's plans, without a parameter per plan. With them, the
 * cycle's approved and closed plans (`scored`): id, version and the inputs key of the stored result
 * (null: none), which tell the plans to rescore before the plans and results are read in full.
 */
export async function cycleInputStates(
  tx: DbOrTx,
  cycleId: string,
): Promise<{
  versions: Map<string, number>;
  confirmed: Map<string, string>;
  scored: { id: string; version: number; inputsKey: string | null }[];
}> {
  const rows = await rowsOf<{
    id: string;
    plan_version: number;
    scored: boolean;
    version: number | null;
    confirmed: string | null;
    stored: string | null;
  }>(
    tx,
    sql`select p.id, p.version as plan_version, p.status in ('approved', 'closed') as scored,
          v.version, ri.inputs_key as confirmed, r.inputs_key as stored
        from ${plansTable} p
        left join ${planInputVersions} v on v.plan_id = p.id
        left join ${resultInputs} ri on ri.plan_id = p.id
        left join ${results} r on r.plan_id = p.id
        where p.cycle_id = ${cycleId}`,
  );
  const versions = new Map<string, number>();
  const confirmed = new Map<string, string>();
  const scored: { id: string; version: number; inputsKey: string | null }[] = [];
  for (const r of rows) {
    if (r.version !== null) versions.set(r.id, Number(r.version));
    if (r.confirmed !== null) confirmed.set(r.id, r.confirmed);
    if (r.scored) scored.push({ id: r.id, version: Number(r.plan_version), inputsKey: r.stored });
  }
  return { versions, confirmed, scored };
}

/** Digest of everything in a cycle's rules and grade scheme (any change rescores and rewrites). */
const rulesDigest = (rules: CycleRules, scheme: unknown) =>
  sha256(canonicalJson({ rules, scheme })).slice(0, 16);

/**
 * The key of what a plan's own score was computed from: tree version, inputs counter, frozen rules
 * version with a digest of its rules and grade scheme, surveys. Equal keys ⇒ equal inputs ⇒ the
 * stored own score still holds. Used by the compute, the explanation and cycleResultStatus, so that
 * all name the same inputs alike.
 */
export function inputsKeys(
  frozen: Pick<FrozenRules, 'version' | 'rules' | 'gradeScheme'>,
  surveys: SurveyFeeds,
  versions: Map<string, number>,
): (plan: { id: string; version: number }) => string {
  const rulesKey = `${frozen.version}-${rulesDigest(frozen.rules, frozen.gradeScheme ?? DEFAULT_GRADE_SCHEME)}`;
  return (plan) => `t${plan.version}.i${versions.get(plan.id) ?? 0}.r${rulesKey}.s${surveys.digest(plan.id)}`;
}

/**
 * Inputs keys recorded by rescores that reproduced stored results (result_inputs), by plan: of the
 * plans of a cycle, or of one plan.
 */
export async function confirmedKeys(
  tx: DbOrTx,
  of: { cycleId: string } | { planId: string },
): Promise<Map<string, string>> {
  const rows = await tx
    .select({ planId: resultInputs.planId, inputsKey: resultInputs.inputsKey })
    .from(resultInputs)
    .innerJoin(plansTable, eq(plansTable.id, resultInputs.planId))
    .where('cycleId' in of ? eq(plansTable.cycleId, of.cycleId) : eq(plansTable.id, of.planId));
  return new Map(rows.map((r) => [r.planId, r.inputsKey]));
}

/**
 * Whether a stored result still holds for the inputs of `key`: it was computed from them (its own
 * inputs key), or a later rescore from them reproduced it (the key recorded in result_inputs).
 */
export function resultHolds(
  stored: { planId: string; inputsKey: string } | undefined,
  confirmed: Map<string, string>,
  key: string,
): boolean {
  return stored !== undefined && (stored.inputsKey === key || confirmed.get(stored.planId) === key);
}
