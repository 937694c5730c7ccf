import { and, asc, eq, ilike, ne, or, sql } from 'drizzle-orm';
import { INDICATOR_CATEGORIES, type IndicatorCategory } from '@perfcommons/contracts/enums';
import type { Db } from '../../../db/client';
import { indicatorLibrary, indicatorNodes } from '../../../db/schema';
import { isOffice, type Actor } from '../../../lib/actor';
import { present, requireStaff, selectEntries } from './shared';

/** The current (non-superseded) version of each indicator, with the number of plans using it. */
export async function listIndicators(
  db: Db,
  actor: Actor | null,
  query: { q?: string; category?: IndicatorCategory; includeRetired?: 'true' | 'false' },
) {
  requireStaff(actor);
  const conds = [ne(indicatorLibrary.status, 'superseded')];
  if (query.includeRetired !== 'true') conds.push(eq(indicatorLibrary.status, 'active'));
  if (query.category) conds.push(eq(indicatorLibrary.category, query.category));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(
      or(
        ilike(indicatorLibrary.name, like),
        ilike(indicatorLibrary.code, like),
        ilike(indicatorLibrary.nameEn, like),
        ilike(indicatorLibrary.definition, like),
      )!,
    );
  }
  const order = new Map<string, number>(INDICATOR_CATEGORIES.map((c, i) => [c, i]));
  const rows = (
    await selectEntries(db)
      .where(and(...conds))
      .orderBy(asc(indicatorLibrary.code))
  ).sort((a, b) => (order.get(a.row.category) ?? 99) - (order.get(b.row.category) ?? 99));
  const counts = await db
    .select({
      code: indicatorNodes.libraryCode,
      n: sql<number>`count(distinct ${indicatorNodes.planId})::int`,
    })
    .from(indicatorNodes)
    .where(sql`${indicatorNodes.libraryCode} is not null`)
    .groupBy(indicatorNodes.libraryCode);
  const byCode = new Map(counts.map((c) => [c.code, c.n]));
  return {
    items: rows.map((r) => ({ ...present(r), planCount: byCode.get(r.row.code) ?? 0 })),
    canEdit: isOffice(actor),
  };
}
