import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveys } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { loadSurvey, presentSurvey } from './shared';
import { canCloseFielding } from './permissions';

export async function closeFielding(db: Db, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'Fieldwork');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (!canCloseFielding(s))
      throw conflict(`The survey is ${s.status}`, [{ path: 'status', message: s.status }]);
    const [row] = await tx
      .update(surveys)
      .set({ status: 'closed', closedAt: new Date() })
      .where(eq(surveys.id, id))
      .returning();
    await appendAudit(tx, [{ actorId: a.id, action: 'survey.close', entityType: 'survey', entityId: id }]);
    return presentSurvey(row);
  });
}
