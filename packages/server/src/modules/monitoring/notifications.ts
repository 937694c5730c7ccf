import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { notifications } from '../../db/schema';
import { requireActor, type Actor } from '../../lib/actor';
import { notFound } from '../../lib/errors';
import { routeMessages } from '../notifications/outbox';

export type NotificationInput = Omit<typeof notifications.$inferInsert, 'id' | 'createdAt' | 'readAt'>;

/**
 * Sends messages inside the caller's transaction (they exist exactly when the cause commits): in the
 * platform, and through the e-mail and SMS outbox, by each recipient's choice of channels.
 */
export async function notify(tx: DbOrTx, rows: NotificationInput[]): Promise<number> {
  const inApp = await routeMessages(tx, rows);
  for (let i = 0; i < inApp.length; i += 500) await tx.insert(notifications).values(inApp.slice(i, i + 500));
  return rows.length;
}

const present = (n: typeof notifications.$inferSelect) => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  titleEn: n.titleEn,
  body: n.body,
  bodyEn: n.bodyEn,
  entityType: n.entityType,
  entityId: n.entityId,
  planId: n.planId,
  createdAt: n.createdAt,
  readAt: n.readAt,
});

/** The current user's messages, newest first, with the unread count. */
export async function listNotifications(
  db: Db,
  actor: Actor | null,
  opts: { unread?: boolean; limit: number },
) {
  const a = requireActor(actor);
  const mine = eq(notifications.userId, a.id);
  const rows = await db
    .select()
    .from(notifications)
    .where(opts.unread ? and(mine, isNull(notifications.readAt)) : mine)
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(opts.limit);
  const [{ unread }] = await db
    .select({ unread: count() })
    .from(notifications)
    .where(and(mine, isNull(notifications.readAt)));
  return { items: rows.map(present), unread };
}

/** Marks one of the user's messages read (a message of someone else is not found). */
export async function markRead(db: Db, actor: Actor | null, id: string) {
  const a = requireActor(actor);
  const [n] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, a.id)))
    .limit(1);
  if (!n) throw notFound('Notification');
  if (n.readAt) return present(n);
  const [updated] = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(eq(notifications.id, id))
    .returning();
  return present(updated);
}

export async function markAllRead(db: Db, actor: Actor | null) {
  const a = requireActor(actor);
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, a.id), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { updated: rows.length };
}
