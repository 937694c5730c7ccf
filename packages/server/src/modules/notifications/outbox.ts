import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '../../db/client';
import { notificationOutbox } from '../../db/schema';
import { channelsOf } from './preferences';

export interface OutgoingMessage {
  userId: string;
  kind: string;
  title: string;
  titleEn?: string | null;
  body?: string | null;
  bodyEn?: string | null;
}

/**
 * Writes, inside the caller's transaction, one outbox row per external channel each recipient chose
 * (so a message leaves exactly when its cause commits), and returns the messages to show in the
 * platform (those whose recipient keeps in-platform notifications).
 */
export async function routeMessages<T extends OutgoingMessage>(tx: DbOrTx, messages: T[]): Promise<T[]> {
  if (messages.length === 0) return [];
  const channels = await channelsOf(
    tx,
    messages.map((m) => m.userId),
  );
  const outbox: (typeof notificationOutbox.$inferInsert)[] = [];
  for (const m of messages) {
    const c = channels.get(m.userId)!;
    const key = randomUUID();
    const row = {
      userId: m.userId,
      kind: m.kind,
      title: m.title,
      titleEn: m.titleEn ?? null,
      body: m.body ?? null,
      bodyEn: m.bodyEn ?? null,
    };
    if (c.email) outbox.push({ ...row, channel: 'email', idempotencyKey: `${key}:email` });
    if (c.sms) outbox.push({ ...row, channel: 'sms', idempotencyKey: `${key}:sms` });
  }
  for (let i = 0; i < outbox.length; i += 500)
    await tx.insert(notificationOutbox).values(outbox.slice(i, i + 500));
  return messages.filter((m) => channels.get(m.userId)!.inApp);
}
