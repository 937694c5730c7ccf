/** Evidence files 佐证材料 attached to an appeal 申诉, stored in the database like value evidence. */
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { id } from './columns';
import { appeals } from './schema-evaluation';
import { bytea } from './schema-monitoring';
import { users } from './schema';

export const appealFiles = pgTable(
  'appeal_files',
  {
    id: id(),
    appealId: uuid('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    /** Sniffed from the file's first bytes, never taken from the client. */
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('appeal_files_appeal').on(t.appealId)],
);
