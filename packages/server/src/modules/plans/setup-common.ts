import type { DbOrTx } from '../../db/client';
import type { Actor } from '../../lib/actor';
import { AppError, badRequest } from '../../lib/errors';
import { getCycle } from '../cycles/service';
import { loadPlanScope } from './access';
import { staffPlanView } from './service';

/** The cycle a set-up writes to, locked against concurrent set-ups; an unknown id is the request's fault (400). */
export async function lockCycle(tx: DbOrTx, id: string) {
  try {
    return await getCycle(tx, id, { forUpdate: true });
  } catch (err) {
    if (err instanceof AppError && err.statusCode === 404)
      throw badRequest('No such cycle', [{ path: 'cycleId', message: 'unknown cycle' }]);
    throw err;
  }
}

/** The staff view of one plan, as the set-up answers carry it. */
export async function planSummary(db: DbOrTx, actor: Actor | null, planId: string) {
  return { plan: staffPlanView(actor, await loadPlanScope(db, planId)) };
}
