import type { Capabilities } from '@perfcommons/contracts';
import { hasRole, isOffice, type Actor } from '../../lib/actor';
import { canReadAudit } from '../audit/service';
import { seesAppeals } from '../appeals/service';
import { isStaff } from '../indicators/use-cases/shared';
import { readsServiceData } from '../linkage/rates';
import { followsPlans } from '../monitoring/common';
import { isParticipant, isUnitOfficial, managedUnitId } from '../participation/access';
import { grantsRoles } from '../users/service';
import { usesVerifyQueue } from '../values/queue';

/**
 * Roles with a section of their own on 我的待办 (`todo/service.ts` myTodo: values due, comments, the verify
 * queue, rating tasks, appeals); the office has the stage preconditions there.
 */
const TODO_ROLES = ['unit_manager', 'verifier', 'evaluator', 'appraisee'] as const;

/**
 * What the actor may do across the console (`/api/auth/me` `capabilities`), by the predicates the services
 * refuse with: `isOffice` is what `requireOffice` checks (surveys, rater panels and rules, cycles, the
 * organisation tree, bulk approval, plan owners, service data imports and feed, findings); the others are
 * named where their rule is enforced.
 */
export function capabilities(a: Actor): Capabilities {
  const office = isOffice(a);
  return {
    home:
      office || hasRole(a, ...TODO_ROLES)
        ? '/todo'
        : canReadAudit(a)
          ? '/audit'
          : grantsRoles(a)
            ? '/orgs'
            : '/results',
    pages: {
      indicators: isStaff(a),
      verify: usesVerifyQueue(a),
      evaluation: office,
      surveys: office,
      appeals: seesAppeals(a),
      monitoring: followsPlans(a),
      participation: isUnitOfficial(a),
      linkage: readsServiceData(a),
    },
    createCycles: office,
    editOrgs: office,
    approvePlans: office,
    assignPlanOwners: office,
    importServiceData: office,
    feedServiceData: office,
    recordFindings: office,
    managedOrgUnitId: managedUnitId(a),
    participate: isParticipant(a),
  };
}
