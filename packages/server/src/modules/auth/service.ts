import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { orgUnits, roleAssignments, sessions, users } from '../../db/schema';
import type { Actor, Role } from '../../lib/actor';
import { sha256 } from '../../lib/hash';
import { unauthorized } from '../../lib/errors';
import { hashPassword, verifyPassword } from './password';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Compared against when the username is unknown, so timing does not reveal which usernames exist. */
let dummyHash: Promise<string> | undefined;

export interface SessionTokens {
  token: string;
  csrfToken: string;
  actor: Actor;
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
  const actor = await loadActor(db, userId);
  return { token, csrfToken, actor: actor! };
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
}

/** The actor and CSRF token of a live session, or null. */
export async function sessionActor(
  db: Db,
  token: string,
): Promise<{ actor: Actor; csrfToken: string } | null> {
  const [s] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tokenHash, sha256(token)), gt(sessions.expiresAt, new Date())))
    .limit(1);
  if (!s) return null;
  const actor = await loadActor(db, s.userId);
  return actor ? { actor, csrfToken: s.csrfToken } : null;
}

export async function loadActor(db: Db, userId: string): Promise<Actor | null> {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabled) return null;
  const grants = await db
    .select({ role: roleAssignments.role, orgUnitId: roleAssignments.orgUnitId, orgPath: orgUnits.path })
    .from(roleAssignments)
    .leftJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(eq(roleAssignments.userId, userId));
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    displayNameEn: user.displayNameEn,
    roles: grants.map((g) => ({ role: g.role as Role, orgUnitId: g.orgUnitId, orgPath: g.orgPath })),
  };
}
