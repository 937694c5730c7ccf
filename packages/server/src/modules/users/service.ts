import { and, asc, eq, ilike, inArray, isNotNull, notLike, or, sql } from 'drizzle-orm';
import { contactLookup, encryptField, isEncrypted, normalizeContact } from '../../lib/crypto';
import type { Db } from '../../db/client';
import { orgUnits, roleAssignments, sessions, users } from '../../db/schema';
import { hasRole, requireActor, requireOffice, type Actor, type Role } from '../../lib/actor';
import { assertSeparateDuties } from '../../lib/duties';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors';
import { systemActor } from '../../lib/system';
import { appendAudit } from '../audit/service';
import { generatePassword, hashPassword, normalizeUsername } from '../auth/password';

/** Serialises `init` runs (two at once must not both find no administrator). */
const INIT_LOCK = 727_110;

/** At most this many users per answer: the list feeds pickers, not exports. */
const LIMIT = 500;

/**
 * Active users for the office's pickers (rater panels): who they are and which roles they hold
 * where, optionally only holders of one role or those whose name matches `q`. No secrets.
 */
export async function listUsers(db: Db, actor: Actor | null, opts: { role?: Role; q?: string }) {
  requireOffice(actor, 'Listing users');
  // LIKE wildcards in the query are matched literally.
  const needle = opts.q?.trim().replace(/[\\%_]/g, '\\$&');
  const withRole = opts.role
    ? db
        .selectDistinct({ id: roleAssignments.userId })
        .from(roleAssignments)
        .where(eq(roleAssignments.role, opts.role))
    : undefined;
  const rows = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      displayNameEn: users.displayNameEn,
    })
    .from(users)
    .where(
      and(
        eq(users.disabled, false),
        withRole ? inArray(users.id, withRole) : undefined,
        needle
          ? or(
              ilike(users.username, `%${needle}%`),
              ilike(users.displayName, `%${needle}%`),
              ilike(users.displayNameEn, `%${needle}%`),
            )
          : undefined,
      ),
    )
    .orderBy(asc(users.username))
    .limit(LIMIT);
  if (rows.length === 0) return [];
  const grants = await db
    .select({
      userId: roleAssignments.userId,
      role: roleAssignments.role,
      orgUnitId: roleAssignments.orgUnitId,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
    })
    .from(roleAssignments)
    .leftJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(
      inArray(
        roleAssignments.userId,
        rows.map((r) => r.id),
      ),
    );
  const rolesOf = new Map<string, Omit<(typeof grants)[number], 'userId'>[]>();
  for (const { userId, ...g } of grants) rolesOf.set(userId, [...(rolesOf.get(userId) ?? []), g]);
  return rows.map((r) => ({ ...r, roles: rolesOf.get(r.id) ?? [] }));
}

/** Login names: letters, digits, `.`, `_`, `-`, 2 to 64 characters, starting with a letter or digit. */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;

/**
 * Creates the first administrator of an install (command line `init --admin`): roles admin and office
 * over the whole government, a random password returned once, to be changed at first login. Refused
 * while any administrator exists, so it cannot be used to take over an install.
 */
export async function initAdmin(db: Db, init: { username: string; displayName?: string }) {
  const input = { ...init, username: normalizeUsername(init.username) };
  if (!USERNAME.test(input.username))
    throw badRequest('Invalid username', [
      { path: 'username', message: 'letters, digits, . _ - only; 2 to 64 characters' },
    ]);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // One init at a time, and none once an administrator exists.
    await tx.execute(sql`select pg_advisory_xact_lock(${INIT_LOCK})`);
    const admins = await tx
      .select({ username: users.username })
      .from(roleAssignments)
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .where(eq(roleAssignments.role, 'admin'));
    if (admins.length)
      throw conflict(
        `An administrator exists already (${admins.map((a) => a.username).join(', ')}); init is for a new install`,
        [{ path: 'admin', message: 'an administrator exists' }],
        'admin_exists',
      );
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.username, input.username));
    if (taken) throw conflict('This username is taken', [{ path: 'username', message: 'taken' }]);
    const [u] = await tx
      .insert(users)
      .values({
        username: input.username,
        displayName: input.displayName?.trim() || input.username,
        passwordHash,
        mustChangePassword: true,
        passwordSetAt: new Date(),
      })
      .returning();
    const roles = ['admin', 'office'] as const;
    await tx.insert(roleAssignments).values(roles.map((role) => ({ userId: u.id, role, orgUnitId: null })));
    await appendAudit(tx, [
      {
        actorId: systemActor().id,
        action: 'user.init_admin',
        entityType: 'user',
        entityId: u.id,
        data: { username: u.username, displayName: u.displayName, roles },
      },
    ]);
    return { user: { id: u.id, username: u.username, displayName: u.displayName, roles }, password };
  });
}

/**
 * Gives an account a new random password (returned once) that it must change at first login, and ends
 * its sessions. The office or an administrator; an administrator's account only by an administrator.
 * The command line passes `systemActor()`.
 */
export async function resetPassword(db: Db, actor: Actor | null, userId: string) {
  const a = requireOffice(actor, 'Resetting passwords');
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!u) throw notFound('User');
    const roles = await tx
      .select({ role: roleAssignments.role })
      .from(roleAssignments)
      .where(eq(roleAssignments.userId, userId));
    if (roles.some((r) => r.role === 'admin') && !hasRole(a, 'admin'))
      throw forbidden("Only an administrator resets an administrator's password");
    if (u.id === a.id)
      throw badRequest('Change your own password instead', [
        { path: 'id', message: 'is your own account: use POST /api/auth/password' },
      ]);
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true, passwordSetAt: new Date() })
      .where(eq(users.id, userId));
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'user.password_reset',
        entityType: 'user',
        entityId: u.id,
        data: { username: u.username },
      },
    ]);
    return { user: { id: u.id, username: u.username, displayName: u.displayName }, password };
  });
}

/**
 * Encrypts e-mail addresses and phone numbers still stored in plaintext (written before field encryption)
 * and fills their blind indexes; run at every start, a no-op once done. Idempotent and safe to interrupt.
 */
export async function sealLegacyContacts(db: Db): Promise<number> {
  const rows = await db
    .select({ id: users.id, email: users.email, phone: users.phone })
    .from(users)
    .where(
      or(
        and(isNotNull(users.email), notLike(users.email, 'enc:v1:%')),
        and(isNotNull(users.phone), notLike(users.phone, 'enc:v1:%')),
      ),
    );
  for (const r of rows) {
    const email = r.email && !isEncrypted(r.email) ? normalizeContact('email', r.email) : null;
    const phone = r.phone && !isEncrypted(r.phone) ? normalizeContact('phone', r.phone) : null;
    await db
      .update(users)
      .set({
        ...(email ? { email: encryptField(email), emailLookup: contactLookup('email', email) } : {}),
        ...(phone ? { phone: encryptField(phone), phoneLookup: contactLookup('phone', phone) } : {}),
      })
      .where(eq(users.id, r.id));
  }
  return rows.length;
}

/** One role of an account: the role and the org unit whose subtree it covers (null: everywhere). */
export interface RoleGrantInput {
  role: Role;
  orgUnitId: string | null;
}

/** Whether the actor grants roles (the security administrator, 三员分立). */
export const grantsRoles = (actor: Actor | null) => hasRole(actor, 'security_admin');

/**
 * Replaces the roles of an account: the security administrator's duty (三员分立), never the system
 * administrator's or the audit administrator's. Refuses granting roles to oneself, and in production an
 * account holding two of admin, security_admin, audit_admin (409 `duties_conflict`). Audited as a `user`
 * entry (which snapshots the account's role assignments), so verify-audit covers the change.
 */
export async function setUserRoles(db: Db, actor: Actor | null, userId: string, roles: RoleGrantInput[]) {
  const a = requireActor(actor);
  if (!grantsRoles(a)) throw forbidden('Roles are granted by the security administrator');
  if (userId === a.id)
    throw badRequest('The security administrator does not grant roles to themself', [
      { path: 'id', message: 'is your own account' },
    ]);
  const key = (g: { role: string; orgUnitId: string | null }) => `${g.role}@${g.orgUnitId ?? ''}`;
  const want = [...new Map(roles.map((g) => [key(g), g])).values()];
  assertSeparateDuties(
    want.map((g) => g.role),
    'roles',
  );
  return db.transaction(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!u) throw notFound('User');
    const units = want.filter((g) => g.orgUnitId).map((g) => g.orgUnitId!);
    if (units.length) {
      const found = new Set(
        (await tx.select({ id: orgUnits.id }).from(orgUnits).where(inArray(orgUnits.id, units))).map(
          (o) => o.id,
        ),
      );
      const bad = want.findIndex((g) => g.orgUnitId && !found.has(g.orgUnitId));
      if (bad >= 0)
        throw badRequest('Unknown org unit', [{ path: `roles.${bad}.orgUnitId`, message: 'not found' }]);
    }
    const before = await tx
      .select({ role: roleAssignments.role, orgUnitId: roleAssignments.orgUnitId })
      .from(roleAssignments)
      .where(eq(roleAssignments.userId, userId));
    await tx.delete(roleAssignments).where(eq(roleAssignments.userId, userId));
    if (want.length)
      await tx
        .insert(roleAssignments)
        .values(want.map((g) => ({ userId, role: g.role, orgUnitId: g.orgUnitId })));
    // Roles are read at each request from the assignments; sessions need not end, but a lost role
    // takes effect at once.
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'user.roles',
        entityType: 'user',
        entityId: u.id,
        data: { username: u.username, from: before.map(key).sort(), to: want.map(key).sort() },
      },
    ]);
    return { id: u.id, username: u.username, roles: want };
  });
}
