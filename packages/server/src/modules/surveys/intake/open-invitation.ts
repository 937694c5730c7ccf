import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyDrafts } from '../../../db/schema';
import { definitionOf } from './definitions';
import { resolveInvitation } from './invitations';

/** What the public page shows for an invitation: the questionnaire, any saved answers, and whether it is still open. */
export async function openInvitation(db: Db, tokenOrCode: string) {
  const ctx = await resolveInvitation(db, tokenOrCode);
  const state = ctx.answered
    ? 'answered'
    : ctx.status === 'fielding'
      ? 'open'
      : ctx.status === 'draft'
        ? 'not_started'
        : 'closed';
  const base = {
    survey: { id: ctx.surveyId, title: ctx.title, titleEn: ctx.titleEn, description: ctx.description },
    state,
  };
  if (state !== 'open' || !ctx.versionId) return { ...base, version: null, answers: {} };
  const [draft] = ctx.hasDraft
    ? await db
        .select({ answers: surveyDrafts.answers })
        .from(surveyDrafts)
        .where(eq(surveyDrafts.invitationId, ctx.id))
    : [];
  return {
    ...base,
    version: { id: ctx.versionId, definition: await definitionOf(db, ctx.versionId) },
    answers: draft?.answers ?? {},
  };
}
