/**
 * The open data files of a published cycle (the bundle, the results as CSV and XLSX in zh-CN and en)
 * as stored artefacts: built once per publication state
 * (publication, withdrawal, each published revision, a change of the disclosure policy) by the
 * `opendata.bundle` job or by the first request that finds none, then served from here. The bytes are
 * kept in chunks of at most 1 MB so that a province-scale bundle is streamed, never held whole.
 */
import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cycles } from './schema';
import { bytea } from './schema-monitoring';

export const opendataBundles = pgTable(
  'opendata_bundles',
  {
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    /** Which file: `bundle`, or the results as `results.csv.zh-CN`, `results.xlsx.en`, … */
    name: text('name').notNull().default('bundle'),
    /** The publication state the file was built from (`bundleStateKey`). */
    stateKey: text('state_key').notNull(),
    sha256: text('sha256').notNull(),
    bytes: integer('bytes').notNull(),
    chunks: integer('chunks').notNull(),
    builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.cycleId, t.name] })],
);

/** The bundle's bytes, by its SHA-256 (a rebuild writes new chunks before the old ones go). */
export const opendataBundleChunks = pgTable(
  'opendata_bundle_chunks',
  {
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    sha256: text('sha256').notNull(),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sha256, t.seq] }), index('opendata_bundle_chunks_cycle').on(t.cycleId)],
);
