import type { Role } from '@perfcommons/contracts/enums';
import { forbidden, unauthorized } from './errors';

/** Roles of PerfCommons (`@perfcommons/contracts/enums`); permissions are checked in services against these. */
export { ROLES, type Role } from '@perfcommons/contracts/enums';

export interface RoleGrant {
  role: Role;
  /** Scope: the org unit whose subtree the role covers; null = the whole government. */
  orgUnitId: string | null;
  /** Materialised path of that org unit (`/city/edu/`), null when global. */
  orgPath: string | null;
}

/** The authenticated user of a request, or null for anonymous. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  displayNameEn: string | null;
  roles: RoleGrant[];
}

export const hasRole = (actor: Actor | null, ...roles: Role[]) =>
  !!actor && actor.roles.some((r) => roles.includes(r.role));

/** Office and admin see and change everything. */
export const isOffice = (actor: Actor | null) => hasRole(actor, 'office', 'admin');

/** Whether the actor holds one of `roles` over the org unit with materialised path `orgPath`. */
export function coversOrg(actor: Actor | null, orgPath: string, ...roles: Role[]): boolean {
  if (!actor) return false;
  return actor.roles.some(
    (r) => roles.includes(r.role) && (r.orgPath === null || orgPath.startsWith(r.orgPath)),
  );
}

/** The actor, or a 401 when nobody is logged in. */
export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw unauthorized();
  return actor;
}

/** The actor when it is the performance office or admin; 401/403 otherwise. */
export function requireOffice(actor: Actor | null, what = 'This'): Actor {
  const a = requireActor(actor);
  if (!isOffice(a)) throw forbidden(`${what} is for the performance office`);
  return a;
}
