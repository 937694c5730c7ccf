/** The accounts sheet: accounts matched by username, with their roles and scopes; one-time passwords. */
import { CreatePersonBody } from '@perfcommons/contracts';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { orgUnits, roleAssignments, users } from '../../db/schema';
import { assertSeparateDuties } from '../../lib/duties';
import { hasRole, ROLES, type Actor, type Role } from '../../lib/actor';
import type { ErrorDetail } from '../../lib/errors';
import { isOneOf } from '../../lib/one-of';
import type { AuditEntryInput } from '../audit/service';
import { generatePassword, hashPassword } from '../auth/password';
import { contactLookup, decryptField, decryptOptional, encryptOptional } from '../../lib/crypto';
import { USERNAME } from '../users/service';
import type { ParsedSheet } from './sheet';
import {
  RowCheck,
  firstRows,
  diff,
  changesOf,
  type Planned,
  type RowOutcome,
  type Credential,
  normalizeUsernames,
} from './rows';

const ROLE_ALIASES: Record<string, Role> = {
  系统管理员: 'admin',
  管理员: 'admin',
  绩效办: 'office',
  单位管理员: 'unit_manager',
  考核对象: 'appraisee',
  评价人: 'evaluator',
  核验员: 'verifier',
  公众: 'public',
};
/** Roles that act for one unit and need its code. */
const SCOPED: Role[] = ['unit_manager', 'appraisee'];

interface Grant {
  role: Role;
  orgUnitId: string | null;
}

const grantKey = (g: Grant) => `${g.role}@${g.orgUnitId ?? ''}`;

/**
 * Accounts: username, displayName, displayNameEn, email, roles (`role@unitCode; role`). The roles of
 * an existing account become exactly those of the row. Only an administrator grants or takes away the
 * admin role, and nobody takes their own admin or office role away by import.
 */
export async function planAccounts(db: DbOrTx, actor: Actor, sheet: ParsedSheet): Promise<Planned> {
  normalizeUsernames(sheet);
  const errors: ErrorDetail[] = [];
  const dup = firstRows(sheet.rows, (r) => r.cells.username, 'username', errors);
  const emailDup = firstRows(sheet.rows, (r) => (r.cells.email ?? '').toLowerCase(), 'email', errors);
  const has = (c: string) => sheet.columns.has(c);
  const units = await db.select({ id: orgUnits.id, code: orgUnits.code }).from(orgUnits);
  const unitId = new Map(units.map((u) => [u.code, u.id]));
  const unitCode = new Map(units.map((u) => [u.id, u.code]));
  const usernames = [...new Set(sheet.rows.map((r) => r.cells.username).filter(Boolean))];
  const emails = [...new Set(sheet.rows.map((r) => (r.cells.email ?? '').toLowerCase()).filter(Boolean))];
  // E-mails are stored encrypted (lib/crypto): compared in plaintext here, matched by their blind index.
  const stored = (
    usernames.length ? await db.select().from(users).where(inArray(users.username, usernames)) : []
  ).map((u) => ({ ...u, email: decryptOptional(u.email) }));
  const byName = new Map(stored.map((u) => [u.username, u]));
  const emailOwner = new Map(
    emails.length
      ? (
          await db
            .select({ email: users.email, username: users.username })
            .from(users)
            .where(
              inArray(
                users.emailLookup,
                emails.map((e) => contactLookup('email', e)),
              ),
            )
        ).map((u) => [decryptField(u.email!), u.username])
      : [],
  );
  const grantsOf = new Map<string, Grant[]>();
  if (stored.length)
    for (const g of await db
      .select({
        userId: roleAssignments.userId,
        role: roleAssignments.role,
        orgUnitId: roleAssignments.orgUnitId,
      })
      .from(roleAssignments)
      .where(
        inArray(
          roleAssignments.userId,
          stored.map((u) => u.id),
        ),
      ))
      grantsOf.set(g.userId, [...(grantsOf.get(g.userId) ?? []), { role: g.role, orgUnitId: g.orgUnitId }]);
  const isAdmin = hasRole(actor, 'admin');
  // Names as the console's cadre names: trimmed, 1 to 100 characters, no control characters.
  const { name: nameSchema, nameEn: nameEnSchema } = CreatePersonBody.shape;

  const outcomes: RowOutcome[] = [];
  const creates: {
    username: string;
    displayName: string;
    displayNameEn: string | null;
    email: string | null;
    grants: Grant[];
  }[] = [];
  const updates: {
    before: typeof users.$inferSelect;
    set: Record<string, string | null>;
    changes: string[];
    add: Grant[];
    remove: Grant[];
    from: Grant[];
    to: Grant[];
  }[] = [];
  for (const r of sheet.rows) {
    const check = new RowCheck(r, errors);
    const username = r.cells.username ?? '';
    if (!username) check.add('username', 'required');
    else if (!USERNAME.test(username))
      check.add('username', 'letters, digits, . _ - only; 2 to 64 characters');
    const displayName = check.parse('displayName', nameSchema);
    const displayNameEn = has('displayNameEn') ? check.parse('displayNameEn', nameEnSchema, true) : undefined;
    const emailCell = (r.cells.email ?? '').toLowerCase();
    let email: string | null | undefined;
    if (has('email')) {
      email = emailCell || null;
      if (emailCell && !z.email().safeParse(emailCell).success) check.add('email', 'not an e-mail address');
      else if (emailCell && emailOwner.has(emailCell) && emailOwner.get(emailCell) !== username)
        check.add('email', `already used by ${emailOwner.get(emailCell)}`);
    }
    const grants = parseRoles(r.cells.roles ?? '', unitId, (m) => check.add('roles', m));
    const before = byName.get(username);
    const current = before ? (grantsOf.get(before.id) ?? []) : [];
    const want = new Set(grants.map(grantKey));
    const have = new Set(current.map(grantKey));
    const add = grants.filter((g) => !have.has(grantKey(g)));
    const remove = current.filter((g) => !want.has(grantKey(g)));
    if (!isAdmin && [...add, ...remove].some((g) => g.role === 'admin'))
      check.add('roles', 'only an administrator grants or removes the admin role');
    if (before?.id === actor.id && remove.some((g) => g.role === 'admin' || g.role === 'office'))
      check.add('roles', 'would take away your own admin or office role');
    // Separation of duties (三员分立, production): refused outright, naming the roles (409).
    assertSeparateDuties(
      grants.map((g) => g.role),
      `rows.${r.row}.roles`,
      `Account ${username}`,
    );
    if (!check.ok || dup.has(r.row) || emailDup.has(r.row)) {
      outcomes.push({ row: r.row, key: username, action: 'error', changes: [] });
      continue;
    }
    const set: Record<string, string | null> = { displayName: displayName! };
    if (displayNameEn !== undefined) set.displayNameEn = displayNameEn ?? null;
    if (email !== undefined) set.email = email;
    if (!before) {
      creates.push({
        username,
        displayName: displayName!,
        displayNameEn: displayNameEn ?? null,
        email: email ?? null,
        grants,
      });
      outcomes.push({ row: r.row, key: username, action: 'create', changes: [] });
      continue;
    }
    const changes = diff(before, set);
    if (add.length || remove.length) changes.push('roles');
    if (changes.length) updates.push({ before, set, changes, add, remove, from: current, to: grants });
    outcomes.push({ row: r.row, key: username, action: changes.length ? 'update' : 'unchanged', changes });
  }

  const roleText = (gs: Grant[]) =>
    gs.map((g) => (g.orgUnitId ? `${g.role}@${unitCode.get(g.orgUnitId)}` : g.role)).sort();
  return {
    outcomes,
    errors,
    async apply(tx, a) {
      const audit: AuditEntryInput[] = [];
      const credentials: Credential[] = [];
      // scrypt on the thread pool, a few at a time.
      const hashes: string[] = [];
      for (let i = 0; i < creates.length; i += 4) {
        const batch = creates.slice(i, i + 4).map(() => generatePassword());
        hashes.push(...(await Promise.all(batch.map(hashPassword))));
        batch.forEach((password, k) =>
          credentials.push({
            username: creates[i + k].username,
            displayName: creates[i + k].displayName,
            password,
          }),
        );
      }
      const now = new Date();
      for (let i = 0; i < creates.length; i += 500) {
        const chunk = creates.slice(i, i + 500);
        const inserted = await tx
          .insert(users)
          .values(
            chunk.map((c, k) => ({
              username: c.username,
              displayName: c.displayName,
              displayNameEn: c.displayNameEn,
              email: encryptOptional(c.email),
              emailLookup: c.email ? contactLookup('email', c.email) : null,
              passwordHash: hashes[i + k],
              mustChangePassword: true,
              passwordSetAt: now,
            })),
          )
          .returning({ id: users.id, username: users.username });
        const grants = inserted.flatMap((u, k) => chunk[k].grants.map((g) => ({ userId: u.id, ...g })));
        if (grants.length) await tx.insert(roleAssignments).values(grants);
        inserted.forEach((u, k) =>
          audit.push({
            actorId: a.id,
            action: 'user.create',
            entityType: 'user',
            entityId: u.id,
            data: {
              username: u.username,
              displayName: chunk[k].displayName,
              roles: roleText(chunk[k].grants),
              source: 'import',
            },
          }),
        );
      }
      for (const u of updates) {
        const sealed =
          'email' in u.set
            ? {
                email: encryptOptional(u.set.email),
                emailLookup: u.set.email ? contactLookup('email', u.set.email) : null,
              }
            : {};
        const [stored] = await tx
          .update(users)
          .set({ ...u.set, ...sealed })
          .where(eq(users.id, u.before.id))
          .returning();
        const after = { ...stored, email: decryptOptional(stored.email) };
        for (const g of u.remove)
          await tx
            .delete(roleAssignments)
            .where(
              and(
                eq(roleAssignments.userId, u.before.id),
                eq(roleAssignments.role, g.role),
                g.orgUnitId ? eq(roleAssignments.orgUnitId, g.orgUnitId) : isNull(roleAssignments.orgUnitId),
              ),
            );
        if (u.add.length)
          await tx.insert(roleAssignments).values(u.add.map((g) => ({ userId: u.before.id, ...g })));
        const fields = u.changes.filter((c) => c !== 'roles');
        audit.push({
          actorId: a.id,
          action: 'user.update',
          entityType: 'user',
          entityId: u.before.id,
          data: {
            username: after.username,
            changes: {
              ...changesOf(u.before, after, fields),
              ...(u.changes.includes('roles')
                ? { roles: { from: roleText(u.from), to: roleText(u.to) } }
                : {}),
            },
            source: 'import',
          },
        });
      }
      return { audit, credentials };
    },
  };
}

/** `unit_manager@edu; evaluator` → grants; each problem reported through `fail`. */
function parseRoles(cell: string, unitId: Map<string, string>, fail: (m: string) => void): Grant[] {
  const grants = new Map<string, Grant>();
  for (const item of cell.split(/[;；,，、\n]/)) {
    const s = item.trim();
    if (!s) continue;
    const [name, unit, ...rest] = s.split(/[@＠]/).map((x) => x.trim());
    const role = isOneOf(ROLES, name) ? name : ROLE_ALIASES[name];
    if (!role || rest.length) {
      fail(`${s}: unknown role (${ROLES.join(', ')})`);
      continue;
    }
    if (unit && !unitId.has(unit)) {
      fail(`${s}: no unit ${unit}`);
      continue;
    }
    if (!unit && SCOPED.includes(role)) {
      fail(`${s}: ${role} needs a unit (${role}@unitCode)`);
      continue;
    }
    const g = { role, orgUnitId: unit ? unitId.get(unit)! : null };
    grants.set(grantKey(g), g);
  }
  return [...grants.values()];
}
