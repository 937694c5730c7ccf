import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { TODO_ITEMS, type TodoReply } from '@perfcommons/contracts';
import type { Db } from '../../db/client';
import { actualValues, cycles, planComments, plans } from '../../db/schema';
import { hasRole, isOffice, requireActor, type Actor } from '../../lib/actor';
import { listAppeals } from '../appeals/service';
import { transitionCheck } from '../cycles/service';
import { isReportedLeaf, leavesByPlan } from '../monitoring/common';
import { todayUtc } from '../monitoring/periods';
import { listPeriods } from '../monitoring/trajectory';
import { assertUnitOfficial } from '../participation/access';
import { canReportSync, selectPlanScopes, toScope, type PlanScope } from '../plans/access';
import { myTasks } from '../ratings/service';
import { queueByPlan } from '../values/queue';

type CycleRow = typeof cycles.$inferSelect;
/** The plan reference of a to-do item (contracts TodoPlanRef). */
type Ref = (s: PlanScope) => {
  planId: string;
  planTitle: string;
  planTitleEn: string | null;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  cycleId: string;
  cycleName: string;
  cycleNameEn: string | null;
};
/** Links of the cycle in which values are reported. */
const REPORTING_STAGES = ['execution', 'evaluation'];

const days = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

const section = <T>(all: T[]) => ({ total: all.length, items: all.slice(0, TODO_ITEMS) });

/** Whether the actor answers public comments on the plan (the rule of answerComment). */
function answersComments(a: Actor, s: PlanScope) {
  try {
    assertUnitOfficial(a, s.orgPath);
    return true;
  } catch {
    return false;
  }
}

/**
 * The current user's work, by the roles they hold: each section gathers its items through the service and
 * permission rules of its feature (reporting, comment answering, the verify queue, rating tasks, stage
 * preconditions, appeals), so the page shows the work the server would accept. Only cycles whose results are
 * not published count (a published cycle's inputs are frozen), except for appeals.
 */
export async function myTodo(db: Db, actor: Actor | null, now = new Date()): Promise<TodoReply> {
  const a = requireActor(actor);
  const asOf = todayUtc(now);
  const out: TodoReply = { asOf };
  const allCycles = await db.select().from(cycles);
  const cycleById = new Map(allCycles.map((c) => [c.id, c]));
  const open = allCycles.filter((c) => !c.resultsPublishedAt && c.stage !== 'closed');
  const scopes = open.length
    ? (
        await selectPlanScopes(
          db,
          inArray(
            plans.cycleId,
            open.map((c) => c.id),
          ),
        )
      ).map(toScope)
    : [];
  const ref: Ref = (s) => {
    const c = cycleById.get(s.plan.cycleId)!;
    return {
      planId: s.plan.id,
      planTitle: s.plan.title,
      planTitleEn: s.plan.titleEn,
      appraiseeName: s.appraiseeName,
      appraiseeNameEn: s.appraiseeNameEn,
      cycleId: c.id,
      cycleName: c.name,
      cycleNameEn: c.nameEn,
    };
  };
  const office = isOffice(a);

  // Values due: plans the user reports on (the office follows them on the monitoring page instead).
  if (!office && (hasRole(a, 'unit_manager', 'appraisee') || scopes.some((s) => s.plan.ownerId === a.id)))
    out.valuesDue = section(
      await valuesDue(
        db,
        scopes.filter(
          (s) =>
            s.plan.status === 'approved' &&
            REPORTING_STAGES.includes(cycleById.get(s.plan.cycleId)!.stage) &&
            canReportSync(a, s),
        ),
        cycleById,
        asOf,
        ref,
      ),
    );

  // Public comments without an answer, on plans whose comments the user answers.
  if (office || hasRole(a, 'unit_manager')) {
    const mine = scopes.filter((s) => answersComments(a, s));
    const counts = mine.length
      ? await db
          .select({ planId: planComments.planId, n: count() })
          .from(planComments)
          .where(
            and(
              inArray(
                planComments.planId,
                mine.map((s) => s.plan.id),
              ),
              eq(planComments.status, 'visible'),
              isNull(planComments.answer),
            ),
          )
          .groupBy(planComments.planId)
      : [];
    const byPlan = new Map(counts.map((c) => [c.planId, c.n]));
    out.comments = section(
      mine
        .filter((s) => (byPlan.get(s.plan.id) ?? 0) > 0)
        .map((s) => ({ ...ref(s), planStatus: s.plan.status, unanswered: byPlan.get(s.plan.id)! }))
        .sort((x, y) => y.unanswered - x.unanswered),
    );
  }

  // The verifier's queue, per plan.
  if (hasRole(a, 'verifier')) {
    const counts = await queueByPlan(db, a);
    const byId = new Map(scopes.map((s) => [s.plan.id, s]));
    const items = counts
      .filter((c) => byId.has(c.planId))
      .map((c) => ({ ...ref(byId.get(c.planId)!), count: c.count }))
      .sort((x, y) => y.count - x.count);
    out.verify = { total: items.reduce((n, i) => n + i.count, 0), items: items.slice(0, TODO_ITEMS) };
  }

  // Rating tasks with indicators left to rate.
  const tasks = (await myTasks(db, a)).filter((t) => open.some((c) => c.id === t.cycleId));
  if (tasks.length || hasRole(a, 'evaluator')) {
    const leaves = await leavesByPlan(db, [...new Set(tasks.map((t) => t.planId))]);
    const taskScopes = new Map(
      (tasks.length
        ? await selectPlanScopes(
            db,
            inArray(
              plans.id,
              tasks.map((t) => t.planId),
            ),
          )
        : []
      ).map((r) => [r.plan.id, toScope(r)]),
    );
    out.ratings = section(
      tasks
        .map((t) => {
          const rated = (leaves.get(t.planId) ?? []).filter(
            (n) => Array.isArray(n.subjects) && n.subjects.some((s) => s.type === t.subjectType),
          );
          const done = new Set(t.rated.map((r) => r.indicatorCode));
          return {
            ...ref(taskScopes.get(t.planId)!),
            taskId: t.id,
            subjectType: t.subjectType,
            indicators: rated.length,
            rated: rated.filter((n) => done.has(n.code)).length,
            open: cycleById.get(t.cycleId)!.stage === 'evaluation',
          };
        })
        .filter((t) => t.rated < t.indicators)
        .sort((x, y) => Number(y.open) - Number(x.open)),
    );
  }

  // The office: each running cycle's next move, with the checklist the transition enforces.
  if (office) {
    const stages = [];
    for (const c of allCycles.filter((x) => x.stage !== 'closed')) {
      const check = await transitionCheck(db, a, c.id);
      stages.push({
        cycleId: c.id,
        cycleName: c.name,
        cycleNameEn: c.nameEn,
        stage: check.from,
        to: check.to,
        checklist: check.checklist,
        failing: check.checklist.filter((x) => !x.ok).length,
      });
    }
    out.stages = { total: stages.reduce((n, s) => n + s.failing, 0), items: stages };
  }

  // Appeals: the office decides pending ones; the appraisee side follows its own.
  if (office || hasRole(a, 'unit_manager', 'appraisee')) {
    const pending = (await listAppeals(db, a, {})).filter((x) => x.status === 'pending');
    const appealScopes = new Map(
      (pending.length
        ? await selectPlanScopes(
            db,
            inArray(
              plans.id,
              pending.map((x) => x.planId),
            ),
          )
        : []
      ).map((r) => [r.plan.id, toScope(r)]),
    );
    out.appeals = section(
      pending.map((x) => ({
        ...ref(appealScopes.get(x.planId)!),
        id: x.id,
        indicatorCode: x.indicatorCode,
        status: 'pending' as const,
        createdAt: x.createdAt.toISOString(),
        decide: x.can.decide,
      })),
    );
  }
  return out;
}

/**
 * Per plan and reporting period that has begun: the reported leaves (monitoring's `isReportedLeaf`) without a
 * value, and those whose value was rejected. A cycle without a reporting calendar has one period, its year,
 * due on its last day.
 */
async function valuesDue(
  db: Db,
  list: PlanScope[],
  cycleById: Map<string, CycleRow>,
  asOf: string,
  ref: Ref,
) {
  if (!list.length) return [];
  const leaves = await leavesByPlan(
    db,
    list.map((s) => s.plan.id),
  );
  const values = await db
    .select({
      planId: actualValues.planId,
      code: actualValues.indicatorCode,
      period: actualValues.period,
      status: actualValues.status,
    })
    .from(actualValues)
    .where(
      inArray(
        actualValues.planId,
        list.map((s) => s.plan.id),
      ),
    );
  const status = new Map(values.map((v) => [`${v.planId}|${v.code}|${v.period}`, v.status]));
  const periods = new Map<string, { period: string; deadline: string }[]>();
  for (const cycleId of new Set(list.map((s) => s.plan.cycleId))) {
    const c = cycleById.get(cycleId)!;
    const calendar = (await listPeriods(db, cycleId)).filter((p) => p.startsOn <= asOf);
    periods.set(
      cycleId,
      calendar.length
        ? calendar.map((p) => ({ period: p.period, deadline: p.deadline }))
        : [{ period: c.periodEnd.slice(0, 4), deadline: c.periodEnd }],
    );
  }
  const out = [];
  for (const s of list)
    for (const p of periods.get(s.plan.cycleId)!) {
      const reported = (leaves.get(s.plan.id) ?? []).filter(isReportedLeaf);
      const st = (code: string) => status.get(`${s.plan.id}|${code}|${p.period}`);
      const missing = reported.filter((n) => st(n.code) === undefined).map((n) => n.code);
      const rejected = reported.filter((n) => st(n.code) === 'rejected').map((n) => n.code);
      if (!missing.length && !rejected.length) continue;
      out.push({
        ...ref(s),
        period: p.period,
        deadline: p.deadline,
        daysLeft: days(asOf, p.deadline),
        missing,
        rejected,
      });
    }
  return out.sort((x, y) => x.deadline.localeCompare(y.deadline));
}
