import { eq, inArray } from 'drizzle-orm';
import { labelStrata } from '@perfcommons/domain';
import type { DbOrTx } from '../../../db/client';
import { orgUnits, people, plans, surveyVersions } from '../../../db/schema';
import type { SurveyRow } from '../use-cases/shared';

export async function planNames(db: DbOrTx, ids: string[]) {
  if (!ids.length) return new Map<string, { name: string; nameEn: string | null }>();
  const rows = await db
    .select({
      id: plans.id,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personName: people.name,
      personNameEn: people.nameEn,
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(inArray(plans.id, ids));
  return new Map(
    rows.map((r) => [r.id, { name: r.personName ?? r.orgName, nameEn: r.personNameEn ?? r.orgNameEn }]),
  );
}

/**
 * Labels of the strata fields and of every stratum key the report shows, from the fielded
 * questionnaire's `strataLabels`, the org units whose code is a value, common words, readable text.
 */
export async function strataLabels(db: DbOrTx, s: SurveyRow, keys: string[]) {
  const [v] = s.fieldedVersionId
    ? await db.select().from(surveyVersions).where(eq(surveyVersions.id, s.fieldedVersionId))
    : [];
  const values = [...new Set(keys.flatMap((k) => k.split('|')))];
  const units = values.length
    ? await db
        .select({ code: orgUnits.code, name: orgUnits.name, nameEn: orgUnits.nameEn })
        .from(orgUnits)
        .where(inArray(orgUnits.code, values))
    : [];
  return labelStrata(s.strataFields, keys, {
    definition: v?.definition.strataLabels ?? null,
    orgUnits: Object.fromEntries(units.map((u) => [u.code, { label: u.name, labelEn: u.nameEn ?? u.name }])),
  });
}
