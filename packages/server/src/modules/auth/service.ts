import { randomBytes, randomInt } from 'node:crypto';
import { and, eq, gt, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { generate as totpGenerate, generateSecret, generateURI, verify as totpVerify } from 'otplib';
import type { Db, DbOrTx } from '../../db/client';
import { loginGuards, orgUnits, roleAssignments, sessions, totpRecoveryCodes, users } from '../../db/schema';
import type { Actor, Role } from '../../lib/actor';
import {
  contactLookup,
  decryptField,
  encryptField,
  keyedDigest,
  maskEmail,
  maskPhone,
} from '../../lib/crypto';
import { sha256 } from '../../lib/hash';
import { AppError, badRequest, conflict, forbidden, unauthorized } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { hashPassword, normalizeUsername, passwordPolicyProblems, verifyPassword } from './password';

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

/** Account lockout: this many failed logins within the window lock the account name for LOCK_MS. */
export const ACCOUNT_MAX_FAILURES = 5;
/** Per-address throttle: this many failed logins from one address within the window lock the address. */
export const ADDRESS_MAX_FAILURES = 30;
export const LOCK_MS = 15 * 60_000;
const WINDOW_MS = 15 * 60_000;

/** Roles that must use a second factor in production (administrators of the three, and the office). */
export const TOTP_REQUIRED_ROLES: Role[] = ['admin', 'security_admin', 'audit_admin', 'office'];
const totpRequiredFor = (roles: Role[]) =>
  process.env.NODE_ENV === 'production' && roles.some((r) => TOTP_REQUIRED_ROLES.includes(r));

/** Compared against when the username is unknown, so timing does not reveal which usernames exist. */
let dummyHash: Promise<string> | undefined;

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

/** The account a login name designates: its username, or the e-mail or phone it registered with. */
async function findLoginUser(db: DbOrTx, name: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(
      or(
        eq(users.username, name),
        eq(users.emailLookup, contactLookup('email', name)),
        /^\+?[\d\s-]{7,20}$/.test(name) ? eq(users.phoneLookup, contactLookup('phone', name)) : undefined,
      ),
    )
    .limit(1);
  return user;
}

const lockedError = (what: 'account' | 'address', until: Date) =>
  new AppError(
    429,
    what === 'account' ? 'account_locked' : 'address_locked',
    what === 'account'
      ? `Too many failed logins for this account: try again after ${until.toISOString()}`
      : `Too many failed logins from this address: try again after ${until.toISOString()}`,
    [{ path: what === 'account' ? 'username' : 'address', message: `locked until ${until.toISOString()}` }],
  );

/** Refuses while the account name or the client address is locked (checked before the password). */
async function assertNotLocked(db: Db, name: string, ip: string) {
  const rows = await db
    .select()
    .from(loginGuards)
    .where(
      and(
        or(eq(loginGuards.key, `user:${name}`), eq(loginGuards.key, `ip:${ip}`)),
        gt(loginGuards.lockedUntil, new Date()),
      ),
    );
  const account = rows.find((r) => r.key.startsWith('user:'));
  if (account) throw lockedError('account', account.lockedUntil!);
  const address = rows.find((r) => r.key.startsWith('ip:'));
  if (address) throw lockedError('address', address.lockedUntil!);
}

/**
 * Counts one failure against `key` in the database (shared by every server process): failures in a
 * 15-minute window; reaching `max` locks the key for 15 minutes and starts a new window. Returns the
 * lock's end when this failure locked it.
 */
async function countFailure(tx: DbOrTx, key: string, max: number): Promise<Date | null> {
  const windowStart = new Date(Date.now() - WINDOW_MS);
  const [g] = await tx
    .insert(loginGuards)
    .values({ key, failures: 1, windowStart: new Date() })
    .onConflictDoUpdate({
      target: loginGuards.key,
      set: {
        failures: sql`case when ${loginGuards.windowStart} < ${windowStart} then 1 else ${loginGuards.failures} + 1 end`,
        windowStart: sql`case when ${loginGuards.windowStart} < ${windowStart} then now() else ${loginGuards.windowStart} end`,
      },
    })
    .returning();
  if (g.failures < max) return null;
  const until = new Date(Date.now() + LOCK_MS);
  await tx
    .update(loginGuards)
    .set({ failures: 0, windowStart: new Date(), lockedUntil: until })
    .where(eq(loginGuards.key, key));
  return until;
}

/** Records a failed login: guards of the name and the address, the account's counter, the audit log. */
async function loginFailed(
  db: Db,
  name: string,
  ip: string,
  user: typeof users.$inferSelect | undefined,
  reason: 'password' | 'totp' | 'recovery_code',
) {
  await db.transaction(async (tx) => {
    // The account row first, then the guards: the order openSession takes them in (a failed and a
    // successful login of one account at once would otherwise deadlock).
    if (user) await tx.select({ id: users.id }).from(users).where(eq(users.id, user.id)).for('update');
    const accountLock = await countFailure(tx, `user:${name}`, ACCOUNT_MAX_FAILURES);
    const addressLock = await countFailure(tx, `ip:${ip}`, ADDRESS_MAX_FAILURES);
    if (user)
      await tx
        .update(users)
        .set({ failedLogins: sql`${users.failedLogins} + 1` })
        .where(eq(users.id, user.id));
    const entityId = user?.id ?? name.slice(0, 200);
    const base = { actorId: user?.id ?? null, entityType: 'user', entityId };
    await appendAudit(tx, [
      { ...base, action: 'auth.login_failed', data: { username: name.slice(0, 200), ip, reason } },
      ...(accountLock
        ? [
            {
              ...base,
              action: 'auth.lockout' as const,
              data: { username: name.slice(0, 200), ip, until: accountLock },
            },
          ]
        : []),
      ...(addressLock
        ? [{ ...base, action: 'auth.address_lockout' as const, data: { ip, until: addressLock } }]
        : []),
    ]);
  });
}

/**
 * Checks the password (and the second factor when enrolled) and opens a new session (a fresh token every
 * login: no session fixation). The login name is normalised first (NFKC, trimmed, lower case), so every
 * spelling of one account shares its throttle and its lockout: 5 failures in 15 minutes lock the name for
 * 15 minutes (names that do not exist too, so a lockout reveals nothing), 30 failures lock the address.
 */
export async function login(
  db: Db,
  opts: { username: string; password: string; totp?: string; recoveryCode?: string },
  ip = 'unknown',
): Promise<SessionTokens> {
  const name = normalizeUsername(opts.username);
  await assertNotLocked(db, name, ip);
  const user = await findLoginUser(db, name);
  const usable = !!user && !user.disabled && !user.deletedAt;
  const ok = usable
    ? await verifyPassword(opts.password, user.passwordHash)
    : (await verifyPassword(opts.password, await (dummyHash ??= hashPassword('dummy-password'))), false);
  if (!ok) {
    await loginFailed(db, name, ip, user, 'password');
    throw unauthorized('Wrong username or password');
  }
  if (user.totpEnabledAt && user.totpSecret) {
    if (!opts.totp && opts.recoveryCode) {
      if (!(await useRecoveryCode(db, user.id, opts.recoveryCode))) {
        await loginFailed(db, name, ip, user, 'recovery_code');
        throw new AppError(401, 'totp_invalid', 'Wrong or already used recovery code', [
          { path: 'recoveryCode', message: 'wrong or already used' },
        ]);
      }
      return openSession(db, user.id, ip, name);
    }
    if (!opts.totp)
      throw new AppError(401, 'totp_required', 'Enter the 6-digit code of your authenticator app', [
        { path: 'totp', message: 'required for this account' },
      ]);
    if (!(await acceptTotp(db, user, opts.totp))) {
      await loginFailed(db, name, ip, user, 'totp');
      throw new AppError(401, 'totp_invalid', 'Wrong or already used authenticator code', [
        { path: 'totp', message: 'wrong or already used' },
      ]);
    }
  }
  return openSession(db, user.id, ip, name);
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

// Second factor: TOTP (RFC 6238, SHA-1, 6 digits, 30 s, as authenticator apps expect).

/** Codes one step (30 s) old or ahead are accepted for clock drift. */
const TOTP_TOLERANCE_S = 30;
export const TOTP_ISSUER = 'PerfCommons';

/** Whether `code` is valid for the account's secret and newer than the last accepted one; records it. */
async function acceptTotp(db: DbOrTx, user: typeof users.$inferSelect, code: string): Promise<boolean> {
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

/**
 * A change to an enabled second factor (turning it off, new recovery codes) needs the password and a
 * current code; answers the account row.
 */
async function confirmSecondFactor(db: Db, actor: Actor, input: { currentPassword: string; code: string }) {
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

// Recovery codes: one-time codes for a lost authenticator, shown once, kept as keyed digests.

/** Codes in a set. */
export const RECOVERY_CODE_COUNT = 10;
/** 31 characters without look-alikes (no i, l, o, 0, 1): 10 of them ≈ 49.5 bits per code. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** The normal form of a typed code: NFKC, lower case, only letters and digits (dashes and spaces dropped). */
const normalizeRecoveryCode = (code: string) =>
  code
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Digest of a code bound to its account (a code of one account is worthless for another). */
const recoveryDigest = (userId: string, code: string) =>
  keyedDigest('totp-recovery', `${userId}:${normalizeRecoveryCode(code)}`);

/** Replaces the account's recovery codes by a new set; returns the plain codes (`xxxxx-xxxxx`), shown once. */
async function issueRecoveryCodes(tx: DbOrTx, userId: string): Promise<string[]> {
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

/**
 * The account's login contact as the user may see it on screen (PIPL: shown masked, 138****1234 or
 * w***@example.org): the phone when there is one, else the e-mail; null without either. The clear value
 * leaves the server only where the purpose needs it (the participant's own data download).
 */
export async function maskedContact(db: DbOrTx, userId: string): Promise<string | null> {
  const [u] = await db
    .select({ email: users.email, phone: users.phone })
    .from(users)
    .where(eq(users.id, userId));
  if (u?.phone) return maskPhone(decryptField(u.phone));
  if (u?.email) return maskEmail(decryptField(u.email));
  return null;
}

/** Unused recovery codes of an account. */
export async function recoveryCodesLeft(db: DbOrTx, userId: string): Promise<number> {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(totpRecoveryCodes)
    .where(and(eq(totpRecoveryCodes.userId, userId), isNull(totpRecoveryCodes.usedAt)));
  return Number(n);
}

/**
 * Uses one recovery code for a login: marks it used (conditionally, so of two concurrent logins with the
 * same code only one succeeds) and audits the use with the codes left, in one transaction.
 */
async function useRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
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
