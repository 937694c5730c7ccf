import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type Factory } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { AUDIT_ACTIONS } from './actions';

let t: TestApp;
let f: Factory;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t, 'act');
});
afterAll(() => t?.close());

describe('audit actions', () => {
  it('lists each action once', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
  });

  it('lists every action a history of org, users, cycle, plan, values and logins wrote', async () => {
    const unit = await f.org();
    const manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
    const cycle = await f.cycle({ stage: 'planning' });
    const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id });
    await f.stage(cycle.id, 'execution');
    await f.values(plan.id, [{ indicatorCode: 'A1', period: '2031', value: 5 }], {
      by: manager.actor,
      verifyAs: await f.office(),
    });
    await manager.login();
    expect(
      (await t.anon.post('/api/auth/login', { username: manager.username, password: 'wrong-pass' }))
        .statusCode,
    ).toBe(401);
    const res = (await t.db.execute(
      sql`select distinct action from audit_log order by action`,
    )) as unknown as {
      rows: { action: string }[];
    };
    const listed = new Set<string>(AUDIT_ACTIONS);
    expect(res.rows.length).toBeGreaterThan(10);
    expect(res.rows.map((r) => r.action).filter((a) => !listed.has(a))).toEqual([]);
  });
});
