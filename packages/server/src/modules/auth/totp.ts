import { eq } from 'drizzle-orm';
import { generate as totpGenerate, generateSecret, generateURI } from 'otplib';
import type { Db } from '../../db/client';
import { sessions, totpRecoveryCodes, users } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { encryptField } from '../../lib/crypto';
import { badRequest, conflict, forbidden } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { verifyPassword } from './password';
import {
  acceptTotp,
  confirmSecondFactor,
  issueRecoveryCodes,
  totpRequiredFor,
  TOTP_ISSUER,
} from './second-factor';

/**
 * Starts enrolment of a second factor: a new 160-bit secret (stored encrypted, not active until a first
 * code is confirmed) and its otpauth:// URL for an authenticator app. The current password is required
 * (a borrowed session cannot bind its own authenticator).
 */
export async function startTotp(db: Db, actor: Actor, currentPassword: string) {
  const [user] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!user || !(await verifyPassword(currentPassword, user.passwordHash)))
    throw badRequest(
      'The current password is wrong',
      [{ path: 'currentPassword', message: 'wrong password' }],
      'wrong_password',
    );
  if (user.totpEnabledAt)
    throw conflict(
      'A second factor is enabled already; disable it first',
      [{ path: 'totp', message: 'enabled' }],
      'totp_enabled',
    );
  const secret = generateSecret({ length: 20 });
  await db
    .update(users)
    .set({ totpSecret: encryptField(secret), totpLastStep: null })
    .where(eq(users.id, user.id));
  return {
    secret,
    otpauthUrl: generateURI({ issuer: TOTP_ISSUER, label: user.username, secret }),
  };
}

/** Confirms enrolment with a first code from the app; from now on every login asks for a code. */
export async function enableTotp(db: Db, actor: Actor, code: string) {
  const [user] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!user?.totpSecret || user.totpEnabledAt)
    throw badRequest('Start the enrolment first', [{ path: 'code', message: 'no enrolment in progress' }]);
  if (!(await acceptTotp(db, user, code)))
    throw badRequest(
      'Wrong authenticator code',
      [{ path: 'code', message: 'wrong or expired' }],
      'totp_invalid',
    );
  const recoveryCodes = await db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabledAt: new Date() }).where(eq(users.id, user.id));
    const codes = await issueRecoveryCodes(tx, user.id);
    await appendAudit(tx, [
      {
        actorId: user.id,
        action: 'auth.totp_enable',
        entityType: 'user',
        entityId: user.id,
        data: { recoveryCodes: codes.length },
      },
    ]);
    return codes;
  });
  return { totpEnabled: true, recoveryCodes };
}
/** Turns the second factor off (password and a current code needed); refused where production requires it. */
export async function disableTotp(db: Db, actor: Actor, input: { currentPassword: string; code: string }) {
  if (totpRequiredFor(actor.roles.map((r) => r.role)))
    throw forbidden('Your roles require a second factor in production');
  const user = await confirmSecondFactor(db, actor, input);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ totpEnabledAt: null, totpSecret: null, totpLastStep: null })
      .where(eq(users.id, user.id));
    await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, user.id));
    await appendAudit(tx, [
      { actorId: user.id, action: 'auth.totp_disable', entityType: 'user', entityId: user.id, data: {} },
    ]);
  });
  return { totpEnabled: false };
}
/**
 * Break-glass reset of another account's second factor (command line `perfcommons reset-totp`, run by
 * whoever operates the server): the secret and every recovery code are deleted and the account's sessions
 * end; in production an account whose roles require a second factor must enrol a new one at its next
 * login. Audited `auth.totp_disable` with `reset: true` and who ran it. Returns whether one was enabled.
 */
export async function resetTotp(db: Db, userId: string, by: string | null): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!u) return false;
    const was = !!u.totpEnabledAt;
    await tx
      .update(users)
      .set({ totpEnabledAt: null, totpSecret: null, totpLastStep: null })
      .where(eq(users.id, userId));
    await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, userId));
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.userId, userId))
      .returning({ t: sessions.tokenHash });
    await appendAudit(tx, [
      {
        actorId: by,
        action: 'auth.totp_disable',
        entityType: 'user',
        entityId: userId,
        data: { reset: true, by: by ?? 'command line', wasEnabled: was, sessionsEnded: ended.length },
      },
    ]);
    return was;
  });
}
/** The current code of a secret (tests and the command line's break-glass checks). */
export const totpCode = (secret: string) => totpGenerate({ secret });
