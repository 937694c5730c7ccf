import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { totpRecoveryCodes } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { appendAudit } from '../audit/service';
import {
  confirmSecondFactor,
  issueRecoveryCodes,
  normalizeRecoveryCode,
  recoveryCodesLeft,
  recoveryDigest,
} from './second-factor';

/**
 * Uses one recovery code for a login: marks it used (conditionally, so of two concurrent logins with the
 * same code only one succeeds) and audits the use with the codes left, in one transaction.
 */
export async function useRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
  if (normalizeRecoveryCode(code).length !== 10) return false;
  return db.transaction(async (tx) => {
    const used = await tx
      .update(totpRecoveryCodes)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(totpRecoveryCodes.userId, userId),
          eq(totpRecoveryCodes.codeHash, recoveryDigest(userId, code)),
          isNull(totpRecoveryCodes.usedAt),
        ),
      )
      .returning({ id: totpRecoveryCodes.id });
    if (!used.length) return false;
    await appendAudit(tx, [
      {
        actorId: userId,
        action: 'auth.recovery_code_used',
        entityType: 'user',
        entityId: userId,
        data: { remaining: await recoveryCodesLeft(tx, userId) },
      },
    ]);
    return true;
  });
}
/**
 * A new set of recovery codes (password and a current authenticator code needed): every earlier code,
 * used or not, stops working. Audited with the number of codes replaced.
 */
export async function regenerateRecoveryCodes(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; code: string },
) {
  const user = await confirmSecondFactor(db, actor, input);
  const recoveryCodes = await db.transaction(async (tx) => {
    const replaced = await recoveryCodesLeft(tx, user.id);
    const codes = await issueRecoveryCodes(tx, user.id);
    await appendAudit(tx, [
      {
        actorId: user.id,
        action: 'auth.recovery_codes',
        entityType: 'user',
        entityId: user.id,
        data: { issued: codes.length, unusedReplaced: replaced },
      },
    ]);
    return codes;
  });
  return { recoveryCodes, recoveryCodesLeft: recoveryCodes.length };
}
