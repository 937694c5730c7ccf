import { randomBytes } from 'node:crypto';
import { and, eq, lt, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { loginGuards, orgUnits, roleAssignments, sessions, users } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { sha256 } from '../../lib/hash';
import { appendAudit } from '../audit/service';
import { totpRequiredFor } from './second-factor';

/** Session limits: idle timeout (`SESSION_IDLE_MINUTES`, default 30) and absolute lifetime (`SESSION_MAX_HOURS`, default 12). */
export function sessionLimits(env: NodeJS.ProcessEnv = process.env) {
  const num = (v: string | undefined, d: number, max: number) => {
    const n = Number(v);
    return v && Number.isFinite(n) && n > 0 ? Math.min(n, max) : d;
  };
  return {
    idleMs: num(env.SESSION_IDLE_MINUTES, 30, 24 * 60) * 60_000,
    maxMs: num(env.SESSION_MAX_HOURS, 12, 24 * 30) * 3_600_000,
  };
}
/** Absolute session lifetime (also the cookies' max age). */
export const SESSION_TTL_MS = sessionLimits().maxMs;
/** `last_seen_at` is written at most this often (a request a second does not write a row a second). */
const TOUCH_MS = 60_000;
/** What the user of a session is shown about the login before it (MLPS: last login and failures since). */
export interface LoginInfo {
  previousLoginAt: Date | null;
  previousLoginIp: string | null;
  failedLoginsBefore: number;
}

export interface SessionUser {
  actor: Actor;
  /** The password was chosen by someone else: only auth routes answer until the user changes it. */
  mustChangePassword: boolean;
  /** Second factor enabled for this account. */
  totpEnabled: boolean;
  /** Production requires a second factor for this account's roles and none is enrolled yet. */
  totpEnrolmentRequired: boolean;
}

export interface SessionTokens extends SessionUser {
  token: string;
  csrfToken: string;
  login: LoginInfo;
}
/**
 * Opens a new session for an authenticated account, remembering the login before it (time, address,
 * failures since) for the user to see; clears the name's lockout counter; audits the login.
 */
export async function openSession(
  db: Db,
  userId: string,
  ip: string | null = null,
  loginName?: string,
): Promise<SessionTokens> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = new Date();
  const login = await db.transaction(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    await tx.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, now)));
    const info: LoginInfo = {
      previousLoginAt: u.lastLoginAt,
      previousLoginIp: u.lastLoginIp,
      failedLoginsBefore: u.failedLogins,
    };
    await tx.insert(sessions).values({
      tokenHash: sha256(token),
      userId,
      csrfToken,
      expiresAt: new Date(now.getTime() + sessionLimits().maxMs),
      lastSeenAt: now,
      ip,
      ...info,
    });
    await tx
      .update(users)
      .set({ lastLoginAt: now, lastLoginIp: ip, failedLogins: 0 })
      .where(eq(users.id, userId));
    await tx
      .delete(loginGuards)
      .where(
        or(eq(loginGuards.key, `user:${u.username}`), eq(loginGuards.key, `user:${loginName ?? u.username}`)),
      );
    await appendAudit(tx, [
      {
        actorId: userId,
        action: 'auth.login',
        entityType: 'user',
        entityId: userId,
        data: { username: u.username, ip, failedBefore: u.failedLogins },
      },
    ]);
    return info;
  });
  const user = await loadSessionUser(db, userId);
  return { token, csrfToken, login, ...user! };
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
}

/**
 * The actor and CSRF token of a live session, or null. A session lives until its absolute end
 * (`SESSION_MAX_HOURS` after login) and ends after `SESSION_IDLE_MINUTES` without a request; an ended
 * one is deleted.
 */
export async function sessionActor(
  db: Db,
  token: string,
): Promise<(SessionUser & { csrfToken: string; login: LoginInfo }) | null> {
  const now = new Date();
  const idleCut = new Date(now.getTime() - sessionLimits().idleMs);
  const hash = sha256(token);
  const [s] = await db.select().from(sessions).where(eq(sessions.tokenHash, hash)).limit(1);
  if (!s) return null;
  if (s.expiresAt <= now || s.lastSeenAt <= idleCut) {
    await db
      .delete(sessions)
      .where(
        and(
          eq(sessions.tokenHash, hash),
          or(lte(sessions.expiresAt, now), lte(sessions.lastSeenAt, idleCut)),
        ),
      );
    return null;
  }
  if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_MS)
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, hash));
  const user = await loadSessionUser(db, s.userId);
  if (!user) return null;
  return {
    ...user,
    csrfToken: s.csrfToken,
    login: {
      previousLoginAt: s.previousLoginAt,
      previousLoginIp: s.previousLoginIp,
      failedLoginsBefore: s.failedLoginsBefore,
    },
  };
}

export async function loadActor(db: Db, userId: string): Promise<Actor | null> {
  return (await loadSessionUser(db, userId))?.actor ?? null;
}

/** The actor of an active account and what it must do first; null when disabled, deleted or gone. */
async function loadSessionUser(db: Db, userId: string): Promise<SessionUser | null> {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabled || user.deletedAt) return null;
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
    roles: grants.map((g) => ({ role: g.role, orgUnitId: g.orgUnitId, orgPath: g.orgPath })),
  };
  const totpEnabled = !!user.totpEnabledAt;
  return {
    actor,
    mustChangePassword: user.mustChangePassword,
    totpEnabled,
    totpEnrolmentRequired: !totpEnabled && totpRequiredFor(actor.roles.map((r) => r.role)),
  };
}
