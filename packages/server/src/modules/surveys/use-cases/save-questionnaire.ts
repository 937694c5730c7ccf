import type { Questionnaire } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { surveyVersions } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { assertDefinition, latestVersion, loadSurvey, presentVersion } from './shared';
import { canEditQuestionnaire } from './permissions';

/** Saves the questionnaire as a new version; refused once fielding has frozen it, or when `version` is stale. */
export async function saveQuestionnaire(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { definition: Questionnaire; version: number },
) {
  const a = requireOffice(actor, 'Designing surveys');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    const last = await latestVersion(tx, id);
    if (!canEditQuestionnaire(s, last))
      throw conflict(
        'The questionnaire is frozen since fielding started',
        [{ path: 'status', message: s.status }],
        'frozen',
      );
    if ((last?.version ?? 0) !== input.version)
      throw conflict(
        `The questionnaire changed meanwhile (now version ${last?.version ?? 0})`,
        [{ path: 'version', message: `expected ${last?.version ?? 0}` }],
        'version_conflict',
      );
    await assertDefinition(tx, input.definition, s.cycleId);
    const [v] = await tx
      .insert(surveyVersions)
      .values({ surveyId: id, version: input.version + 1, definition: input.definition, createdBy: a.id })
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.questionnaire',
        entityType: 'survey',
        entityId: id,
        data: { version: v.version },
      },
    ]);
    return presentVersion(v);
  });
}
