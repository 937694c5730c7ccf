import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyDrafts, surveyFrameUnits, surveyInvitations, surveyResponses } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { loadSurvey } from './shared';

export type InvitationStatus = 'sampled' | 'issued' | 'partial' | 'answered';

export async function listInvitations(
  db: Db,
  actor: Actor | null,
  id: string,
  q: { stratum?: string; status?: InvitationStatus; limit: number; offset: number },
) {
  requireOffice(actor, 'Invitations');
  await loadSurvey(db, id);
  const statusSql = sql<InvitationStatus>`case when ${surveyResponses.id} is not null then 'answered'
    when ${surveyDrafts.invitationId} is not null then 'partial'
    when ${surveyInvitations.issuedAt} is not null then 'issued' else 'sampled' end`;
  const where = and(
    eq(surveyInvitations.surveyId, id),
    q.stratum ? eq(surveyInvitations.stratum, q.stratum) : undefined,
    q.status ? sql`${statusSql} = ${q.status}` : undefined,
  );
  const base = db
    .select({
      id: surveyInvitations.id,
      externalId: surveyFrameUnits.externalId,
      stratum: surveyInvitations.stratum,
      designWeight: surveyInvitations.designWeight,
      issuedAt: surveyInvitations.issuedAt,
      status: statusSql,
      outcome: surveyInvitations.outcome,
      mode: surveyResponses.mode,
      submittedAt: surveyResponses.submittedAt,
    })
    .from(surveyInvitations)
    .leftJoin(surveyFrameUnits, eq(surveyFrameUnits.id, surveyInvitations.frameUnitId))
    .leftJoin(surveyResponses, eq(surveyResponses.invitationId, surveyInvitations.id))
    .leftJoin(surveyDrafts, eq(surveyDrafts.invitationId, surveyInvitations.id))
    .where(where);
  const items = await base
    .orderBy(asc(surveyInvitations.stratum), asc(surveyFrameUnits.externalId))
    .limit(q.limit)
    .offset(q.offset);
  const [{ total }] = await db
    .select({ total: count() })
    .from(surveyInvitations)
    .leftJoin(surveyResponses, eq(surveyResponses.invitationId, surveyInvitations.id))
    .leftJoin(surveyDrafts, eq(surveyDrafts.invitationId, surveyInvitations.id))
    .where(where);
  return { items, total };
}
