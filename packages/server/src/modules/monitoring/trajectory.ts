import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { rollupTrajectory, trajectoryStatus, type TrajectoryColour } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import { actualValues, correctionTasks, earlyWarnings, reportingPeriods } from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { conflict } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import {
  canFollowPlan,
  followedPlan,
  leavesByPlan,
  loadCycle,
  monitoredPlans,
  warningPermissions,
  unitManagerIds,
  type MonitoredPlan,
  type NodeRow,
} from './common';
import { notify, type NotificationInput } from './notifications';
import { addDays, periodsOfCycle } from './periods';

export type PeriodRow = typeof reportingPeriods.$inferSelect;

export async function listPeriods(db: DbOrTx, cycleId: string): Promise<PeriodRow[]> {
  return db
    .select()
    .from(reportingPeriods)
    .where(eq(reportingPeriods.cycleId, cycleId))
    .orderBy(asc(reportingPeriods.position));
}

/**
 * Sets the reporting periods of a cycle (office): every quarter or month inside the cycle, due
 * `deadlineDays` after the period ends, escalated `graceDays` after the deadline. Replaces the
 * previous calendar.
 */
export async function configurePeriods(
  db: Db,
  actor: Actor | null,
  input: { cycleId: string; frequency: 'quarterly' | 'monthly'; deadlineDays: number; graceDays: number },
) {
  const a = requireOffice(actor, 'The reporting calendar');
  return db.transaction(async (tx) => {
    const cycle = await loadCycle(tx, input.cycleId);
    const periods = periodsOfCycle(cycle.periodStart, cycle.periodEnd, input.frequency);
    if (!periods.length)
      throw conflict('The cycle spans no whole quarter or month', [
        { path: 'frequency', message: 'no period inside the cycle' },
      ]);
    await tx.delete(reportingPeriods).where(eq(reportingPeriods.cycleId, cycle.id));
    const rows = await tx
      .insert(reportingPeriods)
      .values(
        periods.map((p, i) => ({
          cycleId: cycle.id,
          period: p.label,
          position: i + 1,
          startsOn: p.start,
          endsOn: p.end,
          deadline: addDays(p.end, input.deadlineDays),
          graceDays: input.graceDays,
        })),
      )
      .returning();
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'monitoring.periods.set',
        entityType: 'cycle',
        entityId: cycle.id,
        data: { ...input, periods: rows.map((r) => [r.period, r.deadline]) },
      },
    ]);
    return rows;
  });
}

export interface TrajectoryPoint {
  period: string;
  value: number;
  expected: number;
  gap: number;
  shortfallShare: number;
  status: TrajectoryColour;
}

export interface LeafTrajectory {
  code: string;
  name: string;
  nameEn: string | null;
  unit: string | null;
  baseline: number;
  target: number;
  direction: 'increase' | 'decrease';
  points: TrajectoryPoint[];
  /** Status at the latest reported period, null before any report. */
  status: TrajectoryColour | null;
  latest: TrajectoryPoint | null;
}

/**
 * The straight line of a leaf from baseline (before the first period) to target (at the last):
 * the node's target, else its rule's; the baseline of the node or rule, else the target itself
 * (a level to hold, e.g. a 98 % rate). Leaves without a target (bands, pass/fail, ratings) have none.
 */
export function lineOf(
  n: NodeRow,
): Omit<LeafTrajectory, 'code' | 'name' | 'nameEn' | 'unit' | 'points' | 'status' | 'latest'> | null {
  const rule = n.rule;
  const target = n.target ?? (rule && 'target' in rule ? rule.target : undefined);
  if (target === undefined || target === null || !Number.isFinite(target)) return null;
  const baseline = n.baseline ?? (rule && 'baseline' in rule ? rule.baseline : undefined) ?? target;
  const dir =
    n.direction ??
    (rule && 'direction' in rule ? rule.direction : undefined) ??
    (target < baseline ? 'lower' : 'higher');
  return { baseline, target, direction: dir === 'lower' ? 'decrease' : 'increase' };
}

export interface PlanTrajectory {
  planId: string;
  appraiseeType: string;
  orgUnitId: string;
  personId: string | null;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  title: string;
  titleEn: string | null;
  /** Roll-up of the leaves' latest statuses (see rollupTrajectory). */
  status: TrajectoryColour | null;
  counts: Record<TrajectoryColour, number>;
  leaves: LeafTrajectory[];
}

/** Trajectories of the given plans over the cycle's reporting periods (rejected values ignored). */
export async function computeTrajectories(
  db: DbOrTx,
  plansList: MonitoredPlan[],
  periods: PeriodRow[],
): Promise<PlanTrajectory[]> {
  if (!plansList.length) return [];
  const planIds = plansList.map((p) => p.id);
  const leaves = await leavesByPlan(db, planIds);
  const position = new Map(periods.map((p) => [p.period, p.position]));
  const values = periods.length
    ? await db
        .select({
          planId: actualValues.planId,
          code: actualValues.indicatorCode,
          period: actualValues.period,
          value: actualValues.value,
        })
        .from(actualValues)
        .where(
          and(
            inArray(actualValues.planId, planIds),
            inArray(
              actualValues.period,
              periods.map((p) => p.period),
            ),
            ne(actualValues.status, 'rejected'),
          ),
        )
    : [];
  const byLeaf = new Map<string, { period: string; value: number }[]>();
  for (const v of values) {
    const key = `${v.planId}|${v.code}`;
    byLeaf.set(key, [...(byLeaf.get(key) ?? []), v]);
  }
  return plansList.map((plan) => {
    const out: LeafTrajectory[] = [];
    for (const n of leaves.get(plan.id) ?? []) {
      const line = lineOf(n);
      if (!line) continue;
      const points = (byLeaf.get(`${plan.id}|${n.code}`) ?? [])
        .sort((x, y) => position.get(x.period)! - position.get(y.period)!)
        .map((v) => ({
          period: v.period,
          value: v.value,
          ...trajectoryStatus({
            ...line,
            periodIndex: position.get(v.period)!,
            periods: periods.length,
            actual: v.value,
          }),
        }));
      const latest = points.at(-1) ?? null;
      out.push({
        code: n.code,
        name: n.name,
        nameEn: n.nameEn,
        unit: n.unit,
        ...line,
        points,
        latest,
        status: latest?.status ?? null,
      });
    }
    const statuses = out.flatMap((l) => (l.status ? [l.status] : []));
    const counts = { green: 0, yellow: 0, red: 0 };
    for (const s of statuses) counts[s]++;
    return {
      planId: plan.id,
      appraiseeType: plan.appraiseeType,
      orgUnitId: plan.orgUnitId,
      personId: plan.personId,
      appraiseeName: plan.appraiseeName,
      appraiseeNameEn: plan.appraiseeNameEn,
      title: plan.title,
      titleEn: plan.titleEn,
      status: rollupTrajectory(statuses),
      counts,
      leaves: out,
    };
  });
}

/** Traffic lights of every approved plan of a cycle the actor follows. */
export async function cycleTrajectory(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireActor(actor);
  await loadCycle(db, cycleId);
  const periods = await listPeriods(db, cycleId);
  const visible = (await monitoredPlans(db, { cycleId, approvedOnly: true })).filter((p) =>
    canFollowPlan(a, p),
  );
  return { periods, items: await computeTrajectories(db, visible, periods) };
}

export async function planTrajectory(db: Db, actor: Actor | null, planId: string) {
  const { plan } = await followedPlan(db, actor, planId);
  const periods = await listPeriods(db, plan.cycleId);
  const [item] = await computeTrajectories(db, [plan], periods);
  return { periods, item };
}

/**
 * Raises early warnings 预警 for a cycle (office): every leaf yellow or red at its latest reported
 * period gets a warning (once per plan, leaf and period), and the unit's managers (and the cadre
 * of a cadre plan) are notified of the new ones. Safe to run again: nothing is raised twice.
 */
export async function runWarnings(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireOffice(actor, 'Raising early warnings');
  return db.transaction(async (tx) => {
    await loadCycle(tx, cycleId);
    const periods = await listPeriods(tx, cycleId);
    const plansList = await monitoredPlans(tx, { cycleId, approvedOnly: true });
    const trajectories = await computeTrajectories(tx, plansList, periods);
    const candidates = trajectories.flatMap((t) =>
      t.leaves
        .filter((l) => l.latest && l.latest.status !== 'green')
        .map((l) => ({
          planId: t.planId,
          indicatorCode: l.code,
          period: l.latest!.period,
          status: l.latest!.status,
          expected: l.latest!.expected,
          actual: l.latest!.value,
          shortfallShare: l.latest!.shortfallShare,
        })),
    );
    const raised = [];
    for (let i = 0; i < candidates.length; i += 500)
      raised.push(
        ...(await tx
          .insert(earlyWarnings)
          .values(candidates.slice(i, i + 500))
          .onConflictDoNothing()
          .returning()),
      );
    const byPlan = new Map<string, typeof raised>();
    for (const w of raised) byPlan.set(w.planId, [...(byPlan.get(w.planId) ?? []), w]);
    const messages: NotificationInput[] = [];
    for (const plan of plansList) {
      const list = byPlan.get(plan.id);
      if (!list) continue;
      const names = trajectories.find((t) => t.planId === plan.id)!.leaves;
      const label = (w: (typeof list)[number], en: boolean) => {
        const leaf = names.find((l) => l.code === w.indicatorCode);
        const name = (en ? leaf?.nameEn : leaf?.name) ?? w.indicatorCode;
        return `${w.indicatorCode} ${name} (${w.period}, ${w.status})`;
      };
      const recipients = new Set(await unitManagerIds(tx, plan.orgUnitId));
      if (plan.personUserId) recipients.add(plan.personUserId);
      for (const userId of recipients)
        messages.push({
          userId,
          kind: 'early_warning',
          title: `预警：${plan.appraiseeName} ${list.length} 项指标进度滞后`,
          titleEn: `Early warning: ${list.length} indicator(s) of ${plan.appraiseeNameEn ?? plan.appraiseeName} behind schedule`,
          body: list.map((w) => label(w, false)).join('；'),
          bodyEn: list.map((w) => label(w, true)).join('; '),
          entityType: 'plan',
          entityId: plan.id,
          planId: plan.id,
        });
    }
    await notify(tx, messages);
    await appendAudit(
      tx,
      raised.map((w) => ({
        actorId: a.id,
        action: 'warning.raise',
        entityType: 'early_warning',
        entityId: w.id,
        data: { planId: w.planId, indicatorCode: w.indicatorCode, period: w.period, status: w.status },
        entity: w,
      })),
    );
    return { raised: raised.length, notified: messages.length };
  });
}

/** Early warnings of a cycle the actor follows, worst first, with their correction tasks. */
export async function listWarnings(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireActor(actor);
  const visible = (await monitoredPlans(db, { cycleId })).filter((p) => canFollowPlan(a, p));
  if (!visible.length) return [];
  const byId = new Map(visible.map((p) => [p.id, p]));
  const rows = await db
    .select()
    .from(earlyWarnings)
    .where(inArray(earlyWarnings.planId, [...byId.keys()]));
  const tasks = rows.length
    ? await db
        .select()
        .from(correctionTasks)
        .where(
          inArray(
            correctionTasks.warningId,
            rows.map((w) => w.id),
          ),
        )
    : [];
  const leaves = await leavesByPlan(db, [...new Set(rows.map((w) => w.planId))]);
  return rows
    .map((w) => {
      const p = byId.get(w.planId)!;
      const leaf = leaves.get(w.planId)?.find((n) => n.code === w.indicatorCode);
      const own = tasks.filter((t) => t.warningId === w.id);
      return {
        ...w,
        appraiseeName: p.appraiseeName,
        appraiseeNameEn: p.appraiseeNameEn,
        orgUnitId: p.orgUnitId,
        indicatorName: leaf?.name ?? w.indicatorCode,
        indicatorNameEn: leaf?.nameEn ?? null,
        unit: leaf?.unit ?? null,
        tasks: own.map((t) => ({ id: t.id, status: t.status, deadline: t.deadline, ownerId: t.ownerId })),
        can: warningPermissions(a, p, own.length),
      };
    })
    .sort(
      (x, y) =>
        (x.status === 'red' ? 0 : 1) - (y.status === 'red' ? 0 : 1) ||
        y.shortfallShare - x.shortfallShare ||
        x.period.localeCompare(y.period),
    );
}
