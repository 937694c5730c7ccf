import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Db } from '../db/client';

/**
 * One statement with a single parameter, prepared once per connection on PostgreSQL (a named
 * statement: after a few runs the server keeps its plan, so a batch costs no planning; the direct
 * statement of survey answers took ~6 ms to plan, as long as running it for 30 answers). PGlite runs
 * it as is.
 */
export async function runPrepared<T>(db: Db, statement: { name: string; text: string }, value: string) {
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  if ('totalCount' in client) {
    const res = await client.query({ name: statement.name, text: statement.text, values: [value] });
    return res.rows as T[];
  }
  return (await client.query<T>(statement.text, [value])).rows;
}
