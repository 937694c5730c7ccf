import { eq } from 'drizzle-orm';
import type { ReviseIndicatorInput } from '@perfcommons/contracts';
import type { Db } from '../../../db/client';
import { indicatorLibrary } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict, isUniqueViolation } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { assertOwner, columnsOf, currentVersion, entryById } from './shared';

/**
 * Edits an indicator: inserts the next version and marks the edited one superseded (plans keep
 * the version they picked). Office only; the edit names the version it started from.
 */
export async function reviseIndicator(
  db: Db,
  actor: Actor | null,
  code: string,
  input: ReviseIndicatorInput,
) {
  const a = requireOffice(actor, 'Editing the indicator library');
  try {
    return await db.transaction(async (tx) => {
      const cur = await currentVersion(tx, code, input.version);
      if (cur.status === 'retired')
        throw conflict('A retired indicator is not edited', [{ path: 'status', message: 'retired' }]);
      await assertOwner(tx, input.ownerOrgUnitId);
      const [old] = await tx
        .update(indicatorLibrary)
        .set({ status: 'superseded' })
        .where(eq(indicatorLibrary.id, cur.id))
        .returning();
      const [row] = await tx
        .insert(indicatorLibrary)
        .values({
          code,
          version: cur.version + 1,
          status: 'active',
          createdBy: a.id,
          changeNote: input.changeNote,
          ...columnsOf(input),
        })
        .returning();
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'indicator.supersede',
          entityType: 'indicator_definition',
          entityId: old.id,
          data: { code, version: old.version },
          entity: old,
        },
        {
          actorId: a.id,
          action: 'indicator.revise',
          entityType: 'indicator_definition',
          entityId: row.id,
          data: { code, version: row.version, changeNote: input.changeNote },
          entity: row,
        },
      ]);
      return { entry: await entryById(tx, row.id) };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(
        'The indicator was changed meanwhile; reload it',
        [{ path: 'version', message: 'stale' }],
        'version_conflict',
      );
    throw err;
  }
}
