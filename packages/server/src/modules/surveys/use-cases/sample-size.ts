import { asc, count, eq } from 'drizzle-orm';
import { sampleSizeByStratum, type StratumSampleSizeOptions } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { surveyFrameUnits } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { badRequest } from '../../../lib/errors';
import { domainToBadRequest, loadSurvey } from './shared';

export interface SampleSizeInput extends StratumSampleSizeOptions {
  surveyId?: string;
  strata?: { stratum: string; population: number }[];
}

/** Sample size per stratum for a margin of error; the strata default to the survey frame's. */
export async function sampleSize(db: Db, actor: Actor | null, input: SampleSizeInput) {
  requireOffice(actor, 'Sampling');
  let strata = input.strata;
  if (!strata && input.surveyId) {
    await loadSurvey(db, input.surveyId);
    strata = (
      await db
        .select({ stratum: surveyFrameUnits.stratum, population: count() })
        .from(surveyFrameUnits)
        .where(eq(surveyFrameUnits.surveyId, input.surveyId))
        .groupBy(surveyFrameUnits.stratum)
        .orderBy(asc(surveyFrameUnits.stratum))
    ).map((r) => ({ stratum: r.stratum, population: r.population }));
  }
  if (!strata?.length)
    throw badRequest('Give strata or a survey with a frame', [{ path: 'strata', message: 'required' }]);
  const { surveyId: _s, strata: _st, ...opts } = input;
  try {
    return sampleSizeByStratum(strata, opts);
  } catch (err) {
    throw domainToBadRequest(err);
  }
}
