import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt, ne, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { orgUnits, roleAssignments, sessions, users } from '../../db/schema';
import type { Actor, Role } from '../../lib/actor';
import { sha256 } from '../../lib/hash';
import { badRequest, unauthorized } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { hashPassword, passwordPolicyProblems, verifyPassword } from './password';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Compared against when the username is unknown, so timing does not reveal which usernames exist. */
let dummyHash: Promise<string> | undefined;

export interface SessionTokens {
  token: string;
  csrfToken: string;
  actor: Actor;
  /** The password was chosen by someone else: only auth routes answer until the user changes it. */
  mustChangePassword: boolean;
}

/** Checks the password and opens a new session (a fresh token every login: no session fixation). */
export async function login(db: Db, opts: { username: string; password: string }): Promise<SessionTokens> {
  // Public participants log in with the e-mail or phone they registered with.
  const name = opts.username.trim();
  const [user] = await db
    .select()
    .from(users)
    .where(or(eq(users.username, name), eq(users.email, name.toLowerCase()), eq(users.phone, name)))
    .limit(1);
  if (!user || user.disabled) {
    await verifyPassword(opts.password, await (dummyHash ??= hashPassword('dummy-password')));
    throw unauthorized('Wrong username or password');
  }
  if (!(await verifyPassword(opts.password, user.passwordHash)))
    throw unauthorized('Wrong username or password');
  return openSession(db, user.id);
}

/** Opens a new session for an account already authenticated (login, or registration that logs in). */
export async function openSession(db: Db, userId: string): Promise<SessionTokens> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = Date.now();
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, new Date(now))));
  await db.insert(sessions).values({
    tokenHash: sha256(token),
    userId,
    csrfToken,
    expiresAt: new Date(now + SESSION_TTL_MS),
  });
  const user = await loadSessionUser(db, userId);
  return { token, csrfToken, ...user! };
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
}

/** The actor and CSRF token of a live session, or null. */
export async function sessionActor(
  db: Db,
  token: string,
): Promise<{ actor: Actor; csrfToken: string; mustChangePassword: boolean } | null> {
  const [s] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tokenHash, sha256(token)), gt(sessions.expiresAt, new Date())))
    .limit(1);
  if (!s) return null;
  const user = await loadSessionUser(db, s.userId);
  return user ? { ...user, csrfToken: s.csrfToken } : null;
}

export async function loadActor(db: Db, userId: string): Promise<Actor | null> {
  return (await loadSessionUser(db, userId))?.actor ?? null;
}

/** The actor of an active account and whether it must change its password first; null when disabled or gone. */
async function loadSessionUser(db: Db, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabled) return null;
  const grants = await db
    .select({ role: roleAssignments.role, orgUnitId: roleAssignments.orgUnitId, orgPath: orgUnits.path })
    .from(roleAssignments)
    .leftJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(eq(roleAssignments.userId, userId));
  const actor: Actor = {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    displayNameEn: user.displayNameEn,
    roles: grants.map((g) => ({ role: g.role as Role, orgUnitId: g.orgUnitId, orgPath: g.orgPath })),
  };
  return { actor, mustChangePassword: user.mustChangePassword };
}

/**
 * Changes one's own password: the current one must be right, the new one must follow the policy (at
 * least 10 characters, not containing the username, not the current one). Clears must-change and ends
 * every other session of the account (a stolen session does not survive the change); the session
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
  const problems = passwordPolicyProblems(user.username, input.newPassword);
  if (input.newPassword === input.currentPassword) problems.push('must differ from the current password');
  if (problems.length)
    throw badRequest(
      `The new password ${problems.join(', ')}`,
      problems.map((message) => ({ path: 'newPassword', message })),
      'weak_password',
    );
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
