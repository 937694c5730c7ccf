import { asc, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { surveyDrafts, surveyInvitations, surveyResponses, users } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { outcomeSummary } from '../outcomes';
import { loadSurvey } from './shared';

/** Live fieldwork: per stratum sampled, issued, partial and completed answers, response rate and quota; by mode and interviewer. */
export async function fieldwork(db: DbOrTx, actor: Actor | null, id: string) {
  requireOffice(actor, 'Fieldwork');
  const s = await loadSurvey(db, id);
  const inv = await db
    .select({
      stratum: surveyInvitations.stratum,
      sampled: count(),
      issued: sql<number>`count(${surveyInvitations.issuedAt})::int`,
      partial: sql<number>`count(${surveyDrafts.invitationId})::int`,
    })
    .from(surveyInvitations)
    .leftJoin(surveyDrafts, eq(surveyDrafts.invitationId, surveyInvitations.id))
    .where(eq(surveyInvitations.surveyId, id))
    .groupBy(surveyInvitations.stratum);
  const resp = await db
    .select({ stratum: surveyResponses.stratum, trust: surveyResponses.trust, n: count() })
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, id))
    .groupBy(surveyResponses.stratum, surveyResponses.trust);
  const byMode = await db
    .select({ mode: surveyResponses.mode, n: count() })
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, id))
    .groupBy(surveyResponses.mode)
    .orderBy(asc(surveyResponses.mode));
  const byInterviewer = await db
    .select({
      interviewerId: surveyResponses.interviewerId,
      name: users.displayName,
      nameEn: users.displayNameEn,
      mode: surveyResponses.mode,
      n: count(),
    })
    .from(surveyResponses)
    .innerJoin(users, eq(users.id, surveyResponses.interviewerId))
    .where(eq(surveyResponses.surveyId, id))
    .groupBy(surveyResponses.interviewerId, users.displayName, users.displayNameEn, surveyResponses.mode)
    .orderBy(asc(users.displayName));
  const keys = new Set([
    ...inv.map((i) => i.stratum),
    ...resp.map((r) => r.stratum),
    ...Object.keys(s.quotas),
  ]);
  const strata = [...keys].sort().map((stratum) => {
    const i = inv.find((x) => x.stratum === stratum);
    const sampled = resp.find((r) => r.stratum === stratum && r.trust === 'sampled')?.n ?? 0;
    const open = resp.find((r) => r.stratum === stratum && r.trust === 'open')?.n ?? 0;
    return {
      stratum,
      sampled: i?.sampled ?? 0,
      issued: i?.issued ?? 0,
      partial: i?.partial ?? 0,
      responses: sampled,
      open,
      responseRate: i && i.sampled > 0 ? sampled / i.sampled : null,
      quota: s.quotas[stratum] ?? null,
    };
  });
  const tot = strata.reduce(
    (acc, x) => ({
      sampled: acc.sampled + x.sampled,
      responses: acc.responses + x.responses,
      open: acc.open + x.open,
    }),
    { sampled: 0, responses: 0, open: 0 },
  );
  return {
    strata,
    total: { ...tot, responseRate: tot.sampled > 0 ? tot.responses / tot.sampled : null },
    byMode,
    byInterviewer,
    /** AAPOR dispositions and RR1, COOP1, REF1, CON1 per stratum and in total. */
    outcomes: await outcomeSummary(db, id),
  };
}
