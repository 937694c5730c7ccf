import { validateAnswers, type Answers } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { surveyDrafts } from '../../../db/schema';
import { badRequest, conflict } from '../../../lib/errors';
import { definitionOf } from './definitions';
import { assertOpen, resolveInvitation } from './invitations';

/** Saves partial answers, to be resumed from the same link. */
export async function saveDraft(db: Db, tokenOrCode: string, answers: Answers) {
  const ctx = await resolveInvitation(db, tokenOrCode);
  if (ctx.answered)
    throw conflict(
      'This invitation has already been answered',
      [{ path: 'token', message: 'answered' }],
      'already_answered',
    );
  assertOpen(ctx);
  const problems = validateAnswers(await definitionOf(db, ctx.versionId!), answers, { complete: false });
  if (problems.length) throw badRequest(`${problems.length} problem(s) in the answers`, problems);
  const now = new Date();
  await db
    .insert(surveyDrafts)
    .values({ invitationId: ctx.id, versionId: ctx.versionId!, answers, updatedAt: now })
    .onConflictDoUpdate({ target: surveyDrafts.invitationId, set: { answers, updatedAt: now } });
  return { savedAt: now };
}
