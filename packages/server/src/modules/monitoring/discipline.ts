import { and, inArray, ne } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { actualValues, reportingReminders } from '../../db/schema';
import { requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import {
  canFollowPlan,
  isReportedLeaf,
  leavesByPlan,
  loadCycle,
  monitoredPlans,
  officeUserIds,
  unitManagerIds,
  type MonitoredPlan,
} from './common';
import { notify, type NotificationInput } from './notifications';
import { addDays, todayUtc } from './periods';
import { listPeriods } from './trajectory';

export interface OverdueReport {
  planId: string;
  appraiseeType: string;
  orgUnitId: string;
  appraiseeName: string;
  appraiseeNameEn: string | null;
  period: string;
  deadline: string;
  /** Day from which the missing report goes to the office. */
  escalateOn: string;
  daysOverdue: number;
  escalated: boolean;
  /** Leaf codes without a (non-rejected) value for the period. */
  missing: string[];
  reminderSentAt: Date | null;
  escalationSentAt: Date | null;
}

function checkAsOf(asOf: string | undefined): string {
  const today = todayUtc();
  if (asOf && asOf > today)
    throw badRequest('asOf cannot be in the future', [{ path: 'asOf', message: 'after today' }]);
  return asOf ?? today;
}

const days = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * Plans × periods whose deadline has passed (as of a day) with at least one reported leaf
 * (a normal data indicator) still without a value; rejected values count as missing.
 */
async function computeOverdue(db: DbOrTx, plansList: MonitoredPlan[], cycleId: string, asOf: string) {
  const due = (await listPeriods(db, cycleId)).filter((p) => p.deadline < asOf);
  if (!due.length || !plansList.length) return [];
  const planIds = plansList.map((p) => p.id);
  const leaves = await leavesByPlan(db, planIds);
  const values = await db
    .select({ planId: actualValues.planId, code: actualValues.indicatorCode, period: actualValues.period })
    .from(actualValues)
    .where(
      and(
        inArray(actualValues.planId, planIds),
        inArray(
          actualValues.period,
          due.map((p) => p.period),
        ),
        ne(actualValues.status, 'rejected'),
      ),
    );
  const have = new Set(values.map((v) => `${v.planId}|${v.code}|${v.period}`));
  const sent = await db.select().from(reportingReminders).where(inArray(reportingReminders.planId, planIds));
  const sentAt = new Map(sent.map((r) => [`${r.planId}|${r.period}|${r.kind}`, r.sentAt]));
  const out: OverdueReport[] = [];
  for (const plan of plansList) {
    const reported = (leaves.get(plan.id) ?? []).filter(isReportedLeaf);
    for (const p of due) {
      const missing = reported
        .filter((n) => !have.has(`${plan.id}|${n.code}|${p.period}`))
        .map((n) => n.code);
      if (!missing.length) continue;
      const escalateOn = addDays(p.deadline, p.graceDays + 1);
      out.push({
        planId: plan.id,
        appraiseeType: plan.appraiseeType,
        orgUnitId: plan.orgUnitId,
        appraiseeName: plan.appraiseeName,
        appraiseeNameEn: plan.appraiseeNameEn,
        period: p.period,
        deadline: p.deadline,
        escalateOn,
        daysOverdue: days(p.deadline, asOf),
        escalated: asOf >= escalateOn,
        missing,
        reminderSentAt: sentAt.get(`${plan.id}|${p.period}|reminder`) ?? null,
        escalationSentAt: sentAt.get(`${plan.id}|${p.period}|escalation`) ?? null,
      });
    }
  }
  return out;
}

/** Who has not reported by the deadline: the office sees every unit, others the plans they follow. */
export async function listOverdue(db: Db, actor: Actor | null, cycleId: string, asOfInput?: string) {
  const a = requireActor(actor);
  const asOf = checkAsOf(asOfInput);
  await loadCycle(db, cycleId);
  const visible = (await monitoredPlans(db, { cycleId, approvedOnly: true })).filter((p) =>
    canFollowPlan(a, p),
  );
  return { asOf, items: await computeOverdue(db, visible, cycleId, asOf) };
}

/**
 * Sends reminders 催报 for missing reports to the unit's managers (and the cadre of a cadre plan),
 * and after the grace period an escalation to the office. Idempotent: a unique (plan, period, kind)
 * row records each message sent, so running again sends nothing new.
 */
export async function runReminders(db: Db, actor: Actor | null, cycleId: string, asOfInput?: string) {
  const a = requireOffice(actor, 'Sending reporting reminders');
  const asOf = checkAsOf(asOfInput);
  return db.transaction(async (tx) => {
    await loadCycle(tx, cycleId);
    const plansList = await monitoredPlans(tx, { cycleId, approvedOnly: true });
    const overdue = await computeOverdue(tx, plansList, cycleId, asOf);
    const wanted = overdue.flatMap((o) => [
      ...(o.reminderSentAt ? [] : [{ o, kind: 'reminder' as const }]),
      ...(o.escalated && !o.escalationSentAt ? [{ o, kind: 'escalation' as const }] : []),
    ]);
    const stored = [];
    for (let i = 0; i < wanted.length; i += 500)
      stored.push(
        ...(await tx
          .insert(reportingReminders)
          .values(
            wanted
              .slice(i, i + 500)
              .map(({ o, kind }) => ({ planId: o.planId, period: o.period, kind, missing: o.missing })),
          )
          .onConflictDoNothing()
          .returning()),
      );
    const byKey = new Map(overdue.map((o) => [`${o.planId}|${o.period}`, o]));
    const planById = new Map(plansList.map((p) => [p.id, p]));
    const office = await officeUserIds(tx);
    const managers = new Map<string, string[]>();
    const messages: NotificationInput[] = [];
    for (const r of stored) {
      const o = byKey.get(`${r.planId}|${r.period}`)!;
      const plan = planById.get(r.planId)!;
      const name = plan.appraiseeName;
      const nameEn = plan.appraiseeNameEn ?? name;
      const codes = o.missing.join(', ');
      let recipients: string[];
      if (r.kind === 'reminder') {
        if (!managers.has(plan.orgUnitId))
          managers.set(plan.orgUnitId, await unitManagerIds(tx, plan.orgUnitId));
        recipients = [
          ...new Set([...managers.get(plan.orgUnitId)!, ...(plan.personUserId ? [plan.personUserId] : [])]),
        ];
      } else recipients = office;
      for (const userId of recipients)
        messages.push({
          userId,
          kind: r.kind === 'reminder' ? 'reporting_reminder' : 'reporting_escalation',
          title:
            r.kind === 'reminder'
              ? `催报：${name} ${r.period} 有 ${o.missing.length} 项指标逾期未报`
              : `逾期上报：${name} ${r.period} 超过宽限期仍未报送`,
          titleEn:
            r.kind === 'reminder'
              ? `Reminder: ${o.missing.length} indicator(s) of ${nameEn} for ${r.period} are overdue`
              : `Escalation: ${nameEn} has not reported ${r.period} after the grace period`,
          body: `截止日期 ${o.deadline}；未报指标：${codes}`,
          bodyEn: `Deadline ${o.deadline}; missing: ${codes}`,
          entityType: 'plan',
          entityId: r.planId,
          planId: r.planId,
        });
    }
    await notify(tx, messages);
    await appendAudit(
      tx,
      stored.map((r) => ({
        actorId: a.id,
        action: r.kind === 'reminder' ? ('reporting.reminder' as const) : ('reporting.escalation' as const),
        entityType: 'reporting_reminder',
        entityId: r.id,
        data: { planId: r.planId, period: r.period, missing: r.missing, asOf },
      })),
    );
    return {
      asOf,
      reminders: stored.filter((r) => r.kind === 'reminder').length,
      escalations: stored.filter((r) => r.kind === 'escalation').length,
      notified: messages.length,
    };
  });
}
