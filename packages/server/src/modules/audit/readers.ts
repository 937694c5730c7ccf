import type { Actor, Role } from '../../lib/actor';
import { hasRole, requireActor } from '../../lib/actor';
import { forbidden } from '../../lib/errors';
import { dutiesEnforced } from '../../lib/duties';

/**
 * Who reads the audit log and its verification. In production (`NODE_ENV=production`, where the
 * separation of duties is enforced: `lib/duties.ts`) the audit administrator only (三员分立: the office
 * and the system administrator, whose actions the log records, do not read it). Outside production
 * (development, the demo city, tests) the performance office and the administrator read it too, beside
 * the demo's `auditor`: a convenience for trying the demo and checking the chain in tests — the same
 * switch (`dutiesEnforced`) that lets the demo combine duty roles.
 * Nobody can alter the log through the API.
 */
export const auditReaderRoles = (): Role[] =>
  dutiesEnforced() ? ['audit_admin'] : ['audit_admin', 'office', 'admin'];

/** Whether the actor reads the audit log (sent to the console as `canReadAudit`). */
export const canReadAudit = (actor: Actor | null) => hasRole(actor, ...auditReaderRoles());

export function requireAuditReader(actor: Actor | null, what: string): Actor {
  const a = requireActor(actor);
  if (!canReadAudit(a))
    throw forbidden(
      dutiesEnforced()
        ? `${what} is for the audit administrator`
        : `${what} is for the audit administrator and the performance office`,
    );
  return a;
}
