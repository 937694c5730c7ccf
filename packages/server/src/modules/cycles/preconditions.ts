/**
 * Facts for the stage preconditions of a cycle (domain `stageChecklist`, documented in
 * docs/cycle-stages.md): gathered here from the database, judged by the pure domain function, so
 * the console's checklist and the transition's guard are one rule.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  isLeaf,
  STAGE_PRECONDITIONS,
  stageChecklist,
  UNASSIGNED_SUBJECTS,
  validateTree,
  type CycleFacts,
  type CycleStage,
  type IndicatorNode,
  type PlanFacts,
  type PreconditionCheck,
  type PreconditionCode,
} from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import { appeals, cycleRuleVersions, evaluationTasks, planSignoffs, plans, results } from '../../db/schema';
import { AppError, type ErrorDetail } from '../../lib/errors';
import { rulesOf } from '../evaluation/rules';
import { selectPlanScopes } from '../plans/access';
import { loadPlanTrees } from '../results/trees';
import { cycleResultStatus } from '../results/freshness';
import type { CycleRow } from './service';

/** A failing transition: 409 `preconditions_failed`, one detail per blocker, and the whole checklist. */
export class PreconditionsFailed extends AppError {
  constructor(
    readonly to: CycleStage,
    readonly checklist: PreconditionCheck[],
    failing: PreconditionCheck[],
  ) {
    super(
      409,
      'preconditions_failed',
      `Cannot move the cycle into ${to}: ${failing.map((c) => `${c.code} (${c.count})`).join(', ')} not met; ` +
        'fix the blockers or override each with a written reason',
      failing.flatMap((c): ErrorDetail[] =>
        c.blockers.length
          ? c.blockers.map((b) => ({ path: `preconditions.${c.code}`, message: blockerText(b) }))
          : [{ path: `preconditions.${c.code}`, message: 'not met' }],
      ),
    );
  }
}

const blockerText = (b: PreconditionCheck['blockers'][number]) =>
  b.info
    ? `${b.label}: ${Object.entries(b.info)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    : b.label;

const needs = (to: CycleStage, ...codes: PreconditionCode[]) =>
  codes.some((c) => STAGE_PRECONDITIONS[to].includes(c));

/** Gathers the facts the preconditions of moving into `to` read (and only those). */
export async function cycleFacts(db: DbOrTx, cycle: CycleRow, to: CycleStage): Promise<CycleFacts> {
  const rules = rulesOf(cycle.rules);
  const facts: CycleFacts = {
    cycle: {
      name: cycle.name,
      type: cycle.type,
      periodStart: cycle.periodStart,
      periodEnd: cycle.periodEnd,
      resultsPublishedAt: cycle.resultsPublishedAt?.toISOString() ?? null,
    },
    plans: [],
    ruleVersions: 0,
    minRaters: rules.minRaters,
    appealWindowDays: rules.appealWindowDays,
    pendingAppeals: [],
    now: new Date().toISOString(),
  };
  const wantsPlans = needs(
    to,
    'plans_exist',
    'plans_approved',
    'trees_valid',
    'plans_signed',
    'panels_staffed',
    'results_computed',
    'results_complete',
    'results_fresh',
    'appeals_decided',
  );
  if (wantsPlans) facts.plans = await planFacts(db, cycle.id, to);
  if (needs(to, 'rules_set')) {
    const [{ n }] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(cycleRuleVersions)
      .where(eq(cycleRuleVersions.cycleId, cycle.id));
    facts.ruleVersions = n;
  }
  if (needs(to, 'results_computed', 'results_complete', 'results_fresh')) {
    const s = await cycleResultStatus(db, cycle.id);
    facts.results = {
      withoutResult: s.withoutResult,
      incomplete: s.incomplete.map((x) => ({ planId: x.planId, missing: x.missing.length })),
      stale: s.stale,
    };
  }
  if (needs(to, 'appeals_decided')) {
    const label = new Map(facts.plans.map((p) => [p.id, p]));
    const pending = await db
      .select({ id: appeals.id, planId: appeals.planId, indicatorCode: appeals.indicatorCode })
      .from(appeals)
      .innerJoin(results, eq(results.id, appeals.resultId))
      .where(and(eq(results.cycleId, cycle.id), eq(appeals.status, 'pending')));
    facts.pendingAppeals = pending.map((a) => ({
      id: a.id,
      label: label.get(a.planId)?.label ?? a.planId,
      ...(label.get(a.planId)?.labelEn ? { labelEn: label.get(a.planId)!.labelEn } : {}),
      indicatorCode: a.indicatorCode,
    }));
  }
  return facts;
}

/** Plans of the cycle with their names, and for the checks that need them trees, signatures and panels. */
async function planFacts(db: DbOrTx, cycleId: string, to: CycleStage): Promise<PlanFacts[]> {
  const rows = await selectPlanScopes(db, eq(plans.cycleId, cycleId));
  // Mutable while the facts are gathered; handed out as the domain's read-only PlanFacts.
  const list: (Omit<PlanFacts, 'signedSides' | 'panels'> & {
    signedSides: string[];
    panels: Record<string, number>;
  })[] = rows
    .map((r) => {
      const en = r.personName ? (r.personNameEn ?? r.personName) : r.orgNameEn;
      return {
        id: r.plan.id,
        // A cadre with the unit: names alone repeat across units.
        label: r.personName ? `${r.personName}（${r.orgName}）` : r.orgName,
        ...(en ? { labelEn: r.personName ? `${en} (${r.orgNameEn ?? r.orgName})` : en } : {}),
        status: r.plan.status,
        nodes: 0,
        treeProblems: 0,
        signedSides: [],
        panels: {},
        _path: r.orgPath,
      };
    })
    .sort((a, b) => a._path.localeCompare(b._path) || a.label.localeCompare(b.label))
    .map(({ _path, ...p }) => p);
  const approved = list.filter((p) => ['approved', 'closed'].includes(p.status)).map((p) => p.id);
  if (approved.length === 0) return list;
  const byId = new Map(list.map((p) => [p.id, p]));

  if (needs(to, 'trees_valid', 'panels_staffed')) {
    const trees = await loadPlanTrees(db, approved);
    // Plans sharing one tree share its validation too.
    const judged = new Map<IndicatorNode[], { nodes: number; problems: number; subjects: string[] }>();
    for (const [planId, tree] of trees) {
      let j = judged.get(tree);
      if (!j) {
        const subjects = new Set<string>();
        let nodes = 0;
        const walk = (ns: IndicatorNode[]) =>
          ns.forEach((n) => {
            nodes++;
            if (isLeaf(n)) n.subjects?.forEach((s) => subjects.add(s.type));
            else walk(n.children!);
          });
        walk(tree);
        j = {
          nodes,
          problems: tree.length ? validateTree(tree).length : 0,
          subjects: [...subjects].filter((s) => !UNASSIGNED_SUBJECTS.includes(s)),
        };
        judged.set(tree, j);
      }
      const p = byId.get(planId)!;
      p.nodes = j.nodes;
      p.treeProblems = j.problems;
      p.panels = Object.fromEntries(j.subjects.map((s) => [s, 0]));
    }
  }
  if (needs(to, 'panels_staffed')) {
    const tasks = await db
      .select({
        planId: evaluationTasks.planId,
        subject: evaluationTasks.subjectType,
        n: sql<number>`count(distinct ${evaluationTasks.raterId})::int`,
      })
      .from(evaluationTasks)
      .where(eq(evaluationTasks.cycleId, cycleId))
      .groupBy(evaluationTasks.planId, evaluationTasks.subjectType);
    for (const t of tasks) {
      const p = byId.get(t.planId);
      // Only the subjects the plan's leaves are scored by count; a panel nobody reads is no blocker.
      if (p && t.subject in p.panels) p.panels[t.subject] = t.n;
    }
  }
  if (needs(to, 'plans_signed')) {
    const signs = await db
      .select({ planId: planSignoffs.planId, side: planSignoffs.side })
      .from(planSignoffs)
      .where(inArray(planSignoffs.planId, approved));
    for (const s of signs) byId.get(s.planId)!.signedSides.push(s.side);
  }
  return list;
}

/** The checklist of moving the cycle forward into `to`. */
export async function checklistFor(db: DbOrTx, cycle: CycleRow, to: CycleStage) {
  return stageChecklist(to, await cycleFacts(db, cycle, to));
}
