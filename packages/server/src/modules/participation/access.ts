import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { cycles, orgUnits } from '../../db/schema';
import { coversOrg, hasRole, isOffice, requireActor, type Actor } from '../../lib/actor';
import { conflict, forbidden, notFound } from '../../lib/errors';
import type { PlanScope } from '../plans/access';

/** Participant categories, the public ones and the kinds of ties: one list, in contracts. */
export {
  PARTICIPANT_CATEGORIES as CATEGORIES,
  PUBLIC_CATEGORIES,
  RELATIONSHIP_KINDS,
} from '@perfcommons/contracts';

/** Whether the actor is a public participant (role `public`). */
export const isParticipant = (actor: Actor | null) => hasRole(actor, 'public');

/** A public participant (role `public`); officials act through the official endpoints. */
export function requireParticipant(actor: Actor | null): Actor {
  const a = requireActor(actor);
  if (!isParticipant(a)) throw forbidden('This is for public participants');
  return a;
}

/** Whether the actor answers for some unit (the participation page): the office or a unit manager. */
export const isUnitOfficial = (actor: Actor | null) => isOffice(actor) || hasRole(actor, 'unit_manager');

/** The org unit the actor manages (its first unit-manager grant), null when none or global. */
export const managedUnitId = (actor: Actor | null) =>
  actor?.roles.find((r) => r.role === 'unit_manager')?.orgUnitId ?? null;

/** Officials answering for a unit: the office, or a manager of the unit's subtree. */
export function assertUnitOfficial(actor: Actor | null, orgPath: string, what = 'This'): Actor {
  const a = requireActor(actor);
  if (isOffice(a) || coversOrg(a, orgPath, 'unit_manager')) return a;
  throw forbidden(`${what} is for the unit's manager or the performance office`);
}

/** How an official or stakeholder speaks in a thread about a plan. */
export function speakerRole(actor: Actor, scope: PlanScope): 'office' | 'cadre' | 'unit' | 'stakeholder' {
  if (isOffice(actor)) return 'office';
  if (scope.personUserId === actor.id || coversOrg(actor, scope.orgPath, 'appraisee')) return 'cadre';
  if (coversOrg(actor, scope.orgPath, 'unit_manager')) return 'unit';
  if (hasRole(actor, 'public')) return 'stakeholder';
  throw forbidden('Only the cadre, the unit, the performance office and public participants take part here');
}

export async function loadUnit(db: DbOrTx, id: string) {
  const [u] = await db.select().from(orgUnits).where(eq(orgUnits.id, id));
  if (!u) throw notFound('Org unit');
  return u;
}

export async function loadCycle(db: DbOrTx, id: string) {
  const [c] = await db.select().from(cycles).where(eq(cycles.id, id));
  if (!c) throw notFound('Cycle');
  return c;
}

/** Refuses unless the cycle is in one of `stages`. */
export function assertStage(cycle: { stage: string }, stages: string[], what: string) {
  if (!stages.includes(cycle.stage))
    throw conflict(`${what} is open while the cycle is in ${stages.join(' or ')}; it is in ${cycle.stage}`, [
      { path: 'cycle.stage', message: `not ${stages.join('/')}` },
    ]);
}
