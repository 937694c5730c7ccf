import { count, desc } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyInvitations, surveyResponses, surveys } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { presentSurvey } from './shared';

export async function listSurveys(db: Db, actor: Actor | null) {
  requireOffice(actor, 'Surveys');
  const rows = await db.select().from(surveys).orderBy(desc(surveys.createdAt));
  const counts = await db
    .select({ surveyId: surveyResponses.surveyId, n: count() })
    .from(surveyResponses)
    .groupBy(surveyResponses.surveyId);
  const invites = await db
    .select({ surveyId: surveyInvitations.surveyId, n: count() })
    .from(surveyInvitations)
    .groupBy(surveyInvitations.surveyId);
  const rc = new Map(counts.map((c) => [c.surveyId, c.n]));
  const ic = new Map(invites.map((c) => [c.surveyId, c.n]));
  return rows.map((s) => ({
    ...presentSurvey(s),
    responses: rc.get(s.id) ?? 0,
    invitations: ic.get(s.id) ?? 0,
  }));
}
