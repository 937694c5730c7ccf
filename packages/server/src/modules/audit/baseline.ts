import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';
import { AUDIT_COVERAGE } from './coverage';
import { appendAudit, AUDIT_ENTITY_INDEXED, AUDIT_ENTITY_UNINDEXED, type AuditEntryInput } from './append';

/**
 * Records the current hash of every covered row that has no audit entry yet (action `audit.baseline`):
 * for the demo seed, which inserts rows in bulk, and once after upgrading a database to a version
 * that covers more tables. Every row written afterwards is covered by its writer's entries.
 */
export async function auditBaseline(db: Db, actorId: string | null): Promise<number> {
  return db.transaction(async (tx) => {
    const entries: AuditEntryInput[] = [];
    for (const c of AUDIT_COVERAGE) {
      const current = await c.hashes(tx);
      const known = new Set(
        (
          await rowsOf<{ entity_id: string }>(
            tx,
            // A type the audit_entity index covers is read through it; values' entries by a scan.
            sql`select distinct entity_id from audit_log where entity_type = ${c.type} and entity_hash is not null
              ${AUDIT_ENTITY_UNINDEXED.includes(c.type) ? sql`` : sql`and ${AUDIT_ENTITY_INDEXED}`}`,
          )
        ).map((r) => r.entity_id),
      );
      for (const [id, hash] of current)
        if (!known.has(id))
          entries.push({
            actorId,
            action: 'audit.baseline',
            entityType: c.type,
            entityId: id,
            entityHash: hash,
          });
    }
    await appendAudit(tx, entries);
    return entries.length;
  });
}
