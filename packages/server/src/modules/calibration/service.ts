/**
 * Raters' calibration exercise 评分校准 of a cycle. The office writes reference cases (a described
 * performance of a qualitative indicator, its rubric and the panel's scores) or derives one from a panel
 * of a cycle whose results are published; a rater of the cycle (anyone holding an evaluation task in it,
 * or an evaluator) scores each case once and gets feedback on how far the score is from the panel's
 * (`calibrationSummary` of packages/domain: deviation, bias, mean absolute deviation, within the rubric
 * band of the panel's mean); the office sees every rater's status. A trainee never sees the panel's
 * individual scores, only their mean, median, spread and range once the case is answered. The exercise
 * feeds no score (not in AUDIT_COVERAGE, no publication freeze); every write and answer is audited.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type {
  CalibrationCase,
  CalibrationCaseBody,
  CalibrationCaseFeedback,
  CalibrationDeriveBody,
  CalibrationSummary,
  RubricBand,
} from '@perfcommons/contracts';
import { MAX_CALIBRATION_CASES } from '@perfcommons/contracts';
import { calibrationItemFeedback, calibrationSummary, PANEL_DISCLOSURE_MINIMUM } from '@perfcommons/domain';
import type { Db } from '../../db/client';
import {
  calibrationAnswers,
  calibrationCases,
  cycles,
  evaluationTasks,
  indicatorNodes,
  plans,
  ratings,
  users,
} from '../../db/schema';
import { hasRole, isOffice, requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { getCycle } from '../cycles/service';

type CaseRow = typeof calibrationCases.$inferSelect;
type AnswerRow = typeof calibrationAnswers.$inferSelect;
type Status = 'not_started' | 'in_progress' | 'completed';

/** Whether the actor is a trainee of the cycle: an evaluator, or anyone holding an evaluation task in it. */
async function isTrainee(db: Db, actor: Actor, cycleId: string) {
  if (hasRole(actor, 'evaluator')) return true;
  const [task] = await db
    .select({ id: evaluationTasks.id })
    .from(evaluationTasks)
    .where(and(eq(evaluationTasks.cycleId, cycleId), eq(evaluationTasks.raterId, actor.id)))
    .limit(1);
  return !!task;
}

/** Feedback on one answered case (the rubric's bands always given). */
function feedbackOf(c: CaseRow, score: number): CalibrationCaseFeedback {
  const f = calibrationItemFeedback({
    panelScores: c.panelScores,
    raterScore: score,
    maxScore: 100,
    bands: c.rubric,
  });
  return {
    panelCount: f.panelCount,
    panelMean: f.panelMean,
    panelMedian: f.panelMedian,
    panelSd: f.panelSd,
    panelMin: Math.min(...c.panelScores),
    panelMax: Math.max(...c.panelScores),
    deviation: f.deviation,
    deviationShare: f.deviationShare,
    z: f.z,
    withinPanelRange: f.withinPanelRange,
    panelBand: f.panelBand!,
    raterBand: f.raterBand!,
    withinBand: f.withinBand!,
  };
}

/** The summary of a trainee's answers (null before the first). */
function summaryOf(pairs: { c: CaseRow; score: number }[]): CalibrationSummary | null {
  if (!pairs.length) return null;
  const s = calibrationSummary(
    pairs.map(({ c, score }) => ({
      panelScores: c.panelScores,
      raterScore: score,
      maxScore: 100,
      bands: c.rubric,
    })),
  );
  return {
    count: s.count,
    bias: s.meanDeviation,
    meanAbsDeviation: s.meanAbsDeviation,
    rmsDeviation: s.rmsDeviation,
    meanAbsZ: s.meanAbsZ,
    withinRangeShare: s.withinRangeShare,
    withinBandShare: s.withinBandShare ?? 0,
    verdict: s.verdict,
  };
}

const statusOf = (answered: number, total: number): Status =>
  answered === 0 ? 'not_started' : answered >= total ? 'completed' : 'in_progress';

function view(c: CaseRow, manage: boolean, answer: AnswerRow | undefined, answers?: number): CalibrationCase {
  return {
    id: c.id,
    cycleId: c.cycleId,
    position: c.position,
    title: c.title,
    titleEn: c.titleEn,
    indicatorName: c.indicatorName,
    indicatorNameEn: c.indicatorNameEn,
    description: c.description,
    descriptionEn: c.descriptionEn,
    rubric: c.rubric,
    source: c.source as 'office' | 'panel',
    panelScores: manage ? c.panelScores : null,
    sourcePlanId: manage ? c.sourcePlanId : null,
    sourceIndicatorCode: manage ? c.sourceIndicatorCode : null,
    sourceSubjectType: manage ? c.sourceSubjectType : null,
    answers: manage ? (answers ?? 0) : null,
    answer: answer
      ? {
          score: answer.score,
          answeredAt: answer.answeredAt.toISOString(),
          feedback: feedbackOf(c, answer.score),
        }
      : null,
    createdAt: c.createdAt.toISOString(),
  };
}

const casesOf = (db: Db, cycleId: string) =>
  db
    .select()
    .from(calibrationCases)
    .where(eq(calibrationCases.cycleId, cycleId))
    .orderBy(asc(calibrationCases.position), asc(calibrationCases.createdAt));

/** The exercise of a cycle: the office sees the panel's scores; a trainee sees own answers with feedback. */
export async function getCalibration(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireActor(actor);
  await getCycle(db, cycleId);
  const manage = isOffice(a);
  const answer = await isTrainee(db, a, cycleId);
  if (!manage && !answer)
    throw forbidden("The cycle's calibration exercise is for its raters and the performance office");
  const cases = await casesOf(db, cycleId);
  const mine = await db
    .select()
    .from(calibrationAnswers)
    .where(and(eq(calibrationAnswers.cycleId, cycleId), eq(calibrationAnswers.raterId, a.id)));
  const byCase = new Map(mine.map((x) => [x.caseId, x]));
  const counts = manage
    ? new Map(
        (
          await db
            .select({ caseId: calibrationAnswers.caseId, n: count() })
            .from(calibrationAnswers)
            .where(eq(calibrationAnswers.cycleId, cycleId))
            .groupBy(calibrationAnswers.caseId)
        ).map((r) => [r.caseId, Number(r.n)]),
      )
    : new Map<string, number>();
  const answered = cases.filter((c) => byCase.has(c.id));
  return {
    cycleId,
    cases: cases.map((c) => view(c, manage, byCase.get(c.id), counts.get(c.id))),
    answered: answered.length,
    status: statusOf(answered.length, cases.length),
    summary: summaryOf(answered.map((c) => ({ c, score: byCase.get(c.id)!.score }))),
    can: { manage, answer },
  };
}

async function insertCase(
  db: Db,
  a: Actor,
  cycleId: string,
  values: Omit<typeof calibrationCases.$inferInsert, 'cycleId' | 'position' | 'createdBy'>,
  action: 'calibration_case.create' | 'calibration_case.derive',
) {
  return db.transaction(async (tx) => {
    // The cycle row is locked so that concurrent additions keep the count and the positions.
    await getCycle(tx, cycleId, { forUpdate: true });
    const held = await tx
      .select({ position: calibrationCases.position })
      .from(calibrationCases)
      .where(eq(calibrationCases.cycleId, cycleId));
    if (held.length >= MAX_CALIBRATION_CASES)
      throw conflict(`A cycle's calibration exercise holds at most ${MAX_CALIBRATION_CASES} cases`, [
        { path: 'title', message: `${held.length} held` },
      ]);
    const position = held.reduce((m, r) => Math.max(m, r.position), 0) + 1;
    const [row] = await tx
      .insert(calibrationCases)
      .values({ ...values, cycleId, position, createdBy: a.id })
      .returning();
    const { id: _id, createdAt: _t, createdBy: _b, ...data } = row;
    await appendAudit(tx, [
      { actorId: a.id, action, entityType: 'calibration_case', entityId: row.id, data },
    ]);
    return { case: view(row, true, undefined, 0) };
  });
}

/** A reference case written by the office, with the panel's scores. */
export async function createCalibrationCase(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  body: CalibrationCaseBody,
) {
  const a = requireOffice(actor, 'The calibration exercise');
  await getCycle(db, cycleId);
  return insertCase(
    db,
    a,
    cycleId,
    {
      title: body.title,
      titleEn: body.titleEn || null,
      indicatorName: body.indicatorName,
      indicatorNameEn: body.indicatorNameEn || null,
      description: body.description,
      descriptionEn: body.descriptionEn || null,
      rubric: body.rubric,
      panelScores: body.panelScores,
      source: 'office',
    },
    'calibration_case.create',
  );
}

/**
 * A reference case derived from a panel of a published cycle: the individual scores of one subject on one
 * rated leaf of one plan (at least the open-data disclosure minimum of raters), the leaf's name and rubric.
 */
export async function deriveCalibrationCase(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  body: CalibrationDeriveBody,
) {
  const a = requireOffice(actor, 'The calibration exercise');
  await getCycle(db, cycleId);
  const [plan] = await db
    .select({ id: plans.id, cycleId: plans.cycleId, published: cycles.resultsPublishedAt })
    .from(plans)
    .innerJoin(cycles, eq(cycles.id, plans.cycleId))
    .where(eq(plans.id, body.planId))
    .limit(1);
  if (!plan) throw notFound('Plan');
  if (!plan.published)
    throw badRequest('A case is derived from a panel of a cycle whose results are published', [
      { path: 'planId', message: 'results of its cycle not published' },
    ]);
  const [node] = await db
    .select()
    .from(indicatorNodes)
    .where(and(eq(indicatorNodes.planId, plan.id), eq(indicatorNodes.code, body.indicatorCode)))
    .limit(1);
  if (!node)
    throw badRequest('No such indicator in the plan', [{ path: 'indicatorCode', message: 'not found' }]);
  const scores = await db
    .select({ score: ratings.score })
    .from(ratings)
    .where(
      and(
        eq(ratings.planId, plan.id),
        eq(ratings.indicatorCode, body.indicatorCode),
        eq(ratings.subjectType, body.subjectType),
      ),
    );
  if (scores.length < PANEL_DISCLOSURE_MINIMUM)
    throw badRequest(`A reference panel needs at least ${PANEL_DISCLOSURE_MINIMUM} raters`, [
      { path: 'subjectType', message: `${scores.length} ratings` },
    ]);
  const rubric: RubricBand[] | null = body.rubric ?? node.rubric ?? null;
  if (!rubric)
    throw badRequest('The leaf has no rubric: give one', [
      { path: 'rubric', message: 'required for this leaf' },
    ]);
  return insertCase(
    db,
    a,
    cycleId,
    {
      title: body.title,
      titleEn: body.titleEn || null,
      indicatorName: node.name,
      indicatorNameEn: node.nameEn,
      description: body.description,
      descriptionEn: body.descriptionEn || null,
      rubric,
      // Anonymous and sorted: the order of the ratings says nothing about who gave them.
      panelScores: scores.map((s) => s.score).sort((x, y) => x - y),
      source: 'panel',
      sourcePlanId: plan.id,
      sourceIndicatorCode: body.indicatorCode,
      sourceSubjectType: body.subjectType,
    },
    'calibration_case.derive',
  );
}

/** Panels of published cycles a case may be derived from (at least the disclosure minimum of raters), newest cycle first, at most 500. */
export async function calibrationCandidates(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'The calibration exercise');
  await getCycle(db, cycleId);
  const rows = await db
    .select({
      cycleId: cycles.id,
      cycleName: cycles.name,
      cycleNameEn: cycles.nameEn,
      planId: plans.id,
      planTitle: plans.title,
      planTitleEn: plans.titleEn,
      indicatorCode: ratings.indicatorCode,
      indicatorName: indicatorNodes.name,
      indicatorNameEn: indicatorNodes.nameEn,
      subjectType: ratings.subjectType,
      raters: count(),
      mean: sql<number>`avg(${ratings.score})::float8`,
      sd: sql<number>`coalesce(stddev_samp(${ratings.score}), 0)::float8`,
      hasRubric: sql<boolean>`bool_or(${indicatorNodes.rubric} is not null)`,
    })
    .from(ratings)
    .innerJoin(plans, eq(plans.id, ratings.planId))
    .innerJoin(cycles, eq(cycles.id, plans.cycleId))
    .innerJoin(
      indicatorNodes,
      and(eq(indicatorNodes.planId, ratings.planId), eq(indicatorNodes.code, ratings.indicatorCode)),
    )
    .where(isNotNull(cycles.resultsPublishedAt))
    .groupBy(
      cycles.id,
      cycles.name,
      cycles.nameEn,
      plans.id,
      plans.title,
      plans.titleEn,
      ratings.indicatorCode,
      indicatorNodes.name,
      indicatorNodes.nameEn,
      ratings.subjectType,
    )
    .having(sql`count(*) >= ${PANEL_DISCLOSURE_MINIMUM}`)
    .orderBy(desc(cycles.periodEnd), asc(plans.title), asc(ratings.indicatorCode), asc(ratings.subjectType))
    .limit(500);
  return {
    items: rows.map((r) => ({
      ...r,
      raters: Number(r.raters),
      mean: Number(r.mean),
      sd: Number(r.sd),
      hasRubric: !!r.hasRubric,
    })),
  };
}

/** Removes a case nobody has answered yet (office); an answered case keeps its feedback. */
export async function deleteCalibrationCase(db: Db, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'The calibration exercise');
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(calibrationCases).where(eq(calibrationCases.id, id)).for('update');
    if (!row) throw notFound('Calibration case');
    const [answered] = await tx
      .select({ n: count() })
      .from(calibrationAnswers)
      .where(eq(calibrationAnswers.caseId, id));
    if (Number(answered.n) > 0)
      throw conflict(
        'Raters have answered this case: it stays so that their feedback holds',
        [{ path: 'id', message: `${answered.n} answers` }],
        'calibration_answered',
      );
    await tx.delete(calibrationCases).where(eq(calibrationCases.id, id));
    const { id: _id, createdAt: _t, ...data } = row;
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'calibration_case.delete',
        entityType: 'calibration_case',
        entityId: id,
        data,
      },
    ]);
    return { ok: true as const };
  });
}

/** A trainee's score of a case, given once; answers with the case's feedback and the summary so far. */
export async function answerCalibrationCase(
  db: Db,
  actor: Actor | null,
  caseId: string,
  body: { score: number },
) {
  const a = requireActor(actor);
  const [c] = await db.select().from(calibrationCases).where(eq(calibrationCases.id, caseId)).limit(1);
  if (!c) throw notFound('Calibration case');
  if (!(await isTrainee(db, a, c.cycleId)))
    throw forbidden('The calibration exercise is for the raters of the cycle');
  try {
    await db.transaction(async (tx) => {
      const [prior] = await tx
        .select({ id: calibrationAnswers.id })
        .from(calibrationAnswers)
        .where(and(eq(calibrationAnswers.caseId, caseId), eq(calibrationAnswers.raterId, a.id)))
        .limit(1);
      if (prior) throw answeredConflict();
      const [row] = await tx
        .insert(calibrationAnswers)
        .values({ caseId, cycleId: c.cycleId, raterId: a.id, score: body.score })
        .returning();
      const f = feedbackOf(c, body.score);
      await appendAudit(tx, [
        {
          actorId: a.id,
          action: 'calibration.answer',
          entityType: 'calibration_answer',
          entityId: row.id,
          data: {
            caseId,
            cycleId: c.cycleId,
            score: body.score,
            deviation: f.deviation,
            withinBand: f.withinBand,
          },
        },
      ]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw answeredConflict();
    throw err;
  }
  const all = await getCalibration(db, a, c.cycleId);
  return {
    case: all.cases.find((x) => x.id === caseId)!,
    answered: all.answered,
    status: all.status,
    summary: all.summary!,
  };
}

const answeredConflict = () =>
  conflict(
    'You have answered this case: a calibration score is given once',
    [{ path: 'score', message: 'already answered' }],
    'calibration_answered',
  );

/** Every rater of the cycle (task holders and anyone who answered) with progress and summary (office). */
export async function calibrationStatus(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, "Raters' calibration status");
  await getCycle(db, cycleId);
  const cases = await casesOf(db, cycleId);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const tasks = await db
    .select({ raterId: evaluationTasks.raterId, n: count() })
    .from(evaluationTasks)
    .where(eq(evaluationTasks.cycleId, cycleId))
    .groupBy(evaluationTasks.raterId);
  const answers = await db.select().from(calibrationAnswers).where(eq(calibrationAnswers.cycleId, cycleId));
  const ids = [...new Set([...tasks.map((t) => t.raterId), ...answers.map((x) => x.raterId)])];
  const people = ids.length
    ? await db
        .select({ id: users.id, username: users.username, displayName: users.displayName })
        .from(users)
        .where(inArray(users.id, ids))
    : [];
  const taskCount = new Map(tasks.map((t) => [t.raterId, Number(t.n)]));
  const raters = people.map((u) => {
    const mine = answers.filter((x) => x.raterId === u.id && byId.has(x.caseId));
    return {
      userId: u.id,
      username: u.username,
      displayName: u.displayName,
      tasks: taskCount.get(u.id) ?? 0,
      answered: mine.length,
      status: statusOf(mine.length, cases.length),
      summary: summaryOf(mine.map((x) => ({ c: byId.get(x.caseId)!, score: x.score }))),
    };
  });
  // Those who answered first (by how far they are), then those who have not started, by name.
  raters.sort(
    (x, y) =>
      (y.answered > 0 ? 1 : 0) - (x.answered > 0 ? 1 : 0) ||
      (y.summary?.meanAbsDeviation ?? 0) - (x.summary?.meanAbsDeviation ?? 0) ||
      x.username.localeCompare(y.username),
  );
  return { cases: cases.length, raters };
}
