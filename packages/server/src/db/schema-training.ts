/**
 * Raters' training material 培训材料 attached to a cycle: uploaded files (stored in the database like appeal
 * evidence) or links with a title. Guidance only: nothing here feeds a score, so it is not in AUDIT_COVERAGE,
 * but every upload, link, removal and download is audited.
 */
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { CycleMaterial } from '@perfcommons/contracts';
import { id } from './columns';
import { bytea } from './schema-monitoring';
import { cycles, users } from './schema';

export const cycleMaterials = pgTable(
  'cycle_materials',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id, { onDelete: 'cascade' }),
    /** `file` (content stored) or `link` (url). */
    kind: text('kind').$type<CycleMaterial['kind']>().notNull(),
    title: text('title').notNull(),
    url: text('url'),
    filename: text('filename'),
    /** Sniffed from the file's first bytes, never taken from the client. */
    mimeType: text('mime_type'),
    size: integer('size'),
    sha256: text('sha256'),
    content: bytea('content'),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('cycle_materials_cycle').on(t.cycleId),
    check(
      'cycle_materials_kind',
      sql`(${t.kind} = 'file' and ${t.content} is not null) or (${t.kind} = 'link' and ${t.url} is not null)`,
    ),
  ],
);
