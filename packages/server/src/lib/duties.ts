/**
 * Separation of duties (三员分立, MLPS level 3): the system administrator (accounts, organisation), the
 * security administrator (roles and policies) and the audit administrator (reads the audit log and its
 * verification) are different people. In production (NODE_ENV=production) no account may hold two of
 * these roles: refused when roles are granted or imported (409 `duties_conflict`), warned at start.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { conflict } from './errors';

export const DUTY_ROLES = ['admin', 'security_admin', 'audit_admin'] as const;

/** Whether the separation is enforced (production). */
export const dutiesEnforced = () => process.env.NODE_ENV === 'production';

/** The duty roles among `roles` when there are two or more of them, else an empty list. */
export function conflictingDuties(roles: Iterable<string>): string[] {
  const held = DUTY_ROLES.filter((d) => [...roles].includes(d));
  return held.length >= 2 ? held : [];
}

/** Refuses (409 `duties_conflict`, naming the roles) an account that would hold two duty roles, in production. */
export function assertSeparateDuties(roles: Iterable<string>, path = 'roles', who = 'This account') {
  if (!dutiesEnforced()) return;
  const held = conflictingDuties(roles);
  if (held.length)
    throw conflict(
      `${who} would hold ${held.join(' and ')}: separation of duties forbids one account holding two of ${DUTY_ROLES.join(', ')}`,
      [{ path, message: `holds ${held.join(' and ')}` }],
      'duties_conflict',
    );
}

/** Accounts that hold two or more duty roles (for the start-up warning). */
export async function dutyConflicts(db: Db): Promise<{ username: string; roles: string[] }[]> {
  const rows = await rowsOf<{ username: string; roles: string[] }>(
    db,
    sql`select u.username, array_agg(distinct r.role order by r.role) as roles
        from role_assignments r join users u on u.id = r.user_id
        where r.role in ('admin', 'security_admin', 'audit_admin') and not u.disabled
        group by u.username having count(distinct r.role) > 1 order by u.username`,
  );
  return rows;
}
