import type { Db } from '../../../db/client';
import { requireOffice, type Actor } from '../../../lib/actor';
import { badRequest } from '../../../lib/errors';
import { issueInvitations } from './issue-invitations';

/**
 * The invitation file again, after the page that showed it was left: only SHA-256 hashes of links and
 * codes are stored, so the plain ones cannot be shown twice. Instead every issued invitation without
 * an answer (of one stratum, or all) gets a new link and code, and the old ones stop working — which
 * the caller confirms explicitly (`confirm: true`); audited `survey.invitations.reissue`. Saved drafts
 * stay with their invitation, so a respondent who had started resumes from the new link; answered
 * invitations keep theirs (nothing to send again).
 */
export async function regenerateInvitations(
  db: Db,
  actor: Actor | null,
  id: string,
  input: { confirm: boolean; stratum?: string },
) {
  requireOffice(actor, 'Issuing invitations');
  if (input.confirm !== true)
    throw badRequest('Confirm that the earlier links and codes will stop working', [
      { path: 'confirm', message: 'must be true' },
    ]);
  return issueInvitations(db, actor, id, { unanswered: { stratum: input.stratum } });
}
