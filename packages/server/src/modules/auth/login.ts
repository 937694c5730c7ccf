import { and, eq, gt, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { loginGuards, users } from '../../db/schema';
import { contactLookup } from '../../lib/crypto';
import { AppError, unauthorized } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { hashPassword, normalizeUsername, verifyPassword } from './password';
import { openSession, type SessionTokens } from './session';
import { acceptTotp } from './second-factor';
import { useRecoveryCode } from './recovery-codes';

/** Account lockout: this many failed logins within the window lock the account name for LOCK_MS. */
export const ACCOUNT_MAX_FAILURES = 5;
/** Per-address throttle: this many failed logins from one address within the window lock the address. */
export const ADDRESS_MAX_FAILURES = 30;
export const LOCK_MS = 15 * 60_000;
const WINDOW_MS = 15 * 60_000;
/** Compared against when the username is unknown, so timing does not reveal which usernames exist. */
let dummyHash: Promise<string> | undefined;
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
