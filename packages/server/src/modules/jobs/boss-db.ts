import type PgBoss from 'pg-boss';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Database, Tx } from '../../db/client';

/** pg-boss's SQL through the app's own connections: PGlite in process or the node-postgres pool. */
export function bossDb(database: Database): PgBoss.Db {
  const client = (database.db as unknown as { $client: PGlite | pg.Pool }).$client;
  if (database.kind === 'pglite') {
    const lite = client as PGlite;
    return {
      async executeSql(text, values) {
        // Its schema scripts are several statements without parameters: the simple protocol (exec).
        if (!values || values.length === 0) return { rows: (await lite.exec(text)).at(-1)?.rows ?? [] };
        return lite.query(text, values);
      },
    };
  }
  const pool = client as pg.Pool;
  return {
    async executeSql(text, values) {
      const r = (await pool.query(text, values)) as unknown as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(r) ? (r.at(-1) ?? { rows: [] }) : r;
    },
  };
}

/** pg-boss's SQL inside a Drizzle transaction (its `db` option): on the transaction's own connection. */
export function txBossDb(tx: Tx): PgBoss.Db {
  const client = (tx as unknown as { session: { client: pg.PoolClient | PGliteTransaction } }).session.client;
  return {
    executeSql: async (text, values) => {
      const r = await (client as pg.PoolClient).query(text, values);
      return { rows: r.rows };
    },
  };
}
