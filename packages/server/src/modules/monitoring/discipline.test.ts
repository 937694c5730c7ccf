import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportingReminders } from '../../db/schema';
import { isUniqueViolation } from '../../lib/errors';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { cycleOf, planOf, resetMonitoring } from './test-util';

let t: TestApp;
let office: Client;
let cycleId: string;
let eduPlan: string;
let finPlan: string;

beforeAll(async () => {
  t = await buildTestApp();
  // The demo publishes 2025, which freezes its inputs (results/publication.test.ts): this file
  // works on an unpublished copy of it.
  await t.db.execute(sql`update cycles set results_published_at = null where code = '2025-annual'`);
  office = await t.as('office');
  cycleId = await cycleOf(office, '2025-annual');
  eduPlan = await planOf(office, '2025-annual', 'edu');
  finPlan = await planOf(office, '2025-annual', 'fin');
  // The demo city has quarterly reports of every unit; these two start with none.
  await resetMonitoring(t.db, [eduPlan, finPlan]);
  await office.put('/api/monitoring/periods', {
    cycleId,
    frequency: 'quarterly',
    deadlineDays: 15,
    graceDays: 7,
  });
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
    expect(eduQ1.missing).toEqual(['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2', 'D2']);
    expect(eduQ1).toMatchObject({ escalated: true, daysOverdue: 96 });
    expect(before.find((o: Overdue) => o.period === '2025-Q3')).toBeUndefined();

    const row = (period: string) => (code: string) => ({ indicatorCode: code, period, value: 90 });
    const edu = await t.as('edu.manager');
    await edu.post(`/api/plans/${eduPlan}/values/bulk`, {
      rows: [...eduQ1.missing.map(row('2025-Q1')), ...eduQ1.missing.map(row('2025-Q2'))],
    });
    const fin = await t.as('fin.manager');
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
    const fin = await t.as('fin.manager');
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

  it('shows the demo city: every unit reported its quarters except one that missed Q4', async () => {
    const items = (await office.get(`/api/monitoring/overdue?cycleId=${cycleId}`)).json().items;
    const others = items.filter((o: Overdue) => o.planId !== eduPlan && o.planId !== finPlan);
    expect(others.map((o: Overdue) => o.period)).toEqual(['2025-Q4']);
    expect(others[0]).toMatchObject({
      escalated: true,
      appraiseeNameEn: expect.stringContaining('Letters and Calls'),
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
