/** What the survey use cases share: loading a survey, its latest version, the questionnaire check, the shapes sent. */
import { desc, eq, inArray } from 'drizzle-orm';
import { checkQuestionnaire, DomainError, type Questionnaire } from '@perfcommons/domain';
import type { DbOrTx } from '../../../db/client';
import { plans, surveySamples, surveyVersions, surveys } from '../../../db/schema';
import { badRequest, conflict, notFound, type ErrorDetail } from '../../../lib/errors';
import { canChangeFrame } from './permissions';

/** A domain error (bad size, missing sd …) becomes a 400 naming the field; anything else passes. */
export function domainToBadRequest(err: unknown): unknown {
  if (err instanceof DomainError) return badRequest(err.message, [{ path: err.field, message: err.message }]);
  return err;
}

export type SurveyRow = typeof surveys.$inferSelect;
export type VersionRow = typeof surveyVersions.$inferSelect;

export const presentSurvey = (s: SurveyRow) => ({
  id: s.id,
  code: s.code,
  cycleId: s.cycleId,
  title: s.title,
  titleEn: s.titleEn,
  description: s.description,
  status: s.status,
  strataFields: s.strataFields,
  quotas: s.quotas,
  openMode: s.openMode,
  margins: s.margins,
  createdAt: s.createdAt,
  fieldingStartedAt: s.fieldingStartedAt,
  closedAt: s.closedAt,
  publishedAt: s.publishedAt,
});

export const presentVersion = (v: VersionRow) => ({
  id: v.id,
  version: v.version,
  definition: v.definition,
  frozenAt: v.frozenAt,
  createdAt: v.createdAt,
});

/** The stratum key of a unit: the values of the survey's strata fields joined with '|'. */
export const stratumOf = (fields: string[], profile: Record<string, string | undefined>) =>
  fields.map((f) => profile[f] ?? '').join('|');

export async function loadSurvey(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<SurveyRow> {
  const q = db.select().from(surveys).where(eq(surveys.id, id)).limit(1);
  const [row] = opts.lock ? await q.for('update') : await q;
  if (!row) throw notFound('Survey');
  return row;
}

/** The survey, locked, for a change of its frame: refused (409) once a sample is drawn or fielding began. */
export async function lockSurveyForFrame(tx: DbOrTx, id: string): Promise<SurveyRow> {
  const s = await loadSurvey(tx, id, { lock: true });
  const [sample] = await tx
    .select({ id: surveySamples.id })
    .from(surveySamples)
    .where(eq(surveySamples.surveyId, id));
  if (!canChangeFrame(s, !!sample))
    throw conflict('The frame is fixed once a sample is drawn', [{ path: 'frame', message: 'sample drawn' }]);
  return s;
}

export async function latestVersion(db: DbOrTx, surveyId: string): Promise<VersionRow | undefined> {
  const [v] = await db
    .select()
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, surveyId))
    .orderBy(desc(surveyVersions.version))
    .limit(1);
  return v;
}

/** Refuses a definition with structural problems, or scale items mapped to plans of another cycle. */
export async function assertDefinition(db: DbOrTx, def: Questionnaire, cycleId: string | null) {
  const problems: ErrorDetail[] = checkQuestionnaire(def);
  const planRefs: { path: string; planId: string }[] = [];
  def.sections.forEach((s, si) =>
    s.questions.forEach((q, qi) => {
      const p = `definition.sections.${si}.questions.${qi}`;
      if (q.planId) planRefs.push({ path: `${p}.planId`, planId: q.planId });
      q.items?.forEach(
        (it, ii) => it.planId && planRefs.push({ path: `${p}.items.${ii}.planId`, planId: it.planId }),
      );
    }),
  );
  if (planRefs.length) {
    const ids = [...new Set(planRefs.map((r) => r.planId))];
    const found = await db
      .select({ id: plans.id, cycleId: plans.cycleId })
      .from(plans)
      .where(inArray(plans.id, ids));
    const byId = new Map(found.map((f) => [f.id, f.cycleId]));
    for (const r of planRefs) {
      if (!byId.has(r.planId)) problems.push({ path: r.path, message: 'no such plan' });
      else if (cycleId && byId.get(r.planId) !== cycleId)
        problems.push({ path: r.path, message: 'plan of another cycle than the survey' });
    }
  }
  if (problems.length) throw badRequest(`${problems.length} problem(s) in the questionnaire`, problems);
}

export const presentSample = (s: typeof surveySamples.$inferSelect) => ({
  id: s.id,
  size: s.size,
  allocation: s.allocation,
  seed: s.seed,
  sd: s.sd,
  strata: s.strata,
  createdAt: s.createdAt,
});
