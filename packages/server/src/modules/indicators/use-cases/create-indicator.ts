import type { CreateIndicatorInput } from '@perfcommons/contracts';
import type { Db } from '../../../db/client';
import { indicatorLibrary } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict, isUniqueViolation } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { assertOwner, columnsOf, entryById } from './shared';

/** Adds an indicator (version 1). Office only; a taken code is 409. */
export async function createIndicator(db: Db, actor: Actor | null, input: CreateIndicatorInput) {
  const a = requireOffice(actor, 'Editing the indicator library');
  try {
    return await db.transaction(async (tx) => {
      await assertOwner(tx, input.ownerOrgUnitId);
      const [row] = await tx
        .insert(indicatorLibrary)
        .values({ code: input.code, version: 1, status: 'active', createdBy: a.id, ...columnsOf(input) })
        .returning();
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'indicator.create',
          entityType: 'indicator_definition',
          entityId: row.id,
          data: { code: row.code, version: 1 },
          entity: row,
        },
      ]);
      return { entry: await entryById(tx, row.id) };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(`Indicator code ${input.code} is taken`, [{ path: 'code', message: 'taken' }]);
    throw err;
  }
}
