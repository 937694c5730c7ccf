import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { indicatorLibrary } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { currentVersion, entryById } from './shared';

/** Retires an indicator: no longer offered for picking; plans that use it keep it. Office only. */
export async function retireIndicator(
  db: Db,
  actor: Actor | null,
  code: string,
  input: { version: number; reason: string },
) {
  const a = requireOffice(actor, 'Editing the indicator library');
  return db.transaction(async (tx) => {
    const cur = await currentVersion(tx, code, input.version);
    if (cur.status === 'retired')
      throw conflict('The indicator is retired already', [{ path: 'status', message: 'retired' }]);
    const [row] = await tx
      .update(indicatorLibrary)
      .set({ status: 'retired', retiredReason: input.reason })
      .where(eq(indicatorLibrary.id, cur.id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'indicator.retire',
        entityType: 'indicator_definition',
        entityId: row.id,
        data: { code, version: row.version, reason: input.reason },
        entity: row,
      },
    ]);
    return { entry: await entryById(tx, row.id) };
  });
}
