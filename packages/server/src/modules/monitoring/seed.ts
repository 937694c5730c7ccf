import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { actualValues, cycles, indicatorNodes, orgUnits, planSignoffs, plans, users } from '../../db/schema';
import { appendAudit, planTreeSnapshot, type AuditEntryInput } from '../audit/service';
import { loadActor } from '../auth/service';
import { decideRevision, requestRevision } from './agreements';
import { isReportedLeaf, leavesByPlan } from './common';
import { runReminders } from './discipline';
import { addDays, parsePeriod, todayUtc } from './periods';
import { createTask, updateTask } from './tasks';
import { configurePeriods, listWarnings, lineOf, runWarnings } from './trajectory';

const QUARTERS = ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'];
/** District whose data carries the anomalies (a jump, an out-of-range share, copied values). */
const FLAGGED_UNIT = 'dc';
/** Department that has not reported the fourth quarter. */
const OVERDUE_UNIT = 'pet';
/** Department whose target was revised mid-year. */
const REVISED_UNIT = 'tra';
const COUNT_UNITS = new Set(['人', '套', '个', '件', '起', '项']);

/**
 * Process monitoring of the 2025 annual cycle: a quarterly calendar, quarterly values of every unit
 * plan on their way to the annual value (verified), anomalies in one district, a department that
 * missed Q4 (reminded and escalated), early warnings with correction tasks, signed target
 * responsibility agreements and one approved mid-year revision.
 */
export async function seedMonitoring(db: Db) {
  const [cycle] = await db.select().from(cycles).where(eq(cycles.code, '2025-annual'));
  const named = async (username: string) => {
    const [u] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
    return (await loadActor(db, u.id))!;
  };
  const office = await named('office');
  const verifier = await named('verifier');
  await configurePeriods(db, office, {
    cycleId: cycle.id,
    frequency: 'quarterly',
    deadlineDays: 15,
    graceDays: 7,
  });

  const unitPlans = await db
    .select({ plan: plans, code: orgUnits.code })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .where(and(eq(plans.cycleId, cycle.id), eq(plans.appraiseeType, 'unit')));
  const planIds = unitPlans.map((p) => p.plan.id);
  const leaves = await leavesByPlan(db, planIds);
  const annual = await db
    .select()
    .from(actualValues)
    .where(and(inArray(actualValues.planId, planIds), eq(actualValues.period, '2025')));
  const annualOf = new Map(annual.map((v) => [`${v.planId}|${v.indicatorCode}`, v]));

  let seed = 7;
  const noise = () => {
    seed = (seed * 16807) % 2147483647;
    return 0.97 + 0.06 * (seed / 2147483647);
  };
  const rows: (typeof actualValues.$inferInsert)[] = [];
  const signoffs: (typeof planSignoffs.$inferInsert)[] = [];
  const audit: AuditEntryInput[] = [];
  await db.transaction(async (tx) => {
    for (const { plan, code } of unitPlans) {
      const managerId = annual.find((v) => v.planId === plan.id)?.reportedBy ?? null;
      for (const leaf of (leaves.get(plan.id) ?? []).filter(isReportedLeaf)) {
        const year = annualOf.get(`${plan.id}|${leaf.code}`);
        if (!year) continue;
        const line = lineOf(leaf);
        QUARTERS.forEach((period, i) => {
          const q = i + 1;
          if (code === OVERDUE_UNIT && q === 4) return;
          let value =
            q === 4
              ? year.value
              : line
                ? line.baseline + (year.value - line.baseline) * (q / 4) * noise()
                : Math.floor((year.value * q) / 4);
          let flagged = false;
          if (code === FLAGGED_UNIT && line) {
            if (leaf.code === 'B1.1' && q === 4) value = line.baseline + 3 * (year.value - line.baseline);
            if (leaf.code === 'C2' && q === 2) value = 104.5;
            if (leaf.code === 'A5') value = year.value;
            flagged = ['B1.1', 'C2', 'A5'].includes(leaf.code);
          }
          value = COUNT_UNITS.has(leaf.unit ?? '') ? Math.round(value) : Math.round(value * 100) / 100;
          const end = parsePeriod(period)!.end;
          rows.push({
            planId: plan.id,
            indicatorCode: leaf.code,
            period,
            value,
            status: flagged ? 'reported' : 'verified',
            note: flagged ? '待核验' : null,
            reportedBy: managerId,
            reportedAt: new Date(`${addDays(end, 10)}T02:00:00Z`),
            verifiedBy: flagged ? null : verifier.id,
            verifiedAt: flagged ? null : new Date(`${addDays(end, 20)}T06:00:00Z`),
          });
        });
      }
      // Target responsibility agreements signed in March 2025 by the unit and the office.
      if (managerId)
        signoffs.push(
          {
            planId: plan.id,
            side: 'appraisee',
            userId: managerId,
            planVersion: plan.version,
            signedAt: new Date('2025-03-05T02:00:00Z'),
          },
          {
            planId: plan.id,
            side: 'office',
            userId: office.id,
            planVersion: plan.version,
            signedAt: new Date('2025-03-06T02:00:00Z'),
          },
        );
    }
    // Plausible ranges on the district's shares, so an impossible share is flagged.
    const flaggedPlan = unitPlans.find((p) => p.code === FLAGGED_UNIT)!.plan;
    await tx
      .update(indicatorNodes)
      .set({ plausibleMin: 0, plausibleMax: 100 })
      .where(and(eq(indicatorNodes.planId, flaggedPlan.id), inArray(indicatorNodes.code, ['C2', 'C3'])));
    audit.push({
      actorId: office.id,
      action: 'plan.tree.save',
      entityType: 'plan_tree',
      entityId: flaggedPlan.id,
      data: { plausibleRange: { C2: [0, 100], C3: [0, 100] } },
      entity: await planTreeSnapshot(tx, flaggedPlan.id),
    });
    for (let i = 0; i < rows.length; i += 1000) {
      const stored = await tx
        .insert(actualValues)
        .values(rows.slice(i, i + 1000))
        .returning();
      for (const v of stored)
        audit.push({
          actorId: v.verifiedBy ?? v.reportedBy,
          action: v.status === 'verified' ? 'value.verify' : 'value.report',
          entityType: 'actual_value',
          entityId: v.id,
          entity: v,
        });
    }
    const signed = await tx.insert(planSignoffs).values(signoffs).returning();
    for (const s of signed)
      audit.push({
        actorId: s.userId,
        action: 'plan.signoff',
        entityType: 'plan_signoff',
        entityId: s.id,
        entity: s,
      });
    await appendAudit(tx, audit);
  });

  // A mid-year revision of the transport bureau's first target, approved by the office.
  const revised = unitPlans.find((p) => p.code === REVISED_UNIT)!.plan;
  const traManager = await named(`${REVISED_UNIT}.manager`);
  const revision = await requestRevision(db, traManager, revised.id, {
    justification: '省交通运输厅年中调整了考核口径，A1 目标值相应由 100 调整为 95。',
    changes: [{ code: 'A1', field: 'target', to: 95 }],
  });
  await decideRevision(db, office, revision.id, {
    decision: 'approved',
    reason: '口径调整有正式文件，同意。',
  });

  // Early warnings, a correction task followed by the unit, and reminders for the missing quarter.
  const warnings = await runWarnings(db, office, cycle.id);
  const red = (await listWarnings(db, office, cycle.id)).filter((w) => w.status === 'red');
  const deadline = addDays(todayUtc(), 30);
  let tasks = 0;
  for (const w of red.slice(0, 2)) {
    const task = await createTask(db, office, w.id, { deadline });
    tasks++;
    const [{ code }] = await db
      .select({ code: orgUnits.code })
      .from(orgUnits)
      .where(eq(orgUnits.id, w.orgUnitId));
    const owner = await named(`${code}.manager`);
    await updateTask(db, owner, task.id, {
      status: tasks === 1 ? 'in_progress' : 'closed',
      resolution: tasks === 1 ? undefined : '已召开专题会议，制定追赶方案并落实到科室，下季度复核。',
    });
  }
  const reminders = await runReminders(db, office, cycle.id);
  return { values: rows.length, signoffs: signoffs.length, warnings: warnings.raised, tasks, ...reminders };
}
