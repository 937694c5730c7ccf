import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyFrameUnits, surveyInvitations, surveySamples } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { notFound } from '../../../lib/errors';
import { loadSurvey, presentSample } from './shared';

/** The drawn units, by frame id, in draw order per stratum (for audit and reproduction). */
export async function getSample(db: Db, actor: Actor | null, id: string) {
  requireOffice(actor, 'Sampling');
  await loadSurvey(db, id);
  const [sample] = await db.select().from(surveySamples).where(eq(surveySamples.surveyId, id));
  if (!sample) throw notFound('Sample');
  const members = await db
    .select({
      externalId: surveyFrameUnits.externalId,
      stratum: surveyInvitations.stratum,
      designWeight: surveyInvitations.designWeight,
    })
    .from(surveyInvitations)
    .innerJoin(surveyFrameUnits, eq(surveyFrameUnits.id, surveyInvitations.frameUnitId))
    .where(eq(surveyInvitations.surveyId, id))
    .orderBy(asc(surveyInvitations.stratum), asc(surveyFrameUnits.externalId));
  return { sample: presentSample(sample), members };
}
