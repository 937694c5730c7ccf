import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveys } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { loadSurvey, presentSurvey } from './shared';

export interface UpdateSurveyInput {
  title?: string;
  titleEn?: string | null;
  description?: string | null;
  openMode?: boolean;
  quotas?: Record<string, number>;
  margins?: Record<string, Record<string, number>> | null;
}

/** Settings that may change at any time before publication (quotas and open mode steer fieldwork). */
export async function updateSurvey(db: Db, actor: Actor | null, id: string, input: UpdateSurveyInput) {
  const a = requireOffice(actor, 'Designing surveys');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (s.status === 'published')
      throw conflict('A published survey is not changed', [{ path: 'status', message: 'published' }]);
    const [row] = await tx.update(surveys).set(input).where(eq(surveys.id, id)).returning();
    await appendAudit(tx, [
      { actorId: a.id, action: 'survey.update', entityType: 'survey', entityId: id, data: input },
    ]);
    return presentSurvey(row);
  });
}
