/**
 * Preconditions of the stage transitions of an appraisal cycle 考核周期环节推进的前置条件.
 *
 * A cycle moves forward one link at a time. Before each move the office sees a checklist: every
 * precondition of the target link, whether it holds and, when it does not, the blockers that keep it
 * from holding (which plans, which panels, which results). The server gathers the facts; this module
 * only judges them, so the same rules are shown in the console and enforced by the transition.
 *
 * The preconditions, by target link (docs/cycle-stages.md explains each one):
 *
 * - → planning 计划制定
 *   - `cycle_defined`: the cycle has a name, a type and a period whose end is not before its start.
 * - → execution 执行监控
 *   - `plans_exist`: at least one plan (an empty cycle has nothing to execute).
 *   - `plans_approved`: every plan is approved (a draft or a plan still out for public comment blocks).
 *   - `trees_valid`: every approved plan has an indicator tree, without validation problems.
 *   - `plans_signed`: every approved plan's target responsibility agreement 目标责任书 is signed by
 *     both sides (the appraisee and the office).
 *   - `rules_set`: the cycle has a rules version 考核办法 (scoring, grades, consequences).
 * - → evaluation 考核评价
 *   - `rules_set`: as above; the transition freezes that version and publishes it as the regulations.
 *   - `panels_staffed`: for every approved plan and every rater subject its leaves are scored by
 *     (superior, peer, expert, deputy…; not measured data, self-assessment or the public, whose
 *     ratings come from participants and surveys), at least the cycle's minimum raters are assigned.
 * - → feedback 反馈改进
 *   - `results_computed`: every approved plan has a computed result.
 *   - `results_complete`: no result is incomplete (missing inputs).
 *   - `results_fresh`: no result is stale (its inputs changed after it was computed).
 * - → results 结果运用
 *   - `results_published`: the results are published on the portal.
 * - → closed 已结束
 *   - `appeals_decided`: no appeal is pending.
 *   - `appeal_window_over`: the appeal window after publication has ended (no appeal can still come).
 *
 * Going back needs no precondition (but a reason, and never before evaluation once results are
 * published; the server enforces both).
 */

/** The links of a cycle, in order. */
export const CYCLE_STAGES = [
  'mission_analysis',
  'planning',
  'execution',
  'evaluation',
  'feedback',
  'results',
  'closed',
] as const;
export type CycleStage = (typeof CYCLE_STAGES)[number];

export const PRECONDITION_CODES = [
  'cycle_defined',
  'plans_exist',
  'plans_approved',
  'trees_valid',
  'plans_signed',
  'rules_set',
  'panels_staffed',
  'results_computed',
  'results_complete',
  'results_fresh',
  'results_published',
  'appeals_decided',
  'appeal_window_over',
] as const;
export type PreconditionCode = (typeof PRECONDITION_CODES)[number];

/** The preconditions of moving forward into each link (none into the first). */
export const STAGE_PRECONDITIONS: Record<CycleStage, readonly PreconditionCode[]> = {
  mission_analysis: [],
  planning: ['cycle_defined'],
  execution: ['plans_exist', 'plans_approved', 'trees_valid', 'plans_signed', 'rules_set'],
  evaluation: ['rules_set', 'panels_staffed'],
  feedback: ['results_computed', 'results_complete', 'results_fresh'],
  results: ['results_published'],
  closed: ['appeals_decided', 'appeal_window_over'],
};

/** Rater subjects whose panels are not assigned by the office (measured data, self, the public). */
export const UNASSIGNED_SUBJECTS: readonly string[] = ['data', 'self', 'public'];

/** What keeps a precondition from holding: a plan, a panel, a result, an appeal or a field. */
export interface Blocker {
  /** Id of the blocking object (plan id, `planId|subject`, appeal id, or a field name). */
  id: string;
  /** Who or what it is, for people (appraisee name, field name). */
  label: string;
  /** English label when there is one. */
  labelEn?: string;
  /** Why it blocks, as data a client can phrase (status, subject, raters, min, missing…). */
  info?: Record<string, string | number>;
  /** The plan it is (or whose panel or result it is), when it is one: the console links to it. */
  planId?: string;
  /** The pending appeal it is, when it is one. */
  appealId?: string;
}

export interface PreconditionCheck {
  code: PreconditionCode;
  ok: boolean;
  /** The first {@link MAX_BLOCKERS} blockers. */
  blockers: Blocker[];
  /** How many blockers there are in all (the list may be cut). */
  count: number;
  /** How many objects the check looked at (plans, panels, results, appeals). */
  checked: number;
}

/** Blockers listed per check; `count` still gives them all. */
export const MAX_BLOCKERS = 50;

/** One plan of the cycle as the checks see it. */
export interface PlanFacts {
  id: string;
  /** Appraisee name (unit, or cadre with position). */
  label: string;
  labelEn?: string;
  /** draft | published_for_comment | approved | closed. */
  status: string;
  /** Indicators in the tree. */
  nodes: number;
  /** Validation problems of the tree. */
  treeProblems: number;
  /** Sides of the target responsibility agreement signed: appraisee, office. */
  signedSides: readonly string[];
  /**
   * Per rater subject used by the plan's leaves (assigned subjects only), the raters assigned;
   * a subject with none assigned is present with 0.
   */
  panels: Readonly<Record<string, number>>;
}

/** What the checks need to know about a cycle; each check reads only its own facts. */
export interface CycleFacts {
  cycle: {
    name: string;
    type: string;
    periodStart: string | null;
    periodEnd: string | null;
    resultsPublishedAt: string | null;
  };
  plans: readonly PlanFacts[];
  /** Rules versions recorded for the cycle. */
  ruleVersions: number;
  /** Minimum raters per panel (rules in force). */
  minRaters: number;
  /** Appeal window in days after publication. */
  appealWindowDays: number;
  /** Result status of the approved plans (plan ids); absent when not gathered. */
  results?: {
    withoutResult: readonly string[];
    incomplete: readonly { planId: string; missing: number }[];
    stale: readonly string[];
  };
  /** Appeals still pending, with the appraisee they concern. */
  pendingAppeals: readonly { id: string; label: string; labelEn?: string; indicatorCode: string }[];
  /** Now, ISO timestamp (the caller's clock; the function stays pure). */
  now: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Plan statuses that count as approved (a closed plan was approved before it closed). */
const APPROVED = ['approved', 'closed'];

function check(code: PreconditionCode, checked: number, all: Blocker[]): PreconditionCheck {
  return { code, ok: all.length === 0, blockers: all.slice(0, MAX_BLOCKERS), count: all.length, checked };
}

const planBlocker = (p: PlanFacts, info?: Blocker['info']): Blocker => ({
  id: p.id,
  label: p.label,
  ...(p.labelEn ? { labelEn: p.labelEn } : {}),
  ...(info ? { info } : {}),
  planId: p.id,
});

/** Judges one precondition against the facts. */
export function evaluatePrecondition(code: PreconditionCode, f: CycleFacts): PreconditionCheck {
  const approved = f.plans.filter((p) => APPROVED.includes(p.status));
  const byId = new Map(f.plans.map((p) => [p.id, p]));
  const resultBlocker = (planId: string, info?: Blocker['info']): Blocker => {
    const p = byId.get(planId);
    return p ? planBlocker(p, info) : { id: planId, label: planId, ...(info ? { info } : {}) };
  };
  switch (code) {
    case 'cycle_defined': {
      const c = f.cycle;
      const missing: Blocker[] = [];
      if (!c.name.trim()) missing.push({ id: 'name', label: 'name' });
      if (!c.type.trim()) missing.push({ id: 'type', label: 'type' });
      if (!c.periodStart || !c.periodEnd) missing.push({ id: 'period', label: 'period' });
      else if (c.periodEnd < c.periodStart)
        missing.push({ id: 'period', label: 'period', info: { start: c.periodStart, end: c.periodEnd } });
      return check(code, 3, missing);
    }
    case 'plans_exist':
      return check(
        code,
        f.plans.length,
        f.plans.length ? [] : [{ id: 'plans', label: 'plans', info: { plans: 0 } }],
      );
    case 'plans_approved':
      return check(
        code,
        f.plans.length,
        f.plans.filter((p) => !APPROVED.includes(p.status)).map((p) => planBlocker(p, { status: p.status })),
      );
    case 'trees_valid':
      return check(
        code,
        approved.length,
        approved
          .filter((p) => p.nodes === 0 || p.treeProblems > 0)
          .map((p) => planBlocker(p, { nodes: p.nodes, problems: p.treeProblems })),
      );
    case 'plans_signed':
      return check(
        code,
        approved.length,
        approved
          .map((p) => ({ p, missing: ['appraisee', 'office'].filter((s) => !p.signedSides.includes(s)) }))
          .filter((x) => x.missing.length > 0)
          .map((x) => planBlocker(x.p, { unsigned: x.missing.join(',') })),
      );
    case 'rules_set':
      return check(
        code,
        1,
        f.ruleVersions > 0 ? [] : [{ id: 'rules', label: 'rules', info: { versions: 0 } }],
      );
    case 'panels_staffed': {
      const blockers: Blocker[] = [];
      let checked = 0;
      for (const p of approved) {
        for (const [subject, raters] of Object.entries(p.panels).sort(([a], [b]) => a.localeCompare(b))) {
          if (UNASSIGNED_SUBJECTS.includes(subject)) continue;
          checked++;
          if (raters < f.minRaters)
            blockers.push({
              ...planBlocker(p, { subject, raters, min: f.minRaters }),
              id: `${p.id}|${subject}`,
            });
        }
      }
      return check(code, checked, blockers);
    }
    case 'results_computed': {
      const r = requireResults(f);
      return check(
        code,
        approved.length,
        r.withoutResult.map((id) => resultBlocker(id)),
      );
    }
    case 'results_complete': {
      const r = requireResults(f);
      return check(
        code,
        approved.length - r.withoutResult.length,
        r.incomplete.map((x) => resultBlocker(x.planId, { missing: x.missing })),
      );
    }
    case 'results_fresh': {
      const r = requireResults(f);
      return check(
        code,
        approved.length - r.withoutResult.length,
        r.stale.map((id) => resultBlocker(id)),
      );
    }
    case 'results_published':
      return check(
        code,
        1,
        f.cycle.resultsPublishedAt ? [] : [{ id: 'resultsPublishedAt', label: 'results' }],
      );
    case 'appeals_decided':
      return check(
        code,
        f.pendingAppeals.length,
        f.pendingAppeals.map((a) => ({
          id: a.id,
          label: a.label,
          ...(a.labelEn ? { labelEn: a.labelEn } : {}),
          info: { indicator: a.indicatorCode },
          appealId: a.id,
        })),
      );
    case 'appeal_window_over': {
      const published = f.cycle.resultsPublishedAt;
      if (!published) return check(code, 1, [{ id: 'resultsPublishedAt', label: 'results' }]);
      const ends = new Date(new Date(published).getTime() + f.appealWindowDays * DAY_MS);
      return check(
        code,
        1,
        new Date(f.now) > ends
          ? []
          : [{ id: 'appealWindow', label: 'appeals', info: { endsAt: ends.toISOString() } }],
      );
    }
  }
}

function requireResults(f: CycleFacts) {
  if (!f.results) throw new Error('results facts were not gathered');
  return f.results;
}

/** Target of a forward move: the link after `from`, or null at the end. */
export function nextStage(from: CycleStage): CycleStage | null {
  const i = CYCLE_STAGES.indexOf(from);
  return i >= 0 && i < CYCLE_STAGES.length - 1 ? CYCLE_STAGES[i + 1] : null;
}

/**
 * Target of the one-link move back the console offers: the link before `from`, or null at the start. (The
 * server refuses going back before evaluation once results are published; results are published in feedback
 * or later, whose link before is evaluation or later, so that never blocks this move.)
 */
export function previousStage(from: CycleStage): CycleStage | null {
  const i = CYCLE_STAGES.indexOf(from);
  return i > 0 ? CYCLE_STAGES[i - 1] : null;
}

/** The checklist of moving forward into `to`: every precondition of that link, judged. */
export function stageChecklist(to: CycleStage, facts: CycleFacts): PreconditionCheck[] {
  return STAGE_PRECONDITIONS[to].map((code) => evaluatePrecondition(code, facts));
}

/** Which of the checklist's failing checks the overrides do not cover. */
export function uncoveredFailures(
  checklist: readonly PreconditionCheck[],
  overridden: readonly string[],
): PreconditionCheck[] {
  return checklist.filter((c) => !c.ok && !overridden.includes(c.code));
}
