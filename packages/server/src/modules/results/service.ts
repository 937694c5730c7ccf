import { and, eq, getTableColumns, inArray, notInArray, sql } from 'drizzle-orm';
import {
  combineScores,
  DEFAULT_GRADE_SCHEME,
  gradeAndRank,
  scoreAppraisee,
  type GradeScheme,
  type LeafInput,
} from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import {
  actualValues,
  consequences,
  cycles,
  orgUnits,
  people,
  plans,
  ratings,
  results,
} from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { conflict, forbidden, notFound } from '../../lib/errors';
import { canonicalJson, sha256 } from '../../lib/hash';
import { appendAudit } from '../audit/service';
import { getCycle, presentCycle } from '../cycles/service';
import { canReadPlanSync } from '../plans/access';
import { surveyInputsForCycle } from '../surveys/analysis';
import { rulesOf } from '../evaluation/rules';
import { applyConsequences, combinedParts, sensitivityByGroup } from './derive';
import { loadPlanTrees } from './trees';

/** Links of the cycle in which results may be (re)computed. */
const COMPUTE_STAGES = ['evaluation', 'feedback', 'results'];

type ResultRow = typeof results.$inferSelect;

/** Columns replaced when a plan's result is recomputed (everything but identity and plan). */
const upsertSet = {
  total: sql`excluded.total`,
  weightedScore: sql`excluded.weighted_score`,
  bonus: sql`excluded.bonus`,
  deduction: sql`excluded.deduction`,
  grade: sql`excluded.grade`,
  gradeByScore: sql`excluded.grade_by_score`,
  rank: sql`excluded.rank`,
  peerGroup: sql`excluded.peer_group`,
  peerGroupSize: sql`excluded.peer_group_size`,
  veto: sql`excluded.veto`,
  reasons: sql`excluded.reasons`,
  breakdown: sql`excluded.breakdown`,
  sensitivity: sql`excluded.sensitivity`,
  computedAt: sql`excluded.computed_at`,
};

/** Result columns read back after the upsert: all but the breakdown, which the caller already has. */
const { breakdown: _breakdown, ...returnedColumns } = getTableColumns(results);
/** Stands for the breakdown in a row's canonical JSON; NUL cannot occur in stored text or json. */
const BREAKDOWN_SLOT = '\u0000breakdown\u0000';

/**
 * entityHash(row) of a result row whose breakdown is already in canonical JSON: the row is
 * serialised without it and the breakdown's text spliced in, so the large breakdown is serialised
 * once for both the insert and the audit. The hash equals the one verify-audit computes from the
 * stored row (the json column keeps the canonical text as written).
 */
function resultHash(row: Omit<ResultRow, 'breakdown'>, breakdownJson: string) {
  const json = canonicalJson({ ...row, breakdown: BREAKDOWN_SLOT });
  return sha256(json.replace(JSON.stringify(BREAKDOWN_SLOT), () => breakdownJson));
}

/**
 * Computes every approved plan of a cycle from verified values and ratings: bottom-up scores with
 * breakdown, ranks and grades (with quota caps and veto) within peer groups. Replaces the cycle's
 * results in one transaction, each result audited.
 */
export async function computeCycleResults(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireOffice(actor, 'Computing results');
  return db.transaction(async (tx) => {
    const cycle = await getCycle(tx, cycleId);
    if (!COMPUTE_STAGES.includes(cycle.stage))
      throw conflict(`Results are computed from evaluation on; the cycle is in ${cycle.stage}`, [
        { path: 'stage', message: `must be one of ${COMPUTE_STAGES.join(', ')}` },
      ]);
    const rules = rulesOf(cycle.rules);
    const scheme = (cycle.gradeScheme ?? DEFAULT_GRADE_SCHEME) as GradeScheme;
    const planRows = await tx
      .select()
      .from(plans)
      .where(and(eq(plans.cycleId, cycleId), inArray(plans.status, ['approved', 'closed'])));
    if (planRows.length === 0) return [];
    const planIds = planRows.map((p) => p.id);
    const trees = await loadPlanTrees(tx, planIds);
    const valueRows = await tx
      .select({
        planId: actualValues.planId,
        code: actualValues.indicatorCode,
        period: actualValues.period,
        value: actualValues.value,
      })
      .from(actualValues)
      .where(and(inArray(actualValues.planId, planIds), eq(actualValues.status, 'verified')));
    const ratingRows = await tx
      .select({
        planId: ratings.planId,
        code: ratings.indicatorCode,
        subject: ratings.subjectType,
        score: ratings.score,
        weight: ratings.weight,
        raterId: ratings.raterId,
      })
      .from(ratings)
      .where(eq(ratings.cycleId, cycleId));

    const inputs = new Map<string, Record<string, LeafInput & { period?: string }>>();
    const inputOf = (planId: string, code: string) => {
      const byCode = inputs.get(planId) ?? {};
      inputs.set(planId, byCode);
      return (byCode[code] ??= {});
    };
    const annualPeriod = cycle.periodEnd.slice(0, 4);
    for (const v of valueRows) {
      const input = inputOf(v.planId, v.code);
      // The period matching the cycle's year wins; otherwise the latest verified period.
      if (
        input.period === undefined ||
        v.period === annualPeriod ||
        (input.period !== annualPeriod && v.period > input.period)
      ) {
        input.value = v.value;
        input.period = v.period;
      }
    }
    for (const r of ratingRows) {
      const input = inputOf(r.planId, r.code);
      (input.ratings ??= []).push({
        subject: r.subject as never,
        score: r.score,
        weight: r.weight,
        raterId: r.raterId,
      });
    }
    // Published satisfaction surveys join the public panel, weighted by their effective sample size,
    // as estimates: never trimmed away like one outlying rater.
    for (const f of await surveyInputsForCycle(tx, cycleId))
      (inputOf(f.planId, f.indicatorCode).ratings ??= []).push({
        subject: 'public',
        score: f.score,
        weight: f.weight,
        raterId: f.raterId,
        estimate: true,
      });

    const own = planRows.map((p) => {
      const score = scoreAppraisee(trees.get(p.id)!, inputs.get(p.id) ?? {}, {
        trimEachSide: rules.trimEachSide,
        minRaters: rules.minRaters,
      });
      return { plan: p, score, group: `${p.appraiseeType}:${p.peerGroup}` };
    });
    const parts = await combinedParts(
      tx,
      cycle,
      rules,
      planRows,
      new Map(own.map((s) => [s.plan.id, s.score.total])),
    );
    const scored = own.map((s) =>
      parts.has(s.plan.id) ? { ...s, score: combineScores(s.score, parts.get(s.plan.id)!) } : s,
    );
    const graded = new Map(
      gradeAndRank(
        scored.map((s) => ({ id: s.plan.id, total: s.score.total, peerGroup: s.group, veto: s.score.veto })),
        scheme,
      ).map((g) => [g.id, g]),
    );
    const sensitivity = sensitivityByGroup(scored, cycleId);
    const groupSize = new Map<string, number>();
    for (const s of scored) {
      const k = `${s.plan.appraiseeType}:${s.plan.peerGroup}`;
      groupSize.set(k, (groupSize.get(k) ?? 0) + 1);
    }
    const computedAt = new Date();
    const values = scored.map((s) => {
      const g = graded.get(s.plan.id)!;
      return {
        cycleId,
        planId: s.plan.id,
        total: s.score.total,
        weightedScore: s.score.weightedScore,
        bonus: s.score.bonus,
        deduction: s.score.deduction,
        grade: g.grade,
        gradeByScore: g.gradeByScore,
        rank: g.rank,
        peerGroup: s.plan.peerGroup,
        peerGroupSize: groupSize.get(`${s.plan.appraiseeType}:${s.plan.peerGroup}`)!,
        veto: s.score.veto,
        reasons: g.reasons,
        breakdown: s.score.breakdown,
        sensitivity: sensitivity.get(s.plan.id) ?? null,
        computedAt,
      };
    });
    // Upsert by plan, so a result keeps its id (and links to it) across recomputations. Each
    // breakdown is serialised once (canonical JSON) for the insert and the audit hash, and not
    // read back: the stored rows are the returned columns plus the breakdown computed here.
    const stored: ResultRow[] = [];
    const hashes: string[] = [];
    for (let i = 0; i < values.length; i += 500) {
      const batch = values.slice(i, i + 500);
      const json = new Map(batch.map((v) => [v.planId, canonicalJson(v.breakdown)]));
      const rows = await tx
        .insert(results)
        .values(batch.map((v) => ({ ...v, breakdown: sql`${json.get(v.planId)}::json` })))
        .onConflictDoUpdate({ target: results.planId, set: upsertSet })
        .returning(returnedColumns);
      const breakdownOf = new Map(batch.map((v) => [v.planId, v.breakdown]));
      for (const r of rows) {
        stored.push({ ...r, breakdown: breakdownOf.get(r.planId)! });
        hashes.push(resultHash(r, json.get(r.planId)!));
      }
    }
    const removed = await tx
      .delete(results)
      .where(and(eq(results.cycleId, cycleId), notInArray(results.planId, planIds)))
      .returning({ id: results.id });
    const applied = await applyConsequences(tx, cycle, rules.consequenceRules, stored, planRows);
    await appendAudit(tx, [
      ...removed.map((r) => ({
        actorId: a.id,
        action: 'result.delete',
        entityType: 'result',
        entityId: r.id,
      })),
      {
        actorId: a.id,
        action: 'results.compute',
        entityType: 'cycle',
        entityId: cycleId,
        data: { count: stored.length, consequences: applied.length, rules, scheme },
      },
      ...stored.map((r, i) => ({
        actorId: a.id,
        action: 'result.compute',
        entityType: 'result',
        entityId: r.id,
        data: { planId: r.planId, total: r.total, grade: r.grade, rank: r.rank },
        entityHash: hashes[i],
      })),
    ]);
    return decorate(tx, stored, true);
  });
}

/** Adds appraisee names to result rows; `withBreakdown` keeps the explanation. */
async function decorate(db: DbOrTx, rows: ResultRow[], withBreakdown: boolean) {
  if (rows.length === 0) return [];
  const info = await db
    .select({
      id: plans.id,
      appraiseeType: plans.appraiseeType,
      orgUnitId: plans.orgUnitId,
      personId: plans.personId,
      orgPath: orgUnits.path,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personName: people.name,
      personNameEn: people.nameEn,
      personUserId: people.userId,
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(
      inArray(
        plans.id,
        rows.map((r) => r.planId),
      ),
    );
  const byPlan = new Map(info.map((i) => [i.id, i]));
  const applied = await db
    .select({
      resultId: consequences.resultId,
      kind: consequences.kind,
      value: consequences.value,
      reason: consequences.reason,
    })
    .from(consequences)
    .where(
      inArray(
        consequences.resultId,
        rows.map((r) => r.id),
      ),
    );
  const consequencesOf = new Map<string, { kind: string; value: unknown; reason: string }[]>();
  for (const { resultId, ...c } of applied)
    consequencesOf.set(resultId, [...(consequencesOf.get(resultId) ?? []), c]);
  return rows
    .map((r) => {
      const i = byPlan.get(r.planId)!;
      const { breakdown, ...rest } = r;
      return {
        ...rest,
        appraiseeType: i.appraiseeType,
        orgUnitId: i.orgUnitId,
        personId: i.personId,
        appraiseeName: i.personName ?? i.orgName,
        appraiseeNameEn: i.personNameEn ?? i.orgNameEn,
        consequences: consequencesOf.get(r.id) ?? [],
        ...(withBreakdown ? { breakdown } : {}),
        _scope: { orgPath: i.orgPath, personUserId: i.personUserId },
      };
    })
    .sort(
      (x, y) =>
        x.appraiseeType.localeCompare(y.appraiseeType) ||
        x.peerGroup.localeCompare(y.peerGroup) ||
        x.rank - y.rank,
    );
}

const strip = <T extends { _scope: unknown }>({ _scope: _, ...rest }: T) => rest;

/**
 * Results of a cycle: the office sees all; others see their own subtree's results, and
 * everyone's once the office has published them.
 */
export async function listResults(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  opts: { publicOnly?: boolean } = {},
) {
  const cycle = await getCycle(db, cycleId);
  const published = cycle.resultsPublishedAt !== null;
  if (opts.publicOnly && !published) return [];
  if (!opts.publicOnly) requireActor(actor);
  const rows = await db.select().from(results).where(eq(results.cycleId, cycleId));
  const list = await decorate(db, rows, false);
  return list.filter((r) => opts.publicOnly || published || canReadPlanSync(actor, r._scope)).map(strip);
}

export async function getResult(
  db: Db,
  actor: Actor | null,
  id: string,
  opts: { publicOnly?: boolean } = {},
) {
  const [row] = await db.select().from(results).where(eq(results.id, id));
  if (!row) throw notFound('Result');
  const cycle = await getCycle(db, row.cycleId);
  const published = cycle.resultsPublishedAt !== null;
  if (opts.publicOnly && !published) throw notFound('Result');
  const [r] = await decorate(db, [row], true);
  if (!opts.publicOnly && !published && !canReadPlanSync(requireActor(actor), r._scope))
    throw forbidden('This result is not published and belongs to another unit');
  const { breakdown, ...result } = strip(r);
  return { result, breakdown };
}

/** Publishes a cycle's results to the portal. */
export async function publishResults(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireOffice(actor, 'Publishing results');
  return db.transaction(async (tx) => {
    const cycle = await getCycle(tx, cycleId);
    const [any] = await tx
      .select({ id: results.id })
      .from(results)
      .where(eq(results.cycleId, cycleId))
      .limit(1);
    if (!any)
      throw conflict('Compute the results before publishing them', [
        { path: 'cycleId', message: 'no results' },
      ]);
    if (!['feedback', 'results', 'closed'].includes(cycle.stage))
      throw conflict(`Results are published from the feedback link on; the cycle is in ${cycle.stage}`, [
        { path: 'stage', message: 'too early' },
      ]);
    const [updated] = await tx
      .update(cycles)
      .set({ resultsPublishedAt: new Date() })
      .where(eq(cycles.id, cycleId))
      .returning();
    await appendAudit(tx, [
      { actorId: a.id, action: 'results.publish', entityType: 'cycle', entityId: cycleId },
    ]);
    return presentCycle(updated);
  });
}
