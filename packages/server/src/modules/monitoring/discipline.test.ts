import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportingReminders } from '../../db/schema';
import { isUniqueViolation } from '../../lib/errors';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { cycleOf, planOf } from './test-util';

let t: TestApp;
let office: Client;
let cycleId: string;
let eduPlan: string;
let finPlan: string;

beforeAll(async () => {
  t = await buildTestApp();
  office = await t.as('office');
  cycleId = await cycleOf(office, '2025-annual');
  eduPlan = await planOf(office, '2025-annual', 'edu');
  finPlan = await planOf(office, '2025-annual', 'fin');
  await office.put('/api/monitoring/periods', {
    cycleId,
    frequency: 'quarterly',
    deadlineDays: 15,
    graceDays: 7,
  });
});
afterAll(async () => t.close());

type Overdue = { planId: string; period: string; missing: string[]; escalated: boolean; daysOverdue: number };
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

  it('sends reminders to the unit and escalations to the office, once each', async () => {
    const overdue = (await office.get(`/api/monitoring/overdue?cycleId=${cycleId}&asOf=${asOf}`)).json()
      .items;
    expect(
      (await (await t.as('fin.manager')).post('/api/monitoring/reminders/run', { cycleId })).statusCode,
    ).toBe(403);
    const first = (await office.post('/api/monitoring/reminders/run', { cycleId, asOf })).json();
    expect(first).toMatchObject({
      reminders: overdue.length,
      escalations: overdue.filter((o: Overdue) => o.escalated).length,
    });
    expect(first.escalations).toBeGreaterThan(30);
    const again = (await office.post('/api/monitoring/reminders/run', { cycleId, asOf })).json();
    expect(again).toMatchObject({ reminders: 0, escalations: 0, notified: 0 });

    const fin = await t.as('fin.manager');
    const inbox = (await fin.get('/api/notifications')).json().items;
    expect(inbox).toEqual([expect.objectContaining({ kind: 'reporting_reminder', planId: finPlan })]);
    expect(inbox[0].titleEn).toContain('2025-Q2');
    const officeInbox = (await office.get('/api/notifications?limit=200')).json();
    expect(officeInbox.unread).toBe(first.escalations);
    expect(officeInbox.items.every((n: { kind: string }) => n.kind === 'reporting_escalation')).toBe(true);
    expect((await office.post('/api/notifications/read-all')).json()).toEqual({ updated: first.escalations });

    // Later, fin is past its grace period for Q2: only the escalation is new.
    const later = (
      await office.post('/api/monitoring/reminders/run', { cycleId, asOf: '2025-07-23' })
    ).json();
    expect(later.escalations).toBeGreaterThanOrEqual(1);
    const listed = (await office.get(`/api/monitoring/overdue?cycleId=${cycleId}&asOf=2025-07-23`)).json()
      .items;
    const finQ2 = listed.find((o: Overdue & { escalationSentAt: string }) => o.planId === finPlan);
    expect(finQ2.escalationSentAt).not.toBeNull();
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
