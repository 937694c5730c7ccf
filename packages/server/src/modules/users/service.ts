import { and, asc, eq, ilike, inArray, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { orgUnits, roleAssignments, users } from '../../db/schema';
import { requireOffice, type Actor, type Role } from '../../lib/actor';

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
