import type { Answers } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { requireOffice, type Actor } from '../../../lib/actor';
import { notFound } from '../../../lib/errors';
import { submitFor } from './answer-batches';
import { resolveInvitation } from './invitations';

/** An interviewer enters a paper, telephone or face-to-face answer against the invitation's code. */
export async function enterInterview(
  db: Db,
  actor: Actor | null,
  surveyId: string,
  input: { code: string; mode: 'paper' | 'phone' | 'face'; answers: Answers },
) {
  const a = requireOffice(actor, 'Interviewer entry');
  const ctx = await resolveInvitation(db, input.code);
  if (ctx.surveyId !== surveyId) throw notFound('Invitation');
  return submitFor(db, ctx, input.answers, { mode: input.mode, interviewerId: a.id });
}
