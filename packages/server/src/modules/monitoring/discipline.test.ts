import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportingReminders } from '../../db/schema';
import { isUniqueViolation } from '../../lib/errors';
import { factory, SMALL_TREE, type FactoryUser } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
let cycleId: string;
let eduPlan: string;
let finPlan: string;
let eduManager: FactoryUser;
let finManager: FactoryUser;
/** A unit that reported its first three quarters, not the fourth. */
let lateUnitCode: string;
/** The leaves scored from data, due every period (SMALL_TREE: A1 and A2). */
const DATA_LEAVES = SMALL_TREE[0].children!.map((n) => n.code);

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own 2025 cycle in execution (test/factories.ts) with four units' plans: edu and fin start
  // with no quarterly report, one unit reported every quarter, one all but the fourth.
  const f = factory(t, 'discipline');
  const cycle = await f.cycle({ year: 2025, stage: 'planning' });
  cycleId = cycle.id;
  const [edu, fin, punctual, late] = [await f.org(), await f.org(), await f.org(), await f.org()];
  lateUnitCode = late.code;
  eduManager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  finManager = await f.user([{ role: 'unit_manager', orgUnitId: fin.id }]);
  office = await (await f.user([{ role: 'office' }])).login();
  eduPlan = (await f.plan({ cycleId, orgUnitId: edu.id })).id;
  finPlan = (await f.plan({ cycleId, orgUnitId: fin.id })).id;
  const punctualPlan = (await f.plan({ cycleId, orgUnitId: punctual.id })).id;
  const latePlan = (await f.plan({ cycleId, orgUnitId: late.id })).id;
  await f.stage(cycleId, 'execution');
  const periods = await office.put('/api/monitoring/periods', {
    cycleId,
    frequency: 'quarterly',
    deadlineDays: 15,
    graceDays: 7,
  });
  expect(periods.statusCode, periods.body).toBe(200);
  const quarters = (n: number) =>
    [1, 2, 3, 4]
      .slice(0, n)
      .flatMap((q) => DATA_LEAVES.map((code) => ({ indicatorCode: code, period: `2025-Q${q}`, value: 90 })));
  await f.values(punctualPlan, quarters(4), { by: await f.office() });
  await f.values(latePlan, quarters(3), { by: await f.office() });
});
afterAll(async () => t.close());

type Overdue = {
  planId: string;
  period: string;
  missing: string[];
  escalated: boolean;
  daysOverdue: number;
  appraiseeNameEn: string;
};
const asOf = '2025-07-20'; // Q1 due 04-15 (grace over 04-22), Q2 due 07-15: 5 days late, within grace.

describe('reporting discipline', () => {
  it('lists who has not reported by the deadline, escalated after the grace period', async () => {
    const before = (await office.get(`/api/monitoring/overdue?cycleId=${cycleId}&asOf=${asOf}`)).json().items;
    const eduQ1 = before.find((o: Overdue) => o.planId === eduPlan && o.period === '2025-Q1');
    // Leaves scored from data are due every period; rated leaves, bonus and deduction items are not.
    expect(eduQ1.missing).toEqual(DATA_LEAVES);
    expect(eduQ1).toMatchObject({ escalated: true, daysOverdue: 96 });
    expect(before.find((o: Overdue) => o.period === '2025-Q3')).toBeUndefined();

    const row = (period: string) => (code: string) => ({ indicatorCode: code, period, value: 90 });
    const edu = await eduManager.login();
    await edu.post(`/api/plans/${eduPlan}/values/bulk`, {
      rows: [...eduQ1.missing.map(row('2025-Q1')), ...eduQ1.missing.map(row('2025-Q2'))],
    });
    const fin = await finManager.login();
    const finQ1 = before.find((o: Overdue) => o.planId === finPlan && o.period === '2025-Q1');
    await fin.post(`/api/plans/${finPlan}/values/bulk`, {
      rows: [
        ...finQ1.missing.map(row('2025-Q1')),
        { indicatorCode: finQ1.missing[0], period: '2025-Q2', value: 1 },
      ],
    });

    const after = (await office.get(`/api/monitoring/overdue?cycleId=${cycleId}&asOf=${asOf}`)).json().items;
    expect(after.filter((o: Overdue) => o.planId === eduPlan)).toEqual([]);
    const finLate = after.filter((o: Overdue) => o.planId === finPlan);
    expect(finLate).toEqual([
      expect.objectContaining({
        period: '2025-Q2',
        escalated: false,
        daysOverdue: 5,
        missing: finQ1.missing.slice(1),
      }),
    ]);
    // A unit manager sees only their own unit.
    const mine = (await fin.get(`/api/monitoring/overdue?cycleId=${cycleId}&asOf=${asOf}`)).json().items;
    expect(mine.map((o: Overdue) => o.planId)).toEqual([finPlan]);
    const future = await office.get(`/api/monitoring/overdue?cycleId=${cycleId}&asOf=2999-01-01`);
    expect(future.json().details).toEqual([{ path: 'asOf', message: 'after today' }]);
  });

  it('sends a reminder to the unit, and after the grace period an escalation to the office, once each', async () => {
    const fin = await finManager.login();
    await fin.post('/api/notifications/read-all');
    await office.post('/api/notifications/read-all');
    expect((await fin.post('/api/monitoring/reminders/run', { cycleId })).statusCode).toBe(403);
    // As of 07-20 only fin's Q2 is late (within grace): one reminder, no escalation.
    const first = (await office.post('/api/monitoring/reminders/run', { cycleId, asOf })).json();
    expect(first).toMatchObject({ reminders: 1, escalations: 0 });
    const again = (await office.post('/api/monitoring/reminders/run', { cycleId, asOf })).json();
    expect(again).toMatchObject({ reminders: 0, escalations: 0, notified: 0 });
    const inbox = (await fin.get('/api/notifications?unread=true')).json().items;
    expect(inbox).toEqual([expect.objectContaining({ kind: 'reporting_reminder', planId: finPlan })]);
    expect(inbox[0].titleEn).toContain('2025-Q2');

    // On 07-23 the grace period is over: only the escalation is new, and it goes to the office.
    const later = (
      await office.post('/api/monitoring/reminders/run', { cycleId, asOf: '2025-07-23' })
    ).json();
    expect(later).toMatchObject({ reminders: 0, escalations: 1 });
    const officeInbox = (await office.get('/api/notifications?unread=true')).json();
    expect(officeInbox.unread).toBe(1);
    expect(officeInbox.items[0]).toMatchObject({ kind: 'reporting_escalation', planId: finPlan });
    const listed = (await office.get(`/api/monitoring/overdue?cycleId=${cycleId}&asOf=2025-07-23`)).json()
      .items;
    const finQ2 = listed.find((o: Overdue) => o.planId === finPlan);
    expect(finQ2).toMatchObject({
      escalated: true,
      reminderSentAt: expect.any(String),
      escalationSentAt: expect.any(String),
    });
    expect(
      (await office.post('/api/monitoring/reminders/run', { cycleId, asOf: '2025-07-23' })).json().notified,
    ).toBe(0);
  });

  it('shows the other units: every unit reported its quarters except one that missed Q4', async () => {
    const items = (await office.get(`/api/monitoring/overdue?cycleId=${cycleId}`)).json().items;
    const others = items.filter((o: Overdue) => o.planId !== eduPlan && o.planId !== finPlan);
    expect(others.map((o: Overdue) => o.period)).toEqual(['2025-Q4']);
    expect(others[0]).toMatchObject({
      escalated: true,
      appraiseeNameEn: expect.stringContaining(lateUnitCode),
    });
  });

  it('enforces one reminder per plan, period and kind in the database', async () => {
    const dup = { planId: finPlan, period: '2025-Q2', kind: 'reminder', missing: [] };
    const err = await t.db
      .insert(reportingReminders)
      .values(dup)
      .then(() => null)
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
  });
});
