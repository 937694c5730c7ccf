import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyReports, surveys } from '../../../db/schema';
import { notFound } from '../../../lib/errors';
import { hasPublicReport } from '../use-cases/permissions';

/** Published surveys, for the portal. */
export async function listPublishedSurveys(db: Db, q: { cycleId?: string }) {
  const rows = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.status, 'published'), q.cycleId ? eq(surveys.cycleId, q.cycleId) : undefined))
    .orderBy(desc(surveys.publishedAt));
  return rows.map((s) => ({
    id: s.id,
    code: s.code,
    cycleId: s.cycleId,
    title: s.title,
    titleEn: s.titleEn,
    publishedAt: s.publishedAt,
  }));
}

export async function getPublishedReport(db: Db, id: string) {
  const [row] = await db
    .select({ report: surveyReports.report, publishedAt: surveyReports.publishedAt, status: surveys.status })
    .from(surveyReports)
    .innerJoin(surveys, eq(surveys.id, surveyReports.surveyId))
    .where(eq(surveyReports.surveyId, id));
  if (!row || !hasPublicReport(row)) throw notFound('Survey report');
  // Stored as published: the JSON of {survey, methodology, analysis} at that moment.
  return { publishedAt: row.publishedAt, ...row.report };
}
