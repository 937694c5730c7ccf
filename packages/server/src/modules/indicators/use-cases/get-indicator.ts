import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { IndicatorDetailReply } from '@perfcommons/contracts';
import type { Db, DbOrTx } from '../../../db/client';
import { cycles, indicatorLibrary, indicatorNodes, plans } from '../../../db/schema';
import { isOffice, type Actor } from '../../../lib/actor';
import { notFound } from '../../../lib/errors';
import { canReadPlanSync, selectPlanScopes, toScope } from '../../plans/access';
import { present, requireStaff, selectEntries } from './shared';

async function versionsOf(db: DbOrTx, code: string) {
  return selectEntries(db).where(eq(indicatorLibrary.code, code)).orderBy(desc(indicatorLibrary.version));
}

/** An indicator with every version and where plans use it (plans the caller may read, and counts of all). */
export async function getIndicator(db: Db, actor: Actor | null, code: string): Promise<IndicatorDetailReply> {
  const a = requireStaff(actor);
  const versions = await versionsOf(db, code);
  if (!versions.length) throw notFound('Indicator');
  const uses = await selectPlanScopes(
    db,
    sql`${plans.id} in (select plan_id from indicator_nodes where library_code = ${code})`,
  );
  const readable = uses.map(toScope).filter((s) => canReadPlanSync(a, s));
  const nodes = readable.length
    ? await db
        .select()
        .from(indicatorNodes)
        .where(
          and(
            eq(indicatorNodes.libraryCode, code),
            inArray(
              indicatorNodes.planId,
              readable.map((s) => s.plan.id),
            ),
          ),
        )
    : [];
  const cycleRows = await db.select().from(cycles);
  const cycleOf = new Map(cycleRows.map((c) => [c.id, c]));
  const scopeOf = new Map(readable.map((s) => [s.plan.id, s]));
  const items = nodes
    .map((n) => {
      const s = scopeOf.get(n.planId)!;
      const c = cycleOf.get(s.plan.cycleId)!;
      return {
        planId: s.plan.id,
        planTitle: s.plan.title,
        planTitleEn: s.plan.titleEn,
        planStatus: s.plan.status,
        appraiseeType: s.plan.appraiseeType,
        appraiseeName: s.appraiseeName,
        appraiseeNameEn: s.appraiseeNameEn,
        cycleId: c.id,
        cycleName: c.name,
        cycleNameEn: c.nameEn,
        nodeCode: n.code,
        version: n.libraryVersion ?? 0,
        weight: n.weight,
        target: n.target,
        _order: `${c.periodStart}|${s.appraiseeName}`,
      };
    })
    .sort((x, y) => (x._order < y._order ? 1 : x._order > y._order ? -1 : 0))
    .map(({ _order, ...rest }) => rest);
  const counts = await db
    .select({
      cycleId: plans.cycleId,
      version: indicatorNodes.libraryVersion,
      plans: sql<number>`count(distinct ${plans.id})::int`,
    })
    .from(indicatorNodes)
    .innerJoin(plans, eq(plans.id, indicatorNodes.planId))
    .where(eq(indicatorNodes.libraryCode, code))
    .groupBy(plans.cycleId, indicatorNodes.libraryVersion);
  return {
    entry: present(versions[0]),
    versions: versions.map(present),
    usage: {
      items,
      counts: counts
        .map((c) => {
          const cy = cycleOf.get(c.cycleId)!;
          return {
            cycleId: c.cycleId,
            cycleName: cy.name,
            cycleNameEn: cy.nameEn,
            version: c.version ?? 0,
            plans: c.plans,
            _start: cy.periodStart,
          };
        })
        .sort((x, y) => (x._start === y._start ? y.version - x.version : x._start < y._start ? 1 : -1))
        .map(({ _start, ...rest }) => rest),
    },
    canEdit: isOffice(a),
  };
}
