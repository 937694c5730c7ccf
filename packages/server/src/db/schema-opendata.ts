/**
 * The open data bundle of a published cycle as a stored artefact: built once per publication state
 * (publication, withdrawal, each published revision, a change of the disclosure policy) by the
 * `opendata.bundle` job or by the first request that finds none, then served from here. The bytes are
 * kept in chunks of at most 1 MB so that a province-scale bundle is streamed, never held whole.
 */
import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cycles } from './schema';
import { bytea } from './schema-monitoring';

export const opendataBundles = pgTable('opendata_bundles', {
  cycleId: uuid('cycle_id')
    .primaryKey()
    .references(() => cycles.id, { onDelete: 'cascade' }),
  /** The publication state the bundle was built from (`bundleStateKey`). */
  stateKey: text('state_key').notNull(),
  sha256: text('sha256').notNull(),
  bytes: integer('bytes').notNull(),
  chunks: integer('chunks').notNull(),
  builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow(),
});

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
