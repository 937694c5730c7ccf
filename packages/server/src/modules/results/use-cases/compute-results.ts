import { getTableColumns, inArray, sql } from 'drizzle-orm';
import { combineTotals, gradeAndRank } from '@perfcommons/domain';
import { rowsOf, type Db, type DbOrTx } from '../../../db/client';
import { columnsAs, insertFromJson } from '../../../db/bulk';
import { plans, resultInputs, results } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { sameJson } from '../../../lib/hash';
import { observeRecompute } from '../../../lib/metrics';
import { appendAudit } from '../../audit/service';
import { applyConsequences, combinedParts, sensitivityByGroup, type MissingEntry } from '../derive';
import { cycleInputStates, inputsKeys, resultHolds, startPackedReads, surveyFeeds } from '../inputs';
import { computable, SCORED_PLAN_PROPS, type ResultRow, type ScoredPlan } from './shared';
import { BULK, scoreChanged, type OwnScore } from './score-changed';
import { sameFigures, sameFirstLevel } from './same-figures';

/** Columns written when a plan's result is computed (all but the id, kept across recomputes). */
const RESULT_PROPS = [
  'cycleId',
  'planId',
  'total',
  'weightedScore',
  'bonus',
  'deduction',
  'grade',
  'gradeByScore',
  'rank',
  'peerGroup',
  'peerGroupSize',
  'veto',
  'reasons',
  'own',
  'inputsKey',
  'sensitivity',
  'complete',
  'missing',
  'computedAt',
] as const satisfies (keyof ResultRow)[];
/** Replaced when a plan's result is recomputed: everything but identity and plan. */
const upsertSet = sql.raw(
  RESULT_PROPS.filter((p) => p !== 'cycleId' && p !== 'planId')
    .map((p) => `"${getTableColumns(results)[p].name}" = excluded."${getTableColumns(results)[p].name}"`)
    .join(', '),
);
/**
 * A stored result as the compute reads it: every column but its time, by a raw statement (no
 * per-value mapping of a query builder select: a province recompute reads 22,000 of them).
 */
type StoredResult = Omit<ResultRow, 'computedAt'>;
const STORED_COLUMNS = columnsAs(
  results,
  (Object.keys(getTableColumns(results)) as (keyof ResultRow)[]).filter((p) => p !== 'computedAt'),
);
/** The plan columns a compute reads ({@link ScoredPlan}), by a raw statement as STORED_COLUMNS. */
const PLAN_COLUMNS = columnsAs(plans, SCORED_PLAN_PROPS);
/** Results written per statement (one JSON parameter each). */
const WRITE_BATCH = 2000;

/**
 * Computes every approved plan of a cycle from verified values and ratings: bottom-up scores, ranks
 * and grades (with quota caps and veto) within peer groups, rank sensitivity and consequences, in
 * one transaction.
 *
 * Incremental and exact: a plan's own score is recomputed when its inputs key changed (tree version,
 * the plan_input_versions counter that triggers bump on every write of its values or ratings, the
 * cycle's rules, the surveys' estimates), and reused from its stored result otherwise. Combined parts,
 * grades, ranks and sensitivity are always recomputed for the whole cycle. Only results whose stored
 * figures change are rewritten and audited (each with its row hash), so a recompute that changes
 * nothing writes only the cycle's `results.compute` entry. A rescored plan whose figures come out the
 * same to the byte (its counter moved, its data did not) keeps its row, its time and its last entry:
 * only its new inputs key is recorded (result_inputs), and the compute's entry counts it as unchanged.
 */
export async function computeCycleResults(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  options: {
    /** From how many plans to rescore the inputs are read by one scan per table (tests lower it). */
    bulkFrom?: number;
    /** How the bulk reads go (startPackedReads; tests pick one): by the tables' statistics unless told. */
    packedRead?: 'auto' | 'walk' | 'hashed';
    /**
     * Recompute a published cycle: only for the revision path (publication/revise-results.ts, after an
     * accepted appeal or an office correction), which writes the new revisions. Otherwise a published
     * cycle answers 409 `cycle_published`.
     */
    revision?: boolean;
    /** Called (synchronously) as the compute advances: percent done and the step, for a job's progress. */
    onProgress?: (percent: number, step: string) => void;
    /** While scoring a bulk set, progress is reported after every this many plans (tests lower it). */
    progressEvery?: number;
  } = {},
) {
  const a = requireOffice(actor, 'Computing results');
  const progress = options.onProgress ?? (() => {});
  const started = performance.now();
  const summary = await db.transaction(async (tx) => {
    // The chunks' reads sort their values (DISTINCT ON): keep those sorts in memory.
    await tx.execute(sql`set local work_mem = '64MB'`);
    const { cycle, frozen } = await computable(tx, cycleId, options);
    progress(5, 'reading');
    const { rules, gradeScheme: scheme } = frozen;
    // Which plans to rescore, from a lean read (ids, versions, inputs counters, stored and recorded
    // keys): many of them, and their packed reads start at once, and are scored as they come while
    // the plans and the stored results are read in full (their JSON parsed).
    const { versions, confirmed, scored: lean } = await cycleInputStates(tx, cycleId);
    const surveys = await surveyFeeds(tx, cycleId);
    const keyOf = inputsKeys(frozen, surveys, versions);
    const toRescore = lean.filter(
      (p) =>
        !resultHolds(
          p.inputsKey === null ? undefined : { planId: p.id, inputsKey: p.inputsKey },
          confirmed,
          keyOf(p),
        ),
    );
    const packed =
      toRescore.length >= (options.bulkFrom ?? BULK)
        ? startPackedReads(
            db,
            tx,
            toRescore.map((p) => p.id),
            cycle.periodEnd.slice(0, 4),
            options.packedRead,
          )
        : undefined;
    // The packed reads hold two pool connections until they end: ended whatever happens next.
    let planRows: ScoredPlan[] = [];
    let previous = new Map<string, StoredResult>();
    /** The plans and their stored results, in full (their JSON parsed). */
    const readPlansAndResults = async () => {
      planRows = await rowsOf<ScoredPlan>(
        tx,
        sql`select ${PLAN_COLUMNS} from ${plans}
            where ${plans.cycleId} = ${cycleId} and ${plans.status} in ('approved', 'closed')`,
      );
      previous = new Map(
        (
          await rowsOf<StoredResult>(
            tx,
            sql`select ${STORED_COLUMNS} from ${results} where ${results.cycleId} = ${cycleId}`,
          )
        ).map((r) => [r.planId, r]),
      );
    };
    const every = options.progressEvery ?? 1000;
    let rescored = new Map<string, OwnScore>();
    progress(10, 'scoring');
    try {
      if (packed) {
        // The plans of the packed reads are scored from the lean read's ids and versions; the plans
        // and stored results are read on the transaction meanwhile, so the two overlap.
        let reading: Promise<void> | undefined;
        try {
          rescored = await scoreChanged(
            db,
            tx,
            cycle,
            rules,
            toRescore,
            surveys,
            packed,
            every,
            (share) => progress(10 + Math.floor(45 * share), 'scoring'),
            () => {
              reading = readPlansAndResults();
            },
          );
        } finally {
          await reading?.catch(() => undefined);
        }
        await (reading ?? readPlansAndResults());
      } else await readPlansAndResults();
    } finally {
      await packed?.close();
    }
    const keys = new Map(planRows.map((p) => [p.id, keyOf(p)]));
    // The plans to rescore, from the full reads: the lean read's, but for writes committed between
    // the two reads (this transaction reads committed data). Only these keep a rescored figure; one
    // the packed reads did not cover is read and scored on its own.
    const stale = planRows.filter((p) => !resultHolds(previous.get(p.id), confirmed, keys.get(p.id)!));
    // A rescored figure stands for a plan still to rescore whose tree is the one it was scored with
    // (the lean read's version).
    const leanVersion = new Map(toRescore.map((p) => [p.id, p.version]));
    const staleVersion = new Map(stale.map((p) => [p.id, p.version]));
    for (const id of rescored.keys()) if (staleVersion.get(id) !== leanVersion.get(id)) rescored.delete(id);
    const uncovered = stale.filter((p) => !rescored.has(p.id));
    if (uncovered.length)
      for (const [id, own] of await scoreChanged(
        db,
        tx,
        cycle,
        rules,
        uncovered,
        surveys,
        undefined,
        every,
        (share) => progress(55 + Math.floor(5 * share), 'scoring'),
      ))
        rescored.set(id, own);
    // A rescored own score that came out as stored stands as the stored object (the comparisons
    // below are then by identity), and its plan's new key is recorded now: the database writes the
    // keys while the cycle is ranked. A result rewritten after all (its grade or rank moved with
    // others) has its key dropped again below, as any rewritten result's.
    const early: { planId: string; inputsKey: string }[] = [];
    for (const [id, own] of rescored) {
      const before = previous.get(id);
      if (before === undefined || !sameJson(before.own, own)) continue;
      rescored.set(id, before.own);
      const key = keys.get(id)!;
      if (!resultHolds(before, confirmed, key)) early.push({ planId: id, inputsKey: key });
    }
    const recording = recordKeys(tx, early, []);
    // Awaited below; a failure before that rolls the transaction back (and is not left unhandled).
    recording.catch(() => undefined);
    const planIds = planRows.map((p) => p.id);
    progress(60, 'ranking');
    const ownOf = (id: string) => rescored.get(id) ?? previous.get(id)!.own;

    const { parts, missingParts } = await combinedParts(
      tx,
      cycle,
      rules,
      planRows,
      new Map(planRows.map((p) => [p.id, ownOf(p.id)])),
    );
    const scored = planRows.map((p) => {
      const own = ownOf(p.id);
      const total = combineTotals(own, parts.get(p.id) ?? []);
      const lacking = missingParts.get(p.id) ?? [];
      const missing: MissingEntry[] = [...(own.missing ?? []), ...lacking];
      // Own figures stand under the missing-data rule, and no combined part is missing.
      const complete = own.complete !== false && lacking.length === 0;
      return { plan: p, own, ...total, missing, complete, group: `${p.appraiseeType}:${p.peerGroup}` };
    });
    // Only complete results take a place in their peer group: ranks, quotas, group size, sensitivity.
    const ranked = scored.filter((s) => s.complete);
    const graded = new Map(
      gradeAndRank(
        ranked.map((s) => ({ id: s.plan.id, total: s.total, peerGroup: s.group, veto: s.own.veto })),
        scheme,
      ).map((g) => [g.id, g]),
    );
    const sensitivity = sensitivityByGroup(ranked, cycleId, (list) => {
      // The Monte Carlo is a pure function of the members' totals and first-level attainments and
      // weights (not of their order): a group whose members all had these same figures, complete in
      // a group of this size, gets its stored outcome, rescored or not (a rescore whose inputs moved
      // without changing a figure, as after a recount, runs none).
      const before = list.map((s) => previous.get(s.plan.id));
      const same = before.every(
        (b, i) =>
          b !== undefined &&
          b.complete &&
          b.total === list[i].total &&
          b.peerGroup === list[i].plan.peerGroup &&
          b.peerGroupSize === list.length &&
          (!rescored.has(list[i].plan.id) || sameFirstLevel(b.own.firstLevel, list[i].own.firstLevel)),
      );
      return same ? new Map(before.map((b) => [b!.planId, b!.sensitivity])) : undefined;
    });
    const groupSize = new Map<string, number>();
    for (const s of ranked) groupSize.set(s.group, (groupSize.get(s.group) ?? 0) + 1);
    const computedAt = new Date();
    const next = scored.map((s) => {
      const g = graded.get(s.plan.id);
      return {
        cycleId,
        planId: s.plan.id,
        total: s.total,
        weightedScore: s.weightedScore,
        bonus: s.bonus,
        deduction: s.deduction,
        grade: g?.grade ?? null,
        gradeByScore: g?.gradeByScore ?? null,
        rank: g?.rank ?? null,
        peerGroup: s.plan.peerGroup,
        // The complete results of the group (the ones ranked), also on an incomplete result.
        peerGroupSize: groupSize.get(s.group) ?? 0,
        veto: s.own.veto,
        reasons: g?.reasons ?? [],
        own: s.own,
        inputsKey: keys.get(s.plan.id)!,
        sensitivity: g ? (sensitivity.get(s.plan.id) ?? null) : null,
        complete: s.complete,
        missing: s.missing,
        computedAt,
      };
    });
    const changed: (typeof next)[number][] = [];
    /** Rescored plans whose stored result came out the same: their new key, to record. */
    const reproduced: { planId: string; inputsKey: string }[] = [];
    for (const r of next) {
      const before = previous.get(r.planId);
      if (!before || !sameFigures(before, r)) changed.push(r);
      else if (!resultHolds(before, confirmed, r.inputsKey)) reproduced.push(r);
    }
    // The stored rows are the written values plus their ids (kept across recomputes by the upsert);
    // every column round-trips exactly, so the audit hashes them as verify-audit will read them.
    const written: ResultRow[] = [];
    progress(70, 'writing');
    for (let i = 0; i < changed.length; i += WRITE_BATCH) {
      if (i > 0) progress(70 + Math.floor((20 * i) / changed.length), 'writing');
      const batch = changed.slice(i, i + WRITE_BATCH);
      const ids = await rowsOf<{ id: string; plan_id: string }>(
        tx,
        sql`${insertFromJson(results, RESULT_PROPS, batch)}
            on conflict (plan_id) do update set ${upsertSet} returning id, plan_id`,
      );
      const byPlan = new Map(batch.map((r) => [r.planId, r]));
      for (const { id, plan_id } of ids) written.push({ id, ...byPlan.get(plan_id)! });
    }
    await recording;
    const recorded = new Set(early.map((k) => k.planId));
    await recordKeys(
      tx,
      reproduced.filter((r) => !recorded.has(r.planId)),
      // A rewritten result holds for the key it is written with: a key recorded before goes.
      written.filter((r) => confirmed.has(r.planId) || recorded.has(r.planId)).map((r) => r.planId),
    );
    // Results of plans no longer approved or closed, as read at the start of this transaction (by id:
    // a scan of the cycle's results for them cost a second at province scale, to find none).
    const scoredPlans = new Set(planIds);
    const gone = [...previous.values()].filter((r) => !scoredPlans.has(r.planId)).map((r) => r.id);
    const removed = gone.length
      ? await tx.delete(results).where(inArray(results.id, gone)).returning({ id: results.id })
      : [];
    progress(92, 'consequences');
    // Consequences follow grade and veto: only rewritten results can have new ones.
    const applied = await applyConsequences(tx, cycle, rules.consequenceRules, written, planRows);
    // The cycle's consequences as they were: no row inserted or deleted, none gone with a result.
    const consequencesKept = !applied.changed && removed.length === 0;
    await appendAudit(tx, [
      ...removed.map((r) => ({
        actorId: a.id,
        action: 'result.delete' as const,
        entityType: 'result',
        entityId: r.id,
      })),
      {
        actorId: a.id,
        action: 'results.compute',
        entityType: 'cycle',
        entityId: cycleId,
        ...(consequencesKept && { unchangedCompanions: ['cycle_consequences'] }),
        data: {
          count: next.length,
          rescored: rescored.size,
          rewritten: written.length,
          // Rescored to the same figures: kept as they are (no entry of their own), new key recorded.
          unchanged: reproduced.length,
          consequences: applied.rows.length,
          rulesVersion: frozen.version,
          rules,
          scheme,
          incomplete: next.filter((r) => !r.complete).length,
        },
      },
      ...written.map((r) => ({
        actorId: a.id,
        action: 'result.compute' as const,
        entityType: 'result',
        entityId: r.id,
        data: { planId: r.planId, total: r.total, grade: r.grade, rank: r.rank, complete: r.complete },
        entity: r,
      })),
    ]);
    return {
      count: next.length,
      rescored: rescored.size,
      rewritten: written.length,
      unchanged: reproduced.length,
      removed: removed.length,
    };
  });
  // Committed: its duration and figures go to /metrics.
  observeRecompute((performance.now() - started) / 1000, summary);
  return summary;
}

/** Records the keys of reproduced results and drops those of rewritten ones (`drop`: plan ids). */
async function recordKeys(tx: DbOrTx, keys: { planId: string; inputsKey: string }[], drop: string[]) {
  for (let i = 0; i < keys.length; i += 10_000)
    await tx.execute(
      sql`${insertFromJson(resultInputs, ['planId', 'inputsKey'], keys.slice(i, i + 10_000))}
          on conflict (plan_id) do update set inputs_key = excluded.inputs_key`,
    );
  for (let i = 0; i < drop.length; i += 5000)
    await tx.delete(resultInputs).where(inArray(resultInputs.planId, drop.slice(i, i + 5000)));
}
