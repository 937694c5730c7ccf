import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** A serial column takes values of its integer type (a record definition cannot name a serial). */
const RECORD_TYPE: Record<string, string> = {
  serial: 'integer',
  bigserial: 'bigint',
  smallserial: 'smallint',
};

/**
 * The select list of a raw statement reading `props` of `table`, each named by its property
 * (`"org_unit_id" as "orgUnitId"`), so that rowsOf gives rows shaped as the table's select type
 * without the per-value mapping of a query builder select (large reads of the compute).
 */
export function columnsAs<T extends PgTable>(
  table: T,
  props: readonly (keyof T['$inferSelect'] & string)[],
): SQL {
  const columns: Record<string, PgColumn> = getTableColumns(table);
  return sql.join(
    props.map((p) => sql`${columns[p]} as ${sql.identifier(p)}`),
    sql`, `,
  );
}

/**
 * `insert into <table> (<columns>) select … from json_to_recordset($1)`: many rows in one statement
 * with a single parameter, the rows as one JSON array keyed by column name, instead of one bind
 * parameter per value (building and binding 20 parameters a row cost more than the insert itself at
 * 22,000 results). Append `on conflict …` or `returning …` to it. Columns not named take their
 * default.
 *
 * Values round-trip exactly: numbers are written by JSON.stringify as the shortest decimal that reads
 * back as the same double, read by the column type's own input function; dates as toISOString (as
 * the query builder sends them); a jsonb column takes the nested JSON value; null and absent keys
 * are SQL NULL (as the query builder sends a null).
 */
export function insertFromJson<T extends PgTable>(
  table: T,
  props: (keyof T['$inferInsert'] & string)[],
  rows: Partial<T['$inferInsert']>[],
): SQL {
  const columns: Record<string, PgColumn> = getTableColumns(table);
  const cols = props.map((p) => {
    const c = columns[p];
    if (!c) throw new Error(`insertFromJson: no column ${p}`);
    const type = c.getSQLType();
    return { prop: p, name: c.name, type: RECORD_TYPE[type] ?? type };
  });
  const json = JSON.stringify(
    rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of cols) o[c.name] = r[c.prop] ?? null;
      return o;
    }),
  );
  const names = cols.map((c) => `"${c.name}"`).join(', ');
  const defs = cols.map((c) => `"${c.name}" ${c.type}`).join(', ');
  return sql`insert into ${table} (${sql.raw(names)}) select ${sql.raw(names)} from json_to_recordset(${json}::json) as x(${sql.raw(defs)})`;
}

/**
 * The text of a statement with its parameters written in as quoted literals, for a statement that
 * takes no parameters (`copy (select …) to stdout`): each `$n` becomes the n-th parameter, quoted as
 * node-postgres' escapeLiteral quotes (without its character-by-character copy of a long text). A
 * literal is untyped as a bind parameter is, so the statement means the same. Strings and finite
 * numbers only; the statement's own text must hold no `$n`.
 */
export function inlineParams(query: { sql: string; params: unknown[] }): string {
  return query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const p = query.params[Number(n) - 1];
    if (typeof p === 'number' && Number.isFinite(p)) return String(p);
    if (typeof p !== 'string')
      throw new Error(`inlineParams: parameter $${n} is ${p === undefined ? 'missing' : typeof p}`);
    const quoted = `'${p.replaceAll("'", "''")}'`;
    return p.includes('\\') ? ` E${quoted.replaceAll('\\', '\\\\')}` : quoted;
  });
}
