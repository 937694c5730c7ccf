import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type Factory } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let f: Factory;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t, 'monperm');
});
afterAll(async () => t.close());

describe('monitoring permissions on /api/auth/me', () => {
  it('sends each user what they may do in monitoring, as the services decide', async () => {
    const unit = await f.org();
    const cycle = await f.cycle({ year: 2033, stage: 'planning' });
    await f.plan({ cycleId: cycle.id, orgUnitId: unit.id });
    const login = async (role: 'office' | 'admin' | 'verifier' | 'unit_manager' | 'evaluator') =>
      (await f.user([{ role, orgUnitId: role === 'unit_manager' ? unit.id : null }])).login();
    const all = { configurePeriods: true, runWarnings: true, runReminders: true, reopenTasks: true };
    const none = { configurePeriods: false, runWarnings: false, runReminders: false, reopenTasks: false };
    const expected = {
      office: { ...all, viewFlags: true },
      admin: { ...all, viewFlags: true },
      verifier: { ...none, viewFlags: true },
      unit_manager: { ...none, viewFlags: false },
      evaluator: { ...none, viewFlags: false },
    } as const;
    for (const [role, can] of Object.entries(expected)) {
      const c: Client = await login(role as keyof typeof expected);
      expect((await c.get('/api/auth/me')).json().user.monitoring, role).toEqual(can);
      // The flags match what the routes answer: the office's actions are refused to the others.
      const warnings = await c.post('/api/monitoring/warnings/run', { cycleId: cycle.id });
      const reminders = await c.post('/api/monitoring/reminders/run', { cycleId: cycle.id });
      expect(warnings.statusCode === 403, role).toBe(!can.runWarnings);
      expect(reminders.statusCode === 403, role).toBe(!can.runReminders);
    }
  });
});
