import { and, eq, isNotNull } from 'drizzle-orm';
import { stratifiedSample, type AllocationMethod } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { surveyFrameUnits, surveyInvitations, surveySamples } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { domainToBadRequest, loadSurvey, presentSample } from './shared';
import { canDrawSample } from './permissions';

export interface SampleInput {
  size: number;
  allocation: AllocationMethod;
  seed: string;
  sd?: Record<string, number>;
}

/**
 * Draws the stratified sample (domain `stratifiedSample`, reproducible from the seed) and makes
 * one invitation per drawn unit. A sample may be redrawn until its invitations are issued.
 */
export async function drawSample(db: Db, actor: Actor | null, id: string, input: SampleInput) {
  const a = requireOffice(actor, 'Sampling');
  return db.transaction(async (tx) => {
    const s = await loadSurvey(tx, id, { lock: true });
    if (!canDrawSample(s))
      throw conflict('The sample is drawn before fielding', [{ path: 'status', message: s.status }]);
    const [issued] = await tx
      .select({ id: surveyInvitations.id })
      .from(surveyInvitations)
      .where(and(eq(surveyInvitations.surveyId, id), isNotNull(surveyInvitations.issuedAt)))
      .limit(1);
    if (issued)
      throw conflict('Invitations were already issued; the sample cannot be redrawn', [
        { path: 'sample', message: 'issued' },
      ]);
    const frame = await tx
      .select({
        id: surveyFrameUnits.id,
        externalId: surveyFrameUnits.externalId,
        stratum: surveyFrameUnits.stratum,
        profile: surveyFrameUnits.profile,
      })
      .from(surveyFrameUnits)
      .where(eq(surveyFrameUnits.surveyId, id));
    if (frame.length === 0)
      throw conflict('Import a sampling frame first', [{ path: 'frame', message: 'empty' }]);
    let drawn;
    try {
      drawn = stratifiedSample(
        frame.map((f) => ({ id: f.externalId, stratum: f.stratum, unitId: f.id, profile: f.profile })),
        { size: input.size, allocation: input.allocation, seed: input.seed, sd: input.sd },
      );
    } catch (err) {
      throw domainToBadRequest(err);
    }
    await tx.delete(surveyInvitations).where(eq(surveyInvitations.surveyId, id));
    await tx.delete(surveySamples).where(eq(surveySamples.surveyId, id));
    const [sample] = await tx
      .insert(surveySamples)
      .values({
        surveyId: id,
        size: drawn.sample.length,
        allocation: input.allocation,
        seed: input.seed,
        sd: input.sd ?? null,
        strata: drawn.allocation,
        createdBy: a.id,
      })
      .returning();
    const invites = drawn.sample.map((u) => ({
      surveyId: id,
      frameUnitId: u.unitId,
      stratum: u.stratum,
      profile: u.profile,
      designWeight: u.designWeight,
    }));
    for (let i = 0; i < invites.length; i += 2000)
      await tx.insert(surveyInvitations).values(invites.slice(i, i + 2000));
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.sample',
        entityType: 'survey',
        entityId: id,
        // The sample and the invitations are snapshotted with the survey (audit coverage companions).
        data: { size: sample.size, allocation: sample.allocation, seed: sample.seed },
      },
    ]);
    return presentSample(sample);
  });
}
