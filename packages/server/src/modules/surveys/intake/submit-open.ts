import { validateAnswers, type Answers } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { badRequest, notFound } from '../../../lib/errors';
import { loadSurvey, stratumOf } from '../use-cases/shared';
import { answerBatches } from './answer-batches';
import { definitionOf } from './definitions';

/** An answer without invitation (wide consultation): self-described profile, analysed apart as lower trust. */
export async function submitOpen(
  db: Db,
  surveyId: string,
  input: { answers: Answers; profile: Record<string, string> },
) {
  const s = await loadSurvey(db, surveyId).catch(() => null);
  if (!s || !s.openMode || s.status !== 'fielding' || !s.fieldedVersionId) throw notFound('Open survey');
  const missing = s.strataFields.filter((f) => !input.profile[f]?.trim());
  const problems = [
    ...missing.map((f) => ({ path: `profile.${f}`, message: 'required' })),
    ...validateAnswers(await definitionOf(db, s.fieldedVersionId), input.answers, { complete: true }),
  ];
  if (problems.length) throw badRequest(`${problems.length} problem(s) in the answers`, problems);
  const profile = Object.fromEntries(s.strataFields.map((f) => [f, input.profile[f].trim()]));
  const stratum = stratumOf(s.strataFields, profile);
  return answerBatches(db).submit({
    surveyId: s.id,
    versionId: s.fieldedVersionId,
    invitationId: null,
    mode: 'open',
    interviewerId: null,
    trust: 'open',
    stratum,
    profile,
    designWeight: 1,
    answers: input.answers,
    limited: s.quotas[stratum] !== undefined,
  });
}
