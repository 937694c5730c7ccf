import { and, asc, eq } from 'drizzle-orm';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import { cycles, publicRatings, ratings } from '../../db/schema';
import type { Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { loadPlanScope } from '../plans/access';
import { loadTree } from '../plans/service';
import { leaves } from '../plans/tree';
import { assertStage, requireParticipant } from './access';
import { appraiseeResolver, HIGH_RELEVANCE, loadParticipants, relevanceOf } from './relevance';

/** First-level dimensions 一级指标 the public rates (bonus and deduction items are not rated). */
export function dimensionsOf(tree: IndicatorNodeInput[]) {
  return tree
    .filter((n) => (n.kind ?? 'normal') === 'normal')
    .map((n) => ({ code: n.code, name: n.name, nameEn: n.nameEn ?? null }));
}

/** Leaves rated by the `public` subject, each with the first-level dimension it belongs to. */
function publicLeaves(tree: IndicatorNodeInput[]) {
  return tree.flatMap((top) =>
    leaves([top])
      .filter((l) => (l.subjects ?? []).some((s) => s.type === 'public'))
      .map((l) => ({ code: l.code, dimension: top.code })),
  );
}

/** The rating form of an appraisee: its dimensions, the participant's relevance and earlier rating. */
export async function ratingForm(db: Db, actor: Actor | null, planId: string) {
  const scope = await loadPlanScope(db, planId);
  if (!['approved', 'closed'].includes(scope.plan.status)) throw notFound('Plan');
  const [cycle] = await db.select().from(cycles).where(eq(cycles.id, scope.plan.cycleId));
  const tree = await loadTree(db, planId);
  let mine = null;
  let relevance = null;
  if (actor) {
    [mine = null] = await db
      .select({
        id: publicRatings.id,
        scores: publicRatings.scores,
        comment: publicRatings.comment,
        relevance: publicRatings.relevance,
      })
      .from(publicRatings)
      .where(and(eq(publicRatings.planId, planId), eq(publicRatings.userId, actor.id)));
    const p = (await loadParticipants(db, [actor.id])).get(actor.id)!;
    relevance = relevanceOf(p, (await appraiseeResolver(db))(scope.plan.orgUnitId));
  }
  return {
    planId,
    appraiseeName: scope.appraiseeName,
    appraiseeNameEn: scope.appraiseeNameEn,
    open: cycle.stage === 'evaluation',
    dimensions: dimensionsOf(tree),
    mine,
    relevance,
  };
}

/**
 * A participant rates an appraisee on its first-level dimensions, once per cycle (a unique index
 * decides under concurrent submissions). The rating enters the `public` evaluation subject: each
 * leaf rated by the public receives the participant's score of its dimension (or, when that
 * dimension was not rated, the mean of the dimensions rated) with the participant's relevance as
 * weight, so computeCycleResults aggregates it like any other rating.
 */
export async function submitPublicRating(
  db: Db,
  actor: Actor | null,
  planId: string,
  input: { scores: Record<string, number>; comment?: string },
) {
  const a = requireParticipant(actor);
  try {
    return await db.transaction(async (tx) => {
      const scope = await loadPlanScope(tx, planId);
      if (!['approved', 'closed'].includes(scope.plan.status)) throw notFound('Plan');
      const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, scope.plan.cycleId));
      await assertCycleNotPublished(tx, cycle.id);
      assertStage(cycle, ['evaluation'], 'Public rating');
      if (scope.personUserId === a.id) throw forbidden('Self-rating is a conflict of interest');
      const tree = await loadTree(tx, planId);
      const dims = new Set(dimensionsOf(tree).map((d) => d.code));
      const codes = Object.keys(input.scores);
      const bad = codes.filter((c) => !dims.has(c));
      if (bad.length || codes.length === 0)
        throw badRequest(
          'Rate the appraisee on its first-level dimensions',
          codes.length
            ? bad.map((c) => ({ path: `scores.${c}`, message: 'not a first-level dimension' }))
            : [{ path: 'scores', message: 'empty' }],
        );
      const p = (await loadParticipants(tx, [a.id])).get(a.id)!;
      const relevance = relevanceOf(p, (await appraiseeResolver(tx))(scope.plan.orgUnitId)).score;
      const [row] = await tx
        .insert(publicRatings)
        .values({
          cycleId: cycle.id,
          planId,
          userId: a.id,
          scores: input.scores,
          comment: input.comment ?? null,
          relevance,
        })
        .returning();
      const mean = codes.reduce((s, c) => s + input.scores[c], 0) / codes.length;
      const leafRows = publicLeaves(tree).map((l) => ({
        cycleId: cycle.id,
        planId,
        indicatorCode: l.code,
        subjectType: 'public' as const,
        raterId: a.id,
        score: Math.round((input.scores[l.dimension] ?? mean) * 100) / 100,
        weight: relevance,
      }));
      const stored = leafRows.length ? await tx.insert(ratings).values(leafRows).returning() : [];
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'participation.rating.submit' as const,
          entityType: 'public_rating',
          entityId: row.id,
          data: { planId, scores: input.scores, relevance },
        },
        ...stored.map((r) => ({
          actorId: a.id,
          action: 'rating.submit' as const,
          entityType: 'rating',
          entityId: r.id,
          data: {
            planId,
            indicatorCode: r.indicatorCode,
            subjectType: 'public',
            score: r.score,
            weight: r.weight,
          },
          entity: r,
        })),
      ]);
      return {
        id: row.id,
        planId,
        scores: row.scores,
        relevance,
        leavesRated: stored.map((r) => r.indicatorCode),
      };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(
        'You have rated this appraisee in this cycle already',
        [{ path: 'planId', message: 'already rated' }],
        'already_rated',
      );
    throw err;
  }
}

/** Public summary of the ratings of an appraisee: plain and relevance-weighted means per dimension. */
export async function publicRatingSummary(db: Db, planId: string) {
  const scope = await loadPlanScope(db, planId);
  if (!['approved', 'closed'].includes(scope.plan.status)) throw notFound('Plan');
  const tree = await loadTree(db, planId);
  const rows = await db
    .select()
    .from(publicRatings)
    .where(eq(publicRatings.planId, planId))
    .orderBy(asc(publicRatings.createdAt));
  const dimensions = dimensionsOf(tree).map((d) => {
    const rs = rows.filter((r) => typeof r.scores[d.code] === 'number');
    const w = rs.reduce((s, r) => s + r.relevance, 0);
    return {
      ...d,
      n: rs.length,
      mean: rs.length ? rs.reduce((s, r) => s + r.scores[d.code], 0) / rs.length : null,
      weightedMean: w > 0 ? rs.reduce((s, r) => s + r.relevance * r.scores[d.code], 0) / w : null,
    };
  });
  return {
    planId,
    n: rows.length,
    highRelevanceShare: rows.length
      ? rows.filter((r) => r.relevance >= HIGH_RELEVANCE).length / rows.length
      : 0,
    dimensions,
    comments: rows
      .filter((r) => r.comment)
      .map((r) =>
        r.status === 'hidden'
          ? { id: r.id, status: r.status, hiddenReason: r.hiddenReason, createdAt: r.createdAt }
          : {
              id: r.id,
              status: r.status,
              comment: r.comment,
              relevance: r.relevance,
              createdAt: r.createdAt,
            },
      ),
  };
}
