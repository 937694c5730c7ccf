import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import {
  combineTotals,
  discloseResult,
  gradeAndRank,
  SLOT_ESTIMATE_PENDING,
  SLOT_UNVERIFIED,
  type CompiledTree,
  type SlotInputs,
  type ScoreFigures,
} from '@perfcommons/domain';
import type { AppliedConsequence } from '@perfcommons/contracts';
import { rowsOf, type Db, type DbOrTx } from '../../db/client';
import { insertFromJson } from '../../db/bulk';
import { consequences, orgUnits, people, plans, resultInputs, results } from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { conflict, forbidden, notFound } from '../../lib/errors';
import { sameJson } from '../../lib/hash';
import { observeRecompute } from '../../lib/metrics';
import { appendAudit } from '../audit/service';
import { getCycle, type CycleRow } from '../cycles/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { canReadPlanSync } from '../plans/access';
import type { CycleRules } from '../evaluation/rules';
import { frozenRules } from '../evaluation/service';
import { applyConsequences, combinedParts, sensitivityByGroup, type MissingEntry } from './derive';
import { explainResult } from './explain';
import { getDisclosure } from './disclosure';
import {
  cycleInputStates,
  inputsKeys,
  planList,
  planTable,
  preferPeriod,
  readInputs,
  readInputsByPlan,
  resultHolds,
  startPackedReads,
  type PackedInputs,
  scoreOptions,
  surveyFeeds,
  type InputVisitor,
  type SurveyFeeds,
} from './inputs';
import { compiledPlanTrees } from './trees';

/** Links of the cycle in which results may be (re)computed. */
const COMPUTE_STAGES = ['evaluation', 'feedback', 'results'];

type ResultRow = typeof results.$inferSelect;
type PlanRow = typeof plans.$inferSelect;

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
/** Results written per statement (one JSON parameter each). */
const WRITE_BATCH = 2000;

/** An appraisee's own score as stored with its result (results.own). */
export interface OwnScore extends ScoreFigures {
  /** Normal first-level indicators: code, weight and attainment (for sensitivity and charts). */
  firstLevel: { code: string; weight: number; attainment: number }[];
}

/** From this many plans to rescore, inputs are read by one scan per table instead of per plan. */
const BULK = 500;

/**
 * Own scores of the plans whose inputs key changed since their result was computed, scored with
 * compiled trees (the same figures as scoreAppraisee, without building explanations). Many plans
 * are read in one pass over each table (PlanSet), packed one row per plan (readInputsByPlan), and
 * each plan is scored as soon as its inputs are in, so only one plan's ratings are held at a time.
 */
async function scoreChanged(
  db: Db,
  tx: DbOrTx,
  cycle: CycleRow,
  rules: CycleRules,
  stale: PlanRow[],
  surveys: SurveyFeeds,
  /** The packed reads started by the caller (the bulk path) and the plans they cover. */
  packed: PackedInputs | undefined,
  progressEvery: number,
  /** Share (0–1) of the plans scored so far, after every `progressEvery` plans. */
  onScored: (share: number) => void,
): Promise<Map<string, OwnScore>> {
  const out = new Map<string, OwnScore>();
  if (stale.length === 0) return out;
  // The plans the packed reads cover, scored on the bulk path; any other (see the caller) alone.
  const covered = new Set(packed?.ids);
  const bulkRows = stale.filter((p) => covered.has(p.id));
  const shortRows = stale.filter((p) => !covered.has(p.id));
  const bulk = bulkRows.length
    ? await planTable(
        tx,
        bulkRows.map((p) => p.id),
      )
    : undefined;
  const short = planList(shortRows.map((p) => p.id));
  const trees = bulk ? await compiledPlanTrees(db, tx, bulkRows, bulk) : new Map<string, CompiledTree>();
  if (shortRows.length)
    for (const [id, tree] of await compiledPlanTrees(db, tx, shortRows, short)) trees.set(id, tree);
  // Each plan's tree, inputs and the period each value came from (per slot, while several periods
  // compete), from its first input to its score: all of them at once only on the short path. The
  // bulk path visits plan by plan, so the last plan's state answers nearly every input.
  interface PlanState {
    tree: CompiledTree;
    inputs: SlotInputs;
    periods: string[];
  }
  const states = new Map<string, PlanState>();
  let lastId: string | undefined;
  let last: PlanState | undefined;
  const stateOf = (id: string): PlanState => {
    if (id === lastId) return last!;
    let s = states.get(id);
    if (!s) {
      const tree = trees.get(id)!;
      states.set(id, (s = { tree, inputs: tree.emptyInputs(), periods: [] }));
    }
    lastId = id;
    return (last = s);
  };
  const annual = cycle.periodEnd.slice(0, 4);
  const visitor: InputVisitor = {
    value(planId, code, period, value) {
      const s = stateOf(planId);
      const slot = s.tree.slotOf(code);
      if (slot === undefined || !preferPeriod(s.periods[slot], period, annual)) return;
      s.periods[slot] = period;
      s.inputs.values[slot] = value;
    },
    rating(planId, code, rating) {
      const s = stateOf(planId);
      const slot = s.tree.slotOf(code);
      if (slot === undefined) return;
      (s.inputs.ratings[slot] ??= []).push(rating);
    },
    unverified(planId, code) {
      const s = stateOf(planId);
      const slot = s.tree.slotOf(code);
      if (slot !== undefined) s.inputs.flags![slot] |= SLOT_UNVERIFIED;
    },
    estimatePending(planId) {
      const flags = stateOf(planId).inputs.flags!;
      for (let i = 0; i < flags.length; i++) flags[i] |= SLOT_ESTIMATE_PENDING;
    },
    findings(planId, code, points) {
      const s = stateOf(planId);
      const slot = s.tree.slotOf(code);
      if (slot === undefined) return;
      const values = s.inputs.values;
      values[slot] = (Number.isNaN(values[slot]) ? 0 : values[slot]) + points;
    },
  };
  const options = scoreOptions(rules);
  const scoreOne = (id: string) => {
    const { tree, inputs } = stateOf(id);
    const s = tree.score(inputs, options);
    states.delete(id);
    lastId = last = undefined;
    out.set(id, {
      total: s.total,
      weightedScore: s.weightedScore,
      bonus: s.bonus,
      deduction: s.deduction,
      floored: s.floored,
      veto: s.veto,
      missing: s.missing,
      complete: s.complete,
      firstLevel: tree.firstLevel.map((f, j) => ({
        code: f.code,
        weight: f.weight,
        attainment: s.firstLevel[j],
      })),
    });
    if (out.size % progressEvery === 0) onScored(out.size / stale.length);
  };
  if (bulk)
    // Plan by plan: each plan is scored once its inputs are in and they are let go at once.
    await readInputsByPlan(tx, bulk, packed!, annual, surveys, stateOf, visitor, scoreOne);
  if (shortRows.length) {
    await readInputs(tx, cycle, short, surveys, visitor);
    for (const p of shortRows) scoreOne(p.id);
  }
  return out;
}

type NextResult = Omit<ResultRow, 'id' | 'computedAt'>;

/** Whether two own scores have the same first-level codes, weights and attainments, exactly. */
function sameFirstLevel(a: OwnScore['firstLevel'] | undefined, b: OwnScore['firstLevel']): boolean {
  return (
    a !== undefined &&
    a.length === b.length &&
    a.every((x, j) => x.code === b[j].code && x.weight === b[j].weight && x.attainment === b[j].attainment)
  );
}

/**
 * Whether a recomputed result has the figures of its stored row: every column a recompute may change
 * but its inputs key (and its time). Objects reused from the stored row (own score, sensitivity,
 * veto) compare by identity; others by canonical JSON, as jsonb gives keys back in its own order.
 */
function sameFigures(before: ResultRow, next: NextResult): boolean {
  const json = (x: unknown, y: unknown) => x === y || sameJson(x, y ?? null);
  return (
    before.total === next.total &&
    before.weightedScore === next.weightedScore &&
    before.bonus === next.bonus &&
    before.deduction === next.deduction &&
    before.grade === next.grade &&
    before.gradeByScore === next.gradeByScore &&
    before.rank === next.rank &&
    before.peerGroup === next.peerGroup &&
    before.peerGroupSize === next.peerGroupSize &&
    before.complete === next.complete &&
    json(before.missing, next.missing) &&
    json(before.veto, next.veto) &&
    json(before.reasons, next.reasons) &&
    json(before.own, next.own) &&
    json(before.sensitivity, next.sensitivity)
  );
}

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
    /**
     * Recompute a published cycle: only for the revision path (publication.ts reviseResults, after an
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
    // keys): many of them, and their packed reads start at once, and run while the plans and the
    // stored results are read in full (their JSON parsed), the trees and the findings.
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
            // Nearly every plan of the cycle (a full rescore): its ratings are read by cycle.
            toRescore.length >= 0.9 * lean.length ? cycleId : undefined,
          )
        : undefined;
    // The packed reads hold two pool connections until they end: ended whatever happens next.
    let planRows: PlanRow[];
    let previous: Map<string, ResultRow>;
    let keys: Map<string, string>;
    let rescored: Map<string, OwnScore>;
    try {
      planRows = await tx
        .select()
        .from(plans)
        .where(and(eq(plans.cycleId, cycleId), inArray(plans.status, ['approved', 'closed'])));
      previous = new Map(
        (await tx.select().from(results).where(eq(results.cycleId, cycleId))).map((r) => [r.planId, r]),
      );
      keys = new Map(planRows.map((p) => [p.id, keyOf(p)]));
      // The same plans as the lean read's, but for writes committed between the two reads (this
      // transaction reads committed data): a plan the packed reads do not cover is read on its own.
      const stale = planRows.filter((p) => !resultHolds(previous.get(p.id), confirmed, keys.get(p.id)!));
      progress(10, 'scoring');
      rescored = await scoreChanged(
        db,
        tx,
        cycle,
        rules,
        stale,
        surveys,
        packed,
        options.progressEvery ?? 1000,
        (share) => progress(10 + Math.floor(50 * share), 'scoring'),
      );
    } finally {
      await packed?.close();
    }
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
    await recordKeys(
      tx,
      reproduced,
      // A rewritten result holds for the key it is written with: a key recorded before goes.
      written.filter((r) => confirmed.has(r.planId)).map((r) => r.planId),
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
        data: {
          count: next.length,
          rescored: rescored.size,
          rewritten: written.length,
          // Rescored to the same figures: kept as they are (no entry of their own), new key recorded.
          unchanged: reproduced.length,
          consequences: applied.length,
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

/**
 * The cycle and its frozen rules when its results may be computed now: refused (409) when published
 * (but for a revision), outside the links that compute, or without frozen rules.
 */
async function computable(tx: DbOrTx, cycleId: string, options: { revision?: boolean }) {
  const cycle = await getCycle(tx, cycleId);
  if (!options.revision) await assertCycleNotPublished(tx, cycleId);
  if (!COMPUTE_STAGES.includes(cycle.stage))
    throw conflict(`Results are computed from evaluation on; the cycle is in ${cycle.stage}`, [
      { path: 'stage', message: `must be one of ${COMPUTE_STAGES.join(', ')}` },
    ]);
  // The frozen rules version (the published regulations), never the live cycles.rules column.
  const frozen = await frozenRules(tx, cycleId);
  return { cycle, frozen };
}

/**
 * Checks, before a compute job is queued, what the compute itself checks first (office, cycle state,
 * frozen rules), so a refusal answers at once instead of as a failed job.
 */
export async function assertComputable(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Computing results');
  await computable(db, cycleId, {});
}

/**
 * Adds appraisee names and applied consequences to result rows (without their inputs bookkeeping);
 * `wholeCycle`: the rows are all results of that cycle, looked up by cycle instead of by id.
 */
async function decorate(db: DbOrTx, rows: ResultRow[], wholeCycle?: string) {
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
      wholeCycle
        ? eq(plans.cycleId, wholeCycle)
        : inArray(
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
      wholeCycle
        ? eq(consequences.cycleId, wholeCycle)
        : inArray(
            consequences.resultId,
            rows.map((r) => r.id),
          ),
    );
  const consequencesOf = new Map<string, AppliedConsequence[]>();
  for (const { resultId, ...c } of applied)
    consequencesOf.set(resultId, [...(consequencesOf.get(resultId) ?? []), c]);
  return rows
    .map((r) => {
      const i = byPlan.get(r.planId)!;
      const { own, inputsKey: _key, ...rest } = r;
      return {
        ...rest,
        firstLevel: own.firstLevel ?? [],
        appraiseeType: i.appraiseeType,
        orgUnitId: i.orgUnitId,
        personId: i.personId,
        appraiseeName: i.personName ?? i.orgName,
        appraiseeNameEn: i.personNameEn ?? i.orgNameEn,
        consequences: consequencesOf.get(r.id) ?? [],
        _scope: { orgPath: i.orgPath, personUserId: i.personUserId },
      };
    })
    .sort(
      (x, y) =>
        x.appraiseeType.localeCompare(y.appraiseeType) ||
        x.peerGroup.localeCompare(y.peerGroup) ||
        // Incomplete results (no rank) after the ranked ones.
        (x.rank ?? Infinity) - (y.rank ?? Infinity) ||
        x.appraiseeName.localeCompare(y.appraiseeName),
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
  const list = await decorate(db, rows, cycleId);
  // What the caller may read as an official (office, own subtree); the rest only as the public sees it.
  const official = (r: (typeof list)[number]) => !opts.publicOnly && canReadPlanSync(actor, r._scope);
  const policy = published ? await getDisclosure(db, cycleId) : null;
  return list
    .map((r) => (official(r) ? r : policy ? discloseResult(policy, r) : null))
    .filter((r) => r !== null)
    .map(strip);
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
  const [full] = await decorate(db, [row]);
  const official = !opts.publicOnly && actor !== null && canReadPlanSync(actor, full._scope);
  if (!opts.publicOnly && !published && !official) {
    requireActor(actor);
    throw forbidden('This result is not published and belongs to another unit');
  }
  // Public callers see the result as the cycle's disclosure policy allows, or not at all.
  const r = official ? full : discloseResult(await getDisclosure(db, row.cycleId), full);
  if (!r) throw notFound('Result');
  const [plan] = await db.select().from(plans).where(eq(plans.id, row.planId));
  const { breakdown, stale } = await explainResult(db, cycle, plan, row);
  return { result: { ...strip(r), stale }, breakdown };
}

/** Publishing lives in publication.ts (versioned, frozen snapshots); re-exported for existing callers. */
export { publishResults } from './publication';
