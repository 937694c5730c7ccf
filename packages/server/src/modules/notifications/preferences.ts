import { eq, inArray } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { notificationPreferences, users } from '../../db/schema';
import { requireActor, type Actor } from '../../lib/actor';
import { loadEnv } from '../../env';

export interface Channels {
  inApp: boolean;
  email: boolean;
  sms: boolean;
}

/** Without a choice of their own: in-platform only (e-mail and SMS need the user's consent). */
export const DEFAULT_CHANNELS: Channels = { inApp: true, email: false, sms: false };

/** The channels of each user (defaults for those who never chose). */
export async function channelsOf(db: DbOrTx, userIds: string[]): Promise<Map<string, Channels>> {
  const out = new Map<string, Channels>(userIds.map((id) => [id, DEFAULT_CHANNELS]));
  if (userIds.length === 0) return out;
  const rows = await db
    .select()
    .from(notificationPreferences)
    .where(inArray(notificationPreferences.userId, [...new Set(userIds)]));
  for (const r of rows) out.set(r.userId, { inApp: r.inApp, email: r.email, sms: r.sms });
  return out;
}

async function view(db: DbOrTx, userId: string) {
  const [channels] = [(await channelsOf(db, [userId])).get(userId)!];
  const [u] = await db
    .select({ email: users.email, phone: users.phone })
    .from(users)
    .where(eq(users.id, userId));
  const env = loadEnv();
  return {
    ...channels,
    /** Whether the account has an address for the channel (an e-mail, a mobile number). */
    emailAddress: !!u?.email,
    smsNumber: !!u?.phone,
    /** Whether the platform sends on the channel at all (configured by the operator). */
    emailConfigured: !!env.SMTP_URL,
    smsConfigured: !!env.SMS_HTTP_URL,
  };
}

/** The current user's channels, and whether each one can reach them. */
export async function getNotificationSettings(db: Db, actor: Actor | null) {
  const a = requireActor(actor);
  return view(db, a.id);
}

/** Sets the current user's channels (their own choice: consent to e-mail and SMS). */
export async function setNotificationSettings(db: Db, actor: Actor | null, input: Channels) {
  const a = requireActor(actor);
  await db
    .insert(notificationPreferences)
    .values({ userId: a.id, ...input, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: notificationPreferences.userId,
      set: { ...input, updatedAt: new Date() },
    });
  return view(db, a.id);
}
