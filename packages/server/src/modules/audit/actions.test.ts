import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { AUDIT_ACTIONS } from './actions';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

describe('audit actions', () => {
  it('lists each action once', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
  });

  it('lists every action the demo city’s history wrote', async () => {
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
