import { randomInt } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { verify as totpVerify } from 'otplib';
import type { Db, DbOrTx } from '../../db/client';
import { totpRecoveryCodes, users } from '../../db/schema';
import type { Actor, Role } from '../../lib/actor';
import { decryptField, keyedDigest } from '../../lib/crypto';
import { badRequest } from '../../lib/errors';
import { verifyPassword } from './password';

/** Roles that must use a second factor in production (administrators of the three, and the office). */
export const TOTP_REQUIRED_ROLES: Role[] = ['admin', 'security_admin', 'audit_admin', 'office'];
export const totpRequiredFor = (roles: Role[]) =>
  process.env.NODE_ENV === 'production' && roles.some((r) => TOTP_REQUIRED_ROLES.includes(r));

// Second factor: TOTP (RFC 6238, SHA-1, 6 digits, 30 s, as authenticator apps expect).

/** Codes one step (30 s) old or ahead are accepted for clock drift. */
const TOTP_TOLERANCE_S = 30;
export const TOTP_ISSUER = 'PerfCommons';

/** Whether `code` is valid for the account's secret and newer than the last accepted one; records it. */
export async function acceptTotp(
  db: DbOrTx,
  user: typeof users.$inferSelect,
  code: string,
): Promise<boolean> {
  if (!user.totpSecret || !/^\d{6}$/.test(code)) return false;
  const secret = decryptField(user.totpSecret);
  const r = await totpVerify({
    secret,
    token: code,
    epochTolerance: TOTP_TOLERANCE_S,
    ...(user.totpLastStep !== null ? { afterTimeStep: user.totpLastStep } : {}),
  });
  if (!r.valid) return false;
  // Conditional: of two concurrent logins with the same code only one records the step.
  const step = (r as { timeStep: number }).timeStep;
  const won = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return won.length === 1;
}

/**
 * A change to an enabled second factor (turning it off, new recovery codes) needs the password and a
 * current code; answers the account row.
 */
export async function confirmSecondFactor(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; code: string },
) {
  const [user] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!user?.totpEnabledAt)
    throw badRequest('No second factor is enabled', [{ path: 'code', message: 'not enabled' }]);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash)))
    throw badRequest(
      'The current password is wrong',
      [{ path: 'currentPassword', message: 'wrong password' }],
      'wrong_password',
    );
  if (!(await acceptTotp(db, user, input.code)))
    throw badRequest(
      'Wrong authenticator code',
      [{ path: 'code', message: 'wrong or expired' }],
      'totp_invalid',
    );
  return user;
}

// Recovery codes: one-time codes for a lost authenticator, shown once, kept as keyed digests.

/** Codes in a set. */
export const RECOVERY_CODE_COUNT = 10;
/** 31 characters without look-alikes (no i, l, o, 0, 1): 10 of them ≈ 49.5 bits per code. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** The normal form of a typed code: NFKC, lower case, only letters and digits (dashes and spaces dropped). */
export const normalizeRecoveryCode = (code: string) =>
  code
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Digest of a code bound to its account (a code of one account is worthless for another). */
export const recoveryDigest = (userId: string, code: string) =>
  keyedDigest('totp-recovery', `${userId}:${normalizeRecoveryCode(code)}`);

/** Replaces the account's recovery codes by a new set; returns the plain codes (`xxxxx-xxxxx`), shown once. */
export async function issueRecoveryCodes(tx: DbOrTx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const c = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
    return `${c.slice(0, 5).join('')}-${c.slice(5).join('')}`;
  });
  await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, userId));
  await tx
    .insert(totpRecoveryCodes)
    .values(codes.map((c) => ({ userId, codeHash: recoveryDigest(userId, c) })));
  return codes;
}

/** Unused recovery codes of an account. */
export async function recoveryCodesLeft(db: DbOrTx, userId: string): Promise<number> {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(totpRecoveryCodes)
    .where(and(eq(totpRecoveryCodes.userId, userId), isNull(totpRecoveryCodes.usedAt)));
  return Number(n);
}
