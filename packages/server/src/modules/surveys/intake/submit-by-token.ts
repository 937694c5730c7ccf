import { validateAnswers, type Answers } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { hashToken, looksLikeCode } from '../tokens';
import { submitFor } from './answer-batches';
import { definitions } from './definitions';
import { directBatches } from './direct-path';
import { resolveInvitation } from './invitations';

/** The respondent submits through the link: the answer is final. */
export async function submitByToken(db: Db, tokenOrCode: string, answers: Answers) {
  if (!looksLikeCode(tokenOrCode)) {
    const versions: string[] = [];
    for (const [id, def] of definitions)
      if (validateAnswers(def, answers, { complete: true }).length === 0) versions.push(id);
    if (versions.length) {
      const stored = await directBatches(db).submit({ hash: hashToken(tokenOrCode), versions, answers });
      if (stored) return stored;
    }
  }
  return submitFor(db, await resolveInvitation(db, tokenOrCode), answers, {
    mode: 'web',
    interviewerId: null,
  });
}
