/**
 * The per-cycle disclosure policy (what the public sees of published results): read and set by the
 * office, applied through the domain's discloseResult by every public path — /api/public/results,
 * public callers of /api/results and /api/cycles/:id/results, the portal (which reads those), the open
 * data bundle and the CSV/XLSX exports.
 */
import { eq } from 'drizzle-orm';
import { DEFAULT_DISCLOSURE, type DisclosurePolicy } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import { cycleDisclosures } from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { badRequest } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { getCycle } from '../cycles/service';

/** The cycle's policy; the default when the office has not set one. */
export async function getDisclosure(
  db: DbOrTx,
  cycleId: string,
): Promise<DisclosurePolicy & { isDefault: boolean }> {
  const [row] = await db.select().from(cycleDisclosures).where(eq(cycleDisclosures.cycleId, cycleId));
  if (!row) return { ...DEFAULT_DISCLOSURE, isDefault: true };
  return {
    unitResults: row.unitResults,
    cadreGrades: row.cadreGrades,
    cadreConsequences: row.cadreConsequences,
    isDefault: false,
  };
}

/** Sets the policy of a cycle (office); takes effect at once on every public path. Audited. */
export async function setDisclosure(db: Db, actor: Actor | null, cycleId: string, policy: DisclosurePolicy) {
  const a = requireOffice(actor, 'The disclosure policy');
  if (policy.cadreConsequences && !policy.cadreGrades)
    throw badRequest('Consequences of cadres are published only with their grades', [
      { path: 'cadreConsequences', message: 'requires cadreGrades' },
    ]);
  return db.transaction(async (tx) => {
    await getCycle(tx, cycleId);
    const before = await getDisclosure(tx, cycleId);
    const values = { ...policy, updatedAt: new Date(), updatedBy: a.id };
    await tx
      .insert(cycleDisclosures)
      .values({ cycleId, ...values })
      .onConflictDoUpdate({ target: cycleDisclosures.cycleId, set: values });
    const { isDefault: _d, ...was } = before;
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'cycle.disclosure',
        entityType: 'cycle_disclosure',
        entityId: cycleId,
        data: { before: was, after: policy },
      },
    ]);
    return getDisclosure(tx, cycleId);
  });
}
