import { and, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { notificationOutbox, users } from '../../db/schema';
import { decryptOptional } from '../../lib/crypto';
import { errorMessage } from '../../lib/errors';
import { loadEnv } from '../../env';
import type { JobDefinition } from '../jobs/queue';
import { httpSmsChannel, smtpChannel, type Channel } from './channels';
import { channelsOf } from './preferences';

/** Attempts of one message before it is given up (failed, with its last error). */
export const MAX_SEND_ATTEMPTS = 5;

type OutboxRow = typeof notificationOutbox.$inferSelect;

const compose = (m: OutboxRow, sms: boolean) => {
  const subject = m.titleEn && m.titleEn !== m.title ? `${m.title} / ${m.titleEn}` : m.title;
  if (sms) return { subject, text: `【PerfCommons】${m.title}${m.body ? `：${m.body}` : ''}` };
  const zh = [m.title, m.body].filter(Boolean).join('\n\n');
  const en = [m.titleEn, m.bodyEn].filter(Boolean).join('\n\n');
  return { subject, text: en ? `${zh}\n\n---\n\n${en}` : zh };
};

/**
 * Sends due outbox messages, one transaction each: the row is claimed (FOR UPDATE SKIP LOCKED, so
 * another process passes it by), sent, and marked sent (or its failure recorded) before the claim
 * is released. A message is therefore sent by one process, and once sent never picked again; the
 * idempotency key goes with it for a receiver that sees a resend after a crash between send and
 * commit. Returns what was done.
 */
export async function drainOutbox(
  db: Db,
  channels: { email: Channel | null; sms: Channel | null },
  opts: { retrySeconds: number; limit?: number } = { retrySeconds: 30 },
) {
  const done = { sent: 0, failed: 0, retried: 0, skipped: 0 };
  const open = (['email', 'sms'] as const).filter((c) => channels[c]);
  if (open.length === 0) return done;
  for (let n = 0; n < (opts.limit ?? 200); n++) {
    const outcome = await db.transaction(async (tx) => {
      const [m] = await tx
        .select()
        .from(notificationOutbox)
        .where(
          and(
            eq(notificationOutbox.state, 'pending'),
            lte(notificationOutbox.nextAttemptAt, new Date()),
            inArray(notificationOutbox.channel, open),
          ),
        )
        .orderBy(notificationOutbox.nextAttemptAt)
        .limit(1)
        .for('update', { skipLocked: true });
      if (!m) return null;
      const channel = m.channel;
      const close = (set: Partial<OutboxRow>) =>
        tx.update(notificationOutbox).set(set).where(eq(notificationOutbox.id, m.id));
      // The user's choice now: one who opted out since the message was written gets nothing.
      if (!(await channelsOf(tx, [m.userId])).get(m.userId)![channel]) {
        await close({ state: 'cancelled', lastError: 'opted out' });
        return 'skipped';
      }
      const [u] = await tx
        .select({
          email: users.email,
          phone: users.phone,
          deletedAt: users.deletedAt,
          disabled: users.disabled,
        })
        .from(users)
        .where(eq(users.id, m.userId));
      const to =
        u && !u.deletedAt && !u.disabled ? decryptOptional(channel === 'email' ? u.email : u.phone) : null;
      if (!to) {
        await close({
          state: 'failed',
          lastError: `no ${channel === 'email' ? 'e-mail address' : 'mobile number'}`,
        });
        return 'failed';
      }
      const attempts = m.attempts + 1;
      try {
        await channels[channel]!.send({ to, key: m.idempotencyKey, ...compose(m, channel === 'sms') });
        await close({ state: 'sent', sentAt: new Date(), attempts, lastError: null });
        return 'sent';
      } catch (err) {
        const lastError = errorMessage(err).slice(0, 500);
        if (attempts >= MAX_SEND_ATTEMPTS) {
          await close({ state: 'failed', attempts, lastError });
          return 'failed';
        }
        const wait = Math.min(opts.retrySeconds * 2 ** (attempts - 1), 3600);
        await close({ attempts, lastError, nextAttemptAt: new Date(Date.now() + wait * 1000) });
        return 'retried';
      }
    });
    if (!outcome) break;
    done[outcome]++;
  }
  return done;
}

/** The outbox sender as a job: run every NOTIFY_INTERVAL_SECONDS by each process (once at a time). */
export const sendNotificationsJob: JobDefinition<
  Record<string, never>,
  Awaited<ReturnType<typeof drainOutbox>>
> = {
  kind: 'notifications.send',
  retryLimit: 0,
  system: true,
  everySeconds: () => loadEnv().NOTIFY_INTERVAL_SECONDS,
  async run(ctx) {
    const env = loadEnv();
    const email = smtpChannel(env);
    const sms = httpSmsChannel(env);
    try {
      return await drainOutbox(ctx.db, { email, sms }, { retrySeconds: env.NOTIFY_INTERVAL_SECONDS });
    } finally {
      email?.close?.();
    }
  },
};
