import {
  SLOT_ESTIMATE_PENDING,
  SLOT_UNVERIFIED,
  type CompiledTree,
  type SlotInputs,
  type ScoreFigures,
} from '@perfcommons/domain';
import { type Db, type DbOrTx } from '../../../db/client';
import { type CycleRow } from '../../cycles/service';
import type { CycleRules } from '../../evaluation/rules';
import {
  planList,
  planTable,
  preferPeriod,
  readInputs,
  readInputsByPlan,
  type PackedInputs,
  scoreOptions,
  type InputVisitor,
  type SurveyFeeds,
} from '../inputs';
import { compiledPlanTrees } from '../trees';

/** An appraisee's own score as stored with its result (results.own). */
export interface OwnScore extends ScoreFigures {
  /** Normal first-level indicators: code, weight and attainment (for sensitivity and charts). */
  firstLevel: { code: string; weight: number; attainment: number }[];
}

/** From this many plans to rescore, inputs are read by one scan per table instead of per plan. */
export const BULK = 500;

/**
 * Own scores of the plans whose inputs key changed since their result was computed, scored with
 * compiled trees (the same figures as scoreAppraisee, without building explanations). Many plans
 * are read in one pass over each table (PlanSet), packed one row per plan (readInputsByPlan), and
 * each plan is scored as soon as its inputs are in, so only one plan's ratings are held at a time.
 */
export async function scoreChanged(
  db: Db,
  tx: DbOrTx,
  cycle: CycleRow,
  rules: CycleRules,
  stale: { id: string; version: number }[],
  surveys: SurveyFeeds,
  /** The packed reads started by the caller (the bulk path) and the plans they cover. */
  packed: PackedInputs | undefined,
  progressEvery: number,
  /** Share (0–1) of the plans scored so far, after every `progressEvery` plans. */
  onScored: (share: number) => void,
  /**
   * Called once scoring no longer uses the transaction (the bulk path: while it scores from the
   * packed reads; otherwise at the end), so the caller can read on it meanwhile.
   */
  onTransactionFree?: () => void,
): Promise<Map<string, OwnScore>> {
  const out = new Map<string, OwnScore>();
  if (stale.length === 0) {
    onTransactionFree?.();
    return out;
  }
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
  // The short path first: the bulk path leaves the transaction to the caller while it scores.
  if (shortRows.length) {
    await readInputs(tx, cycle, short, surveys, visitor);
    for (const p of shortRows) scoreOne(p.id);
  }
  if (bulk)
    // Plan by plan: each plan is scored once its inputs are in and they are let go at once.
    await readInputsByPlan(tx, bulk, packed!, annual, surveys, stateOf, visitor, scoreOne, onTransactionFree);
  else onTransactionFree?.();
  return out;
}
