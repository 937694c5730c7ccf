import { and, asc, count, eq, gte, ilike, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { BulkVerifyInput } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import {
  actualValues,
  cycles,
  evidenceFiles,
  indicatorNodes,
  orgUnits,
  people,
  plans,
} from '../../db/schema';
import { hasRole, requireActor, type Actor } from '../../lib/actor';
import { AppError, forbidden, notFound } from '../../lib/errors';
import { canVerifySync, selectPlanScopes, toScope } from '../plans/access';
import { presentValue, valuePermissions, verifyValue } from './service';

/** Filters of the queue (contracts ValueQueueQuery, defaults applied). */
export interface QueueFilters {
  cycleId?: string;
  planId?: string;
  orgUnitId?: string;
  indicator?: string;
  status: 'reported' | 'verified' | 'rejected';
  submittedFrom?: string;
  submittedTo?: string;
}

/** The queue and bulk decisions are for those who verify somewhere (each value is then checked on its own). */
export const usesVerifyQueue = (a: Actor | null) => hasRole(a, 'verifier', 'office', 'admin');

function requireVerifierRole(a: Actor) {
  if (!usesVerifyQueue(a))
    throw forbidden('The verification queue is for verifiers and the performance office');
}

const nextDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000);

/**
 * The condition of the values the actor may verify, matching the filters: values of plans whose unit the
 * actor verifies (`canVerifySync`, the verify use case's rule) in cycles not yet published (their inputs are
 * frozen), not reported by the actor (nobody verifies their own report). Null when no plan qualifies.
 */
async function queueCondition(db: Db, a: Actor, f: QueueFilters): Promise<SQL | null> {
  requireVerifierRole(a);
  let orgPath: string | undefined;
  if (f.orgUnitId) {
    const [o] = await db.select({ path: orgUnits.path }).from(orgUnits).where(eq(orgUnits.id, f.orgUnitId));
    if (!o) throw notFound('Org unit');
    orgPath = o.path;
  }
  const scopes = (
    await selectPlanScopes(
      db,
      and(
        f.cycleId ? eq(plans.cycleId, f.cycleId) : undefined,
        f.planId ? eq(plans.id, f.planId) : undefined,
        sql`${plans.cycleId} in (select id from cycles where results_published_at is null)`,
      ),
    )
  )
    .map(toScope)
    .filter((s) => canVerifySync(a, s) && (!orgPath || s.orgPath.startsWith(orgPath)));
  if (!scopes.length) return null;
  const text = f.indicator?.trim();
  const like = text ? `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return and(
    inArray(
      actualValues.planId,
      scopes.map((s) => s.plan.id),
    ),
    eq(actualValues.status, f.status),
    or(isNull(actualValues.reportedBy), ne(actualValues.reportedBy, a.id)),
    like
      ? or(
          ilike(actualValues.indicatorCode, like),
          ilike(indicatorNodes.name, like),
          ilike(indicatorNodes.nameEn, like),
        )
      : undefined,
    f.submittedFrom ? gte(actualValues.reportedAt, new Date(`${f.submittedFrom}T00:00:00Z`)) : undefined,
    f.submittedTo ? lt(actualValues.reportedAt, nextDay(f.submittedTo)) : undefined,
  )!;
}

const nodeJoin = and(
  eq(indicatorNodes.planId, actualValues.planId),
  eq(indicatorNodes.code, actualValues.indicatorCode),
);

/**
 * The verifier's queue across plans: values the actor may verify, filtered and paged on the server, oldest
 * report first, each with its plan, appraisee, cycle, indicator and `can.verify`.
 */
export async function valueQueue(
  db: Db,
  actor: Actor | null,
  f: QueueFilters & { page: number; pageSize: number },
) {
  const a = requireActor(actor);
  const where = await queueCondition(db, a, f);
  const empty = { items: [], total: 0, page: f.page, pageSize: f.pageSize };
  if (!where) return empty;
  const [{ n }] = await db
    .select({ n: count() })
    .from(actualValues)
    .leftJoin(indicatorNodes, nodeJoin)
    .where(where);
  const rows = await db
    .select({
      value: actualValues,
      cycleName: cycles.name,
      cycleNameEn: cycles.nameEn,
      cycleId: plans.cycleId,
      planTitle: plans.title,
      planTitleEn: plans.titleEn,
      orgUnitId: plans.orgUnitId,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      orgPath: orgUnits.path,
      personName: people.name,
      personNameEn: people.nameEn,
      indicatorName: indicatorNodes.name,
      indicatorNameEn: indicatorNodes.nameEn,
      unit: indicatorNodes.unit,
      plausibleMin: indicatorNodes.plausibleMin,
      plausibleMax: indicatorNodes.plausibleMax,
      evidenceCount: sql<number>`(select count(*)::int from ${evidenceFiles} where ${evidenceFiles.valueId} = ${actualValues.id})`,
    })
    .from(actualValues)
    .innerJoin(plans, eq(plans.id, actualValues.planId))
    .innerJoin(cycles, eq(cycles.id, plans.cycleId))
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .leftJoin(indicatorNodes, nodeJoin)
    .where(where)
    .orderBy(asc(actualValues.reportedAt), asc(actualValues.id))
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize);
  return {
    ...empty,
    total: n,
    items: rows.map((r) => ({
      ...presentValue(r.value),
      cycleId: r.cycleId,
      cycleName: r.cycleName,
      cycleNameEn: r.cycleNameEn,
      planTitle: r.planTitle,
      planTitleEn: r.planTitleEn,
      orgUnitId: r.orgUnitId,
      appraiseeName: r.personName ?? r.orgName,
      appraiseeNameEn: r.personName ? r.personNameEn : r.orgNameEn,
      indicatorName: r.indicatorName,
      indicatorNameEn: r.indicatorNameEn,
      unit: r.unit,
      plausibleMin: r.plausibleMin,
      plausibleMax: r.plausibleMax,
      evidenceCount: Number(r.evidenceCount),
      // The queue holds only unpublished cycles.
      can: valuePermissions(a, { orgPath: r.orgPath }, r.value, false),
    })),
  };
}

/** Values awaiting the actor's verification, counted per plan (the to-do page's verifier section). */
export async function queueByPlan(db: Db, a: Actor) {
  const where = await queueCondition(db, a, { status: 'reported' });
  if (!where) return [];
  return db
    .select({ planId: actualValues.planId, count: count() })
    .from(actualValues)
    .leftJoin(indicatorNodes, nodeJoin)
    .where(where)
    .groupBy(actualValues.planId);
}

/**
 * Verifies or rejects several values, each through the verify use case (its own transaction, checks and
 * audit entry): a value re-reported meanwhile or out of the actor's reach is reported in `failed` with its
 * error code, and the others are done. A request-level error (a rejection without a reason) refuses all.
 */
export async function bulkVerify(db: Db, actor: Actor | null, input: BulkVerifyInput) {
  requireVerifierRole(requireActor(actor));
  const done = [];
  const failed: { id: string; error: string; message: string }[] = [];
  for (const item of input.items) {
    try {
      done.push(
        await verifyValue(db, actor, item.id, {
          decision: input.decision,
          reason: input.reason,
          version: item.version,
        }),
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode === 400 || err.statusCode === 401) throw err;
      failed.push({ id: item.id, error: err.error, message: err.message });
    }
  }
  return { done, failed };
}
