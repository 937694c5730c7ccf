import { eq } from 'drizzle-orm';
import type { Questionnaire } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { surveyVersions } from '../../../db/schema';
import { notFound } from '../../../lib/errors';

/**
 * Fielded versions are frozen, so their definitions can be kept in memory for the intake path;
 * the direct path of link answers validates against each of them (see directBatches).
 */
export const definitions = new Map<string, Questionnaire>();

export async function definitionOf(db: Db, versionId: string): Promise<Questionnaire> {
  const hit = definitions.get(versionId);
  if (hit) return hit;
  const [v] = await db
    .select({ definition: surveyVersions.definition, frozenAt: surveyVersions.frozenAt })
    .from(surveyVersions)
    .where(eq(surveyVersions.id, versionId));
  if (!v) throw notFound('Questionnaire');
  const def = v.definition;
  if (v.frozenAt) definitions.set(versionId, def);
  return def;
}
