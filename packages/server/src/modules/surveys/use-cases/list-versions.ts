import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyVersions } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { loadSurvey, presentVersion } from './shared';

export async function listVersions(db: Db, actor: Actor | null, id: string) {
  requireOffice(actor, 'Surveys');
  await loadSurvey(db, id);
  const rows = await db
    .select()
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, id))
    .orderBy(desc(surveyVersions.version));
  return rows.map(presentVersion);
}
