import { count, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyInvitations, surveyVersions, surveys } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { assertDefinition, latestVersion, loadSurvey, presentSurvey } from './shared';
import { canStartFielding } from './permissions';

/** Starts fieldwork: the latest questionnaire version is frozen and every answer will refer to it. */
export async function startFielding(db: Db, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'Fieldwork');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (!canStartFielding(s))
      throw conflict(`The survey is ${s.status}`, [{ path: 'status', message: s.status }]);
    const v = await latestVersion(tx, id);
    if (!v) throw conflict('The survey has no questionnaire', [{ path: 'definition', message: 'missing' }]);
    await assertDefinition(tx, v.definition, s.cycleId);
    const [inv] = await tx
      .select({ n: count() })
      .from(surveyInvitations)
      .where(eq(surveyInvitations.surveyId, id));
    if (inv.n === 0 && !s.openMode)
      throw conflict('Draw a sample (or allow open mode) before fielding', [
        { path: 'sample', message: 'missing' },
      ]);
    const now = new Date();
    await tx.update(surveyVersions).set({ frozenAt: now }).where(eq(surveyVersions.id, v.id));
    const [row] = await tx
      .update(surveys)
      .set({ status: 'fielding', fieldingStartedAt: now, fieldedVersionId: v.id })
      .where(eq(surveys.id, id))
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.start',
        entityType: 'survey',
        entityId: id,
        data: { version: v.version },
      },
    ]);
    return presentSurvey(row);
  });
}
