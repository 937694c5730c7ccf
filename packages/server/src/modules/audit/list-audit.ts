import { count, desc, eq } from 'drizzle-orm';
import { auditLog, users } from '../../db/schema';
import type { Db } from '../../db/client';
import type { Actor } from '../../lib/actor';
import { requireAuditReader } from './readers';

/** Lists the log, newest first (see {@link requireAuditReader}). */
export async function listAudit(db: Db, actor: Actor | null, opts: { limit: number; offset: number }) {
  requireAuditReader(actor, 'The audit log');
  const items = await db
    .select({
      seq: auditLog.seq,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorName: users.displayName,
      actorNameEn: users.displayNameEn,
      action: auditLog.action,
      entityType: auditLog.entityType,
      entityId: auditLog.entityId,
      data: auditLog.data,
      entityHash: auditLog.entityHash,
      prevHash: auditLog.prevHash,
      hash: auditLog.hash,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .orderBy(desc(auditLog.seq))
    .limit(opts.limit)
    .offset(opts.offset);
  const [{ total }] = await db.select({ total: count() }).from(auditLog);
  return { items, total };
}
