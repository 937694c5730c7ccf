import { inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from '../../../db/client';
import { canonicalJson, sha256 } from '../../../lib/hash';

/** Hash of an audited row as the platform stored it. */
export const entityHash = (row: unknown) => sha256(canonicalJson(row));

/** The entity hash recorded for an entity that does not exist (deleted, or a set left empty). */
export const ABSENT = 'absent';

/** Id → hash of the current rows (all, or the given ids). */
export type Hasher = (db: DbOrTx, ids?: string[]) => Promise<Map<string, string>>;

export interface Covered {
  /** Entity type as written in audit_log.entity_type. */
  type: string;
  /** Tables whose rows the hash covers. */
  tables: string[];
  /** The key the entity id is (the row's id, or the column grouping a set). */
  key: string;
  how: 'row' | 'set' | 'sql-row';
  /** What is hashed, for SECURITY.md. */
  covers: string;
  /** Who appends its entries. */
  writers: string;
  hashes: Hasher;
  /** Entity types snapshotted along with this one, by the same id, when they changed. */
  companions?: string[];
  /** The hash of "no rows" (a plan without nodes), when that is a state rather than an absence. */
  empty?: string;
  /** Rows may exist without an entry of their own yet (a new plan's empty tree). */
  entryOptional?: boolean;
  /**
   * A hash definition that replaced an earlier one: current hashes start with `prefix`; an entry
   * recorded before (a hash without it, other than {@link ABSENT} and `empty`) is checked with
   * `hashes`, the earlier definition.
   */
  legacy?: { prefix: string; hashes: Hasher };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids that can name a row of a uuid-keyed table (a failed login names a user by the name typed). */
export const isUuid = (id: string) => UUID.test(id);

const idList = (ids: string[]) => sql`string_to_array(${ids.join(',')}, ',')::uuid[]`;

/** Row hashes of a table, selected whole or through a projection, keyed by a column. */
export function rows(
  table: PgTable,
  keyColumn: PgColumn,
  opts: { projection?: Record<string, PgColumn>; map?: (row: Record<string, unknown>) => unknown } = {},
): Hasher {
  return async (db, ids) => {
    if (ids && ids.length === 0) return new Map();
    const chunks = ids
      ? Array.from({ length: Math.ceil(ids.length / 5000) }, (_, i) => ids.slice(i * 5000, i * 5000 + 5000))
      : [undefined];
    const out = new Map<string, string>();
    for (const chunk of chunks) {
      const q = opts.projection ? db.select(opts.projection).from(table) : db.select().from(table);
      const found = (await (chunk ? q.where(inArray(keyColumn, chunk)) : q)) as Record<string, unknown>[];
      const key = Object.entries(opts.projection ?? (table as unknown as Record<string, PgColumn>)).find(
        ([, c]) => c === keyColumn,
      )?.[0];
      for (const r of found) out.set(String(r[key!]), entityHash(opts.map ? opts.map(r) : r));
    }
    return out;
  };
}

/**
 * Hashes computed by the database: `query(where)` selects `key` and `hash` (the SHA-256 of a canonical
 * text), restricted by `where` to the given keys.
 */
export function inDb(query: (where: (column: SQL) => SQL) => SQL): Hasher {
  return async (db, ids) => {
    if (ids && ids.length === 0) return new Map();
    const list = await rowsOf<{ key: string; hash: string }>(
      db,
      query((column) => (ids ? sql`${column} = any(${idList(ids)})` : sql`true`)),
    );
    return new Map(list.map((r) => [String(r.key), r.hash]));
  };
}

/** SHA-256 (hex) of a text expression, in SQL. */
export const hashSql = (text: SQL) => sql`encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`;
/** A timestamp as integer microseconds since the epoch (exact, whatever the session's time zone). */
export const micros = (column: string) => `(extract(epoch from ${column}) * 1000000)::bigint`;

/**
 * A set of rows grouped by `keyColumn`, each row as a jsonb array, in `order`, lines joined by a line
 * break; the hash is preceded by `prefix` when given.
 */
export const setOf = (table: string, keyColumn: string, fields: string, order: string, prefix = ''): Hasher =>
  inDb(
    (where) => sql`select ${sql.raw(keyColumn)} as key,
      ${sql.raw(prefix ? `'${prefix}' || ` : '')}${hashSql(sql.raw(`string_agg(jsonb_build_array(${fields})::text, E'\\n' order by ${order})`))} as hash
      from ${sql.raw(table)} where ${where(sql.raw(keyColumn))} group by ${sql.raw(keyColumn)}`,
  );

export const full = (table: PgTable, key: PgColumn) => rows(table, key);
