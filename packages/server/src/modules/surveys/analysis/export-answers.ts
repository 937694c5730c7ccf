import { exportTable, type Cell } from '../../../lib/export';
import { asc, eq } from 'drizzle-orm';
import { allQuestions, type Answers } from '@perfcommons/domain';
import type { DbOrTx } from '../../../db/client';
import { surveyResponses, surveyVersions } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { conflict } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { loadSurvey } from '../use-cases/shared';
import { isFielded } from '../use-cases/permissions';

/**
 * Raw answers without personal data: no frame id, contact or interviewer; one column per
 * question (matrix rows as `q.item`, multiple choices joined with ';'), stratum, mode, trust, weight.
 */
export async function exportAnswers(db: DbOrTx, actor: Actor | null, id: string, format: 'csv' | 'xlsx') {
  const { actor: a, survey: s, versionId } = await exportableSurvey(db, actor, id);
  const [v] = await db.select().from(surveyVersions).where(eq(surveyVersions.id, versionId));
  const def = v.definition;
  const rows = await db
    .select()
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, id))
    .orderBy(asc(surveyResponses.submittedAt), asc(surveyResponses.id));
  const cols: { key: string; get: (a: Answers) => Cell }[] = [];
  for (const q of allQuestions(def)) {
    if (q.type === 'matrix')
      for (const it of q.items ?? [])
        cols.push({
          key: `${q.id}.${it.id}`,
          get: (a) => {
            const v = a[q.id];
            return v && typeof v === 'object' && !Array.isArray(v) ? v[it.id] : undefined;
          },
        });
    else
      cols.push({
        key: q.id,
        get: (a) => {
          const v = a[q.id];
          // A matrix answer only under a matrix question (answers are checked against the questionnaire).
          return Array.isArray(v) ? v.join(';') : typeof v === 'object' ? undefined : v;
        },
      });
  }
  const header = [
    'response',
    ...s.strataFields,
    'stratum',
    'mode',
    'trust',
    'designWeight',
    'submittedDate',
    ...cols.map((c) => c.key),
  ];
  const data = rows.map((r, i) => [
    i + 1,
    ...s.strataFields.map((f) => r.profile[f] ?? ''),
    r.stratum,
    r.mode,
    r.trust,
    r.designWeight,
    r.submittedAt.toISOString().slice(0, 10),
    ...cols.map((c) => c.get(r.answers) ?? ''),
  ]);
  // An export of respondents' answers is a security event (MLPS: exports are logged).
  await appendAudit(db, [
    {
      actorId: a.id,
      action: 'survey.export',
      entityType: 'survey_export',
      entityId: id,
      data: { format, rows: rows.length },
    },
  ]);
  // The shared writer escapes answers that a spreadsheet would run as formulas (lib/export.ts).
  const table = await exportTable(format, { name: 'answers', header, rows: data });
  return { ...table, rows: rows.length };
}

/** Who may export a survey's answers (the office) and whether it has any (fielded); else refused. */
export async function exportableSurvey(db: DbOrTx, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'Survey export');
  const s = await loadSurvey(db, id);
  if (!isFielded(s))
    throw conflict('The survey has not been fielded', [{ path: 'status', message: s.status }]);
  return { actor: a, survey: s, versionId: s.fieldedVersionId };
}
