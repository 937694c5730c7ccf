/**
 * Fieldwork outcomes 调查执行结果 per invitation (AAPOR final dispositions): the office, or an
 * interviewer with the invitation's short code, records why an invitation has no answer —
 * refused, non-contact, ineligible, unknown. An answer always makes it "completed"; a saved
 * draft without an outcome counts as a partial interview; nothing recorded counts as unknown
 * eligibility. The counts give AAPOR RR1, COOP1, REF1 and CON1 (domain `aaporRates`).
 */
import { and, eq, sql } from 'drizzle-orm';
import { aaporRates, type Dispositions } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import {
  surveyDrafts,
  surveyInvitations,
  surveyResponses,
  surveys,
  type InvitationOutcome,
} from '../../db/schema';
import { requireOffice, type Actor } from '../../lib/actor';
import { conflict, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { lookupHash } from './tokens';
import { canRecordOutcomes } from './use-cases/permissions';

export { INVITATION_OUTCOMES } from '@perfcommons/contracts';

export interface OutcomeInput {
  /** The invitation (office screen) … */
  invitationId?: string;
  /** … or its short code / link token (interviewer). */
  code?: string;
  /** The outcome, or null to clear it. */
  outcome: InvitationOutcome | null;
}

/** Records (or clears) the fieldwork outcome of an invitation without an answer. */
export async function recordOutcome(db: Db, actor: Actor | null, surveyId: string, input: OutcomeInput) {
  const a = requireOffice(actor, 'Fieldwork outcomes');
  return db.transaction(async (tx) => {
    const [s] = await tx.select({ status: surveys.status }).from(surveys).where(eq(surveys.id, surveyId));
    if (!s) throw notFound('Survey');
    if (!canRecordOutcomes(s))
      throw conflict(
        'Outcomes are recorded during or after fieldwork, before publication',
        [{ path: 'status', message: s.status }],
        'survey_not_in_fieldwork',
      );
    let where;
    if (input.invitationId) where = eq(surveyInvitations.id, input.invitationId);
    else if (input.code) {
      const l = lookupHash(input.code);
      where = eq(l.column === 'code' ? surveyInvitations.codeHash : surveyInvitations.tokenHash, l.hash);
    } else throw notFound('Invitation');
    const [inv] = await tx
      .select({
        id: surveyInvitations.id,
        outcome: surveyInvitations.outcome,
        answered: sql<boolean>`exists (select 1 from survey_responses r where r.invitation_id = survey_invitations.id)`,
      })
      .from(surveyInvitations)
      .where(and(eq(surveyInvitations.surveyId, surveyId), where))
      .for('update');
    if (!inv) throw notFound('Invitation');
    if (inv.answered)
      throw conflict(
        'The invitation has an answer: its outcome is completed',
        [{ path: 'outcome', message: 'completed' }],
        'invitation_answered',
      );
    const at = new Date();
    await tx
      .update(surveyInvitations)
      .set({
        outcome: input.outcome,
        outcomeAt: input.outcome ? at : null,
        outcomeBy: input.outcome ? a.id : null,
      })
      .where(eq(surveyInvitations.id, inv.id));
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.outcome',
        entityType: 'survey',
        entityId: surveyId,
        data: { invitationId: inv.id, outcome: input.outcome, previous: inv.outcome },
      },
    ]);
    return { invitationId: inv.id, outcome: input.outcome, outcomeAt: input.outcome ? at : null };
  });
}

type Counts = Required<Omit<Dispositions, 'other'>>;

/** Disposition counts and AAPOR rates per stratum and in total. */
export async function outcomeSummary(db: DbOrTx, surveyId: string) {
  const answered = sql`r.id is not null`;
  const rows = await db
    .select({
      stratum: surveyInvitations.stratum,
      complete: sql<number>`count(*) filter (where ${answered})::int`,
      partial: sql<number>`count(*) filter (where r.id is null and ${surveyInvitations.outcome} is null and ${surveyDrafts.invitationId} is not null)::int`,
      refused: sql<number>`count(*) filter (where r.id is null and ${surveyInvitations.outcome} = 'refused')::int`,
      nonContact: sql<number>`count(*) filter (where r.id is null and ${surveyInvitations.outcome} = 'non_contact')::int`,
      ineligible: sql<number>`count(*) filter (where r.id is null and ${surveyInvitations.outcome} = 'ineligible')::int`,
      unknown: sql<number>`count(*) filter (where r.id is null and (${surveyInvitations.outcome} = 'unknown' or (${surveyInvitations.outcome} is null and ${surveyDrafts.invitationId} is null)))::int`,
    })
    .from(surveyInvitations)
    .leftJoin(sql`${surveyResponses} r`, sql`r.invitation_id = ${surveyInvitations.id}`)
    .leftJoin(surveyDrafts, eq(surveyDrafts.invitationId, surveyInvitations.id))
    .where(eq(surveyInvitations.surveyId, surveyId))
    .groupBy(surveyInvitations.stratum)
    .orderBy(surveyInvitations.stratum);
  const withRates = (c: Counts) => ({ ...c, ...aaporRates(c) });
  const zero: Counts = { complete: 0, partial: 0, refused: 0, nonContact: 0, ineligible: 0, unknown: 0 };
  const total = rows.reduce<Counts>(
    (acc, r) => ({
      complete: acc.complete + r.complete,
      partial: acc.partial + r.partial,
      refused: acc.refused + r.refused,
      nonContact: acc.nonContact + r.nonContact,
      ineligible: acc.ineligible + r.ineligible,
      unknown: acc.unknown + r.unknown,
    }),
    zero,
  );
  return {
    strata: rows.map(({ stratum, ...c }) => ({ stratum, ...withRates(c) })),
    total: withRates(total),
  };
}
