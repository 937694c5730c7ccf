import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyFrameUnits, surveySamples } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { surveyPermissions } from './permissions';
import { latestVersion, loadSurvey, presentSample, presentSurvey, presentVersion } from './shared';

export async function getSurvey(db: Db, actor: Actor | null, id: string) {
  requireOffice(actor, 'Surveys');
  const s = await loadSurvey(db, id);
  const version = await latestVersion(db, id);
  const [sample] = await db.select().from(surveySamples).where(eq(surveySamples.surveyId, id));
  const frame = await db
    .select({ stratum: surveyFrameUnits.stratum, n: count() })
    .from(surveyFrameUnits)
    .where(eq(surveyFrameUnits.surveyId, id))
    .groupBy(surveyFrameUnits.stratum)
    .orderBy(asc(surveyFrameUnits.stratum));
  return {
    survey: presentSurvey(s),
    version: version ? presentVersion(version) : null,
    sample: sample ? presentSample(sample) : null,
    frame: {
      size: frame.reduce((a, f) => a + f.n, 0),
      strata: frame.map((f) => ({ stratum: f.stratum, population: f.n })),
    },
    can: surveyPermissions(s, version, !!sample),
  };
}
