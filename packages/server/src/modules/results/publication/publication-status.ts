import type { Db } from '../../../db/client';
import { requireOffice, type Actor } from '../../../lib/actor';
import { appraiseeNames, blockersOf } from './shared';
import { publicationState } from './publication-state';

/**
 * The console's publication panel: the publication state and history, and what stands between the
 * cycle and its publication (each approved plan without a complete, fresh result, with its reasons).
 */
export async function publicationStatus(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Publication checks');
  const state = await publicationState(db, cycleId);
  const blockers = await blockersOf(db, cycleId);
  const names = await appraiseeNames(db, [...blockers.keys()]);
  return {
    ...state,
    blockers: [...blockers].map(([planId, list]) => ({
      planId,
      title: names.get(planId) ?? planId,
      blockers: list,
    })),
  };
}
