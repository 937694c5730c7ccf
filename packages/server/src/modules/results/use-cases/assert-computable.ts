import { type Db } from '../../../db/client';
import { requireOffice, type Actor } from '../../../lib/actor';
import { computable } from './shared';

/**
 * Checks, before a compute job is queued, what the compute itself checks first (office, cycle state,
 * frozen rules), so a refusal answers at once instead of as a failed job.
 */
export async function assertComputable(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Computing results');
  await computable(db, cycleId, {});
}
