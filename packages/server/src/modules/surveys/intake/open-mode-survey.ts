import type { Db } from '../../../db/client';
import { notFound } from '../../../lib/errors';
import { loadSurvey } from '../use-cases/shared';
import { definitionOf } from './definitions';

/** The questionnaire of a survey open to everyone. */
export async function openModeSurvey(db: Db, surveyId: string) {
  const s = await loadSurvey(db, surveyId).catch(() => null);
  if (!s || !s.openMode || s.status !== 'fielding' || !s.fieldedVersionId) throw notFound('Open survey');
  return {
    survey: {
      id: s.id,
      title: s.title,
      titleEn: s.titleEn,
      description: s.description,
      strataFields: s.strataFields,
    },
    version: { id: s.fieldedVersionId, definition: await definitionOf(db, s.fieldedVersionId) },
  };
}
