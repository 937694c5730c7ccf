import { eq } from 'drizzle-orm';
import type { Questionnaire } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { cycles, surveyVersions, surveys } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { badRequest, conflict, isUniqueViolation } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { assertDefinition, presentSurvey, presentVersion, type SurveyRow } from './shared';

export interface CreateSurveyInput {
  code: string;
  title: string;
  titleEn?: string;
  description?: string;
  cycleId?: string;
  strataFields: string[];
  openMode?: boolean;
  quotas?: Record<string, number>;
  margins?: Record<string, Record<string, number>>;
  definition: Questionnaire;
}

export async function createSurvey(db: Db, actor: Actor | null, input: CreateSurveyInput) {
  const a = requireOffice(actor, 'Designing surveys');
  return db.transaction(async (tx) => {
    if (input.cycleId) {
      const [c] = await tx.select({ id: cycles.id }).from(cycles).where(eq(cycles.id, input.cycleId));
      if (!c) throw badRequest('No such cycle', [{ path: 'cycleId', message: 'no such cycle' }]);
    }
    await assertDefinition(tx, input.definition, input.cycleId ?? null);
    let row: SurveyRow;
    try {
      [row] = await tx
        .insert(surveys)
        .values({
          code: input.code,
          cycleId: input.cycleId ?? null,
          title: input.title,
          titleEn: input.titleEn ?? null,
          description: input.description ?? null,
          strataFields: input.strataFields,
          openMode: input.openMode ?? false,
          quotas: input.quotas ?? {},
          margins: input.margins ?? null,
          createdBy: a.id,
        })
        .returning();
    } catch (err) {
      if (isUniqueViolation(err))
        throw conflict(`Survey code ${input.code} is taken`, [{ path: 'code', message: 'taken' }]);
      throw err;
    }
    const [version] = await tx
      .insert(surveyVersions)
      .values({ surveyId: row.id, version: 1, definition: input.definition, createdBy: a.id })
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.create',
        entityType: 'survey',
        entityId: row.id,
        data: { code: row.code },
      },
    ]);
    return { survey: presentSurvey(row), version: presentVersion(version) };
  });
}
