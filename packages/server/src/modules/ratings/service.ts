import { and, asc, eq } from 'drizzle-orm';
import type { SubjectType } from '@perfcommons/domain';
import type { Db } from '../../db/client';
import { cycles, evaluationTasks, indicatorNodes, orgUnits, people, plans, ratings } from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, isUniqueViolation } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { loadPlanScope } from '../plans/access';

export interface RatingInput {
  indicatorCode: string;
  subjectType: SubjectType;
  score: number;
  comment?: string;
}

/** A cycle's ratings are open: in evaluation, its results not published ({@link submitRating} refuses otherwise). */
export const ratingsOpen = (c: { stage: string; resultsPublishedAt: Date | null }) =>
  c.stage === 'evaluation' && !c.resultsPublishedAt;

/**
 * What a rater may do with one of their tasks: rate while the cycle's ratings are open, never their own plan
 * — the checks of {@link submitRating} past the task itself.
 */
export const ratingTaskPermissions = (
  actor: Actor,
  plan: { personUserId: string | null },
  cycle: { stage: string; resultsPublishedAt: Date | null },
) => ({ rate: plan.personUserId !== actor.id && ratingsOpen(cycle) });

/**
 * A rater scores one indicator of a plan as the evaluation subject they were assigned. Raters
 * rate only their own tasks, never themselves, once per indicator and subject (the database
 * enforces it), while the cycle is in evaluation.
 */
export async function submitRating(db: Db, actor: Actor | null, planId: string, input: RatingInput) {
  const a = requireActor(actor);
  try {
    return await db.transaction(async (tx) => {
      const scope = await loadPlanScope(tx, planId);
      if (scope.personUserId === a.id) throw forbidden('Self-rating is a conflict of interest');
      const [task] = await tx
        .select()
        .from(evaluationTasks)
        .where(
          and(
            eq(evaluationTasks.planId, planId),
            eq(evaluationTasks.raterId, a.id),
            eq(evaluationTasks.subjectType, input.subjectType),
          ),
        );
      if (!task) throw forbidden(`You have no ${input.subjectType} rating task for this plan`);
      await assertCycleNotPublished(tx, scope.plan.cycleId);
      const [cycle] = await tx.select().from(cycles).where(eq(cycles.id, scope.plan.cycleId));
      if (!ratingsOpen(cycle))
        throw conflict(`Ratings are open during evaluation; the cycle is in ${cycle.stage}`, [
          { path: 'cycle', message: 'not in evaluation' },
        ]);
      const [node] = await tx
        .select()
        .from(indicatorNodes)
        .where(and(eq(indicatorNodes.planId, planId), eq(indicatorNodes.code, input.indicatorCode)));
      const subjects = node?.subjects ?? [];
      if (!node || !subjects.some((s) => s.type === input.subjectType))
        throw badRequest(`Indicator ${input.indicatorCode} is not rated by ${input.subjectType}`, [
          { path: 'indicatorCode', message: 'not rated by this subject' },
        ]);
      const [rating] = await tx
        .insert(ratings)
        .values({
          cycleId: scope.plan.cycleId,
          planId,
          indicatorCode: input.indicatorCode,
          subjectType: input.subjectType,
          raterId: a.id,
          score: input.score,
          comment: input.comment ?? null,
        })
        .returning();
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'rating.submit',
          entityType: 'rating',
          entityId: rating.id,
          data: {
            planId,
            indicatorCode: input.indicatorCode,
            subjectType: input.subjectType,
            score: input.score,
          },
          entity: rating,
        },
      ]);
      return {
        id: rating.id,
        indicatorCode: rating.indicatorCode,
        subjectType: rating.subjectType,
        score: rating.score,
      };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(
        'You have already rated this indicator',
        [{ path: 'indicatorCode', message: 'already rated' }],
        'already_rated',
      );
    throw err;
  }
}

/** All ratings of a plan, for the office (raters stay anonymous to the appraisee). */
export async function listRatings(db: Db, actor: Actor | null, planId: string) {
  requireOffice(actor, 'Reading individual ratings');
  return db.select().from(ratings).where(eq(ratings.planId, planId)).orderBy(asc(ratings.indicatorCode));
}

/** The actor's own rating tasks, with what is already rated. */
export async function myTasks(db: Db, actor: Actor | null) {
  const a = requireActor(actor);
  const tasks = await db
    .select({
      id: evaluationTasks.id,
      planId: evaluationTasks.planId,
      cycleId: evaluationTasks.cycleId,
      subjectType: evaluationTasks.subjectType,
      planTitle: plans.title,
      planTitleEn: plans.titleEn,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personName: people.name,
      personNameEn: people.nameEn,
      personUserId: people.userId,
      stage: cycles.stage,
      resultsPublishedAt: cycles.resultsPublishedAt,
    })
    .from(evaluationTasks)
    .innerJoin(plans, eq(plans.id, evaluationTasks.planId))
    .innerJoin(cycles, eq(cycles.id, plans.cycleId))
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(eq(evaluationTasks.raterId, a.id))
    .orderBy(asc(orgUnits.path));
  const mine = await db
    .select({
      planId: ratings.planId,
      indicatorCode: ratings.indicatorCode,
      subjectType: ratings.subjectType,
      score: ratings.score,
    })
    .from(ratings)
    .where(eq(ratings.raterId, a.id));
  return tasks.map(({ personUserId, stage, resultsPublishedAt, ...t }) => ({
    ...t,
    appraiseeName: t.personName ?? t.orgName,
    appraiseeNameEn: t.personNameEn ?? t.orgNameEn,
    rated: mine.filter((m) => m.planId === t.planId && m.subjectType === t.subjectType),
    can: ratingTaskPermissions(a, { personUserId }, { stage, resultsPublishedAt }),
  }));
}
