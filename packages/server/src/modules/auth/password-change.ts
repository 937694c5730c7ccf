import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { sessions, users } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { sha256 } from '../../lib/hash';
import { badRequest, unauthorized } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { hashPassword, passwordPolicyProblems, verifyPassword } from './password';

/** The `weak_password` error naming every reason, at `path`. */
export function weakPassword(problems: string[], path: string) {
  return badRequest(
    `The password ${problems.join('; ')}`,
    problems.map((message) => ({ path, message })),
    'weak_password',
  );
}

/**
 * Changes one's own password: the current one must be right, the new one must follow the policy
 * ({@link passwordPolicyProblems}) and differ from the current one. Clears must-change and ends every
 * other session of the account (a stolen session does not survive the change); the session
 * `keepToken` stays.
 */
export async function changePassword(
  db: Db,
  actor: Actor,
  keepToken: string,
  input: { currentPassword: string; newPassword: string },
) {
  const [user] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!user || user.disabled) throw unauthorized();
  if (!(await verifyPassword(input.currentPassword, user.passwordHash)))
    throw badRequest(
      'The current password is wrong',
      [{ path: 'currentPassword', message: 'wrong password' }],
      'wrong_password',
    );
  const problems = passwordPolicyProblems(user.username, input.newPassword, [user.displayName]);
  if (input.newPassword === input.currentPassword) problems.push('must differ from the current password');
  if (problems.length) throw weakPassword(problems, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, passwordSetAt: new Date() })
      .where(eq(users.id, user.id));
    const ended = await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, user.id), ne(sessions.tokenHash, sha256(keepToken))))
      .returning({ t: sessions.tokenHash });
    await appendAudit(tx, [
      {
        actorId: user.id,
        action: 'user.password_change',
        entityType: 'user',
        entityId: user.id,
        data: { username: user.username, wasRequired: user.mustChangePassword, sessionsEnded: ended.length },
      },
    ]);
  });
  return { mustChangePassword: false };
}
