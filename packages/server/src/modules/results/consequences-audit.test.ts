import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { auditLog, consequences, plans } from '../../db/schema';
import { systemActor } from '../../lib/system';
import { verifyAudit } from '../audit/service';
import { DEFAULT_CONSEQUENCE_RULES } from '../evaluation/rules';
import { computeCycleResults } from './service';

let t: TestApp;
let cycleId = '';
const planIds: string[] = [];

/** Entries recording the hash of the cycle's consequences (the compute's companion entries). */
const consequenceEntries = async () =>
  (
    await t.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'cycle_consequences'), eq(auditLog.entityId, cycleId)))
  )[0].n;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'conseq');
  const office = await f.office();
  const verifier = await f.user([{ role: 'verifier' }]);
  const cycle = await f.cycle({ year: 2033, stage: 'planning' });
  cycleId = cycle.id;
  await f.rules(cycleId, { trimEachSide: 0, minRaters: 1, consequenceRules: DEFAULT_CONSEQUENCE_RULES });
  for (const [i, value] of [40, 95, 70].entries()) {
    const plan = await f.plan({ cycleId, orgUnitId: (await f.org()).id });
    planIds.push(plan.id);
    await f.values(
      plan.id,
      [
        { indicatorCode: 'A1', period: '2033', value: 2 + 2 * i },
        { indicatorCode: 'A2', period: '2033', value },
      ],
      { by: office, verifyAs: verifier.actor },
    );
  }
  await f.results(cycleId);
});
afterAll(async () => t.close());

describe("the compute's record of the cycle's consequences", () => {
  it('is written when consequences change, and not hashed again when none did', async () => {
    const [{ n: stored }] = await t.db
      .select({ n: count() })
      .from(consequences)
      .where(eq(consequences.cycleId, cycleId));
    expect(stored).toBeGreaterThan(0);
    const first = await consequenceEntries();
    expect(first).toBe(1);
    // Nothing changed: no consequence written, no entry for them.
    await computeCycleResults(t.db, systemActor(), cycleId);
    expect(await consequenceEntries()).toBe(first);
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true });

    // An edit behind the platform's back is not recorded by the next compute under its name: it
    // stays for verify-audit to find.
    await t.db.execute(sql`update consequences set reason = 'forged' where cycle_id = ${cycleId}`);
    await computeCycleResults(t.db, systemActor(), cycleId);
    expect(await consequenceEntries()).toBe(first);
    const report = await verifyAudit(t.db);
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report.problems)).toContain('cycle_consequences');
    await t.db.execute(sql`update consequences set reason = 'grade ' || (
        select grade from results where results.id = consequences.result_id) where cycle_id = ${cycleId}`);
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true });

    // A result removed takes its consequences with it: the compute records their new hash. (The
    // plan is set back to draft behind the platform's back: verify-audit names only the plan.)
    await t.db.update(plans).set({ status: 'draft' }).where(eq(plans.id, planIds[0]));
    expect((await computeCycleResults(t.db, systemActor(), cycleId)).removed).toBe(1);
    expect(await consequenceEntries()).toBe(first + 1);
    const after = await verifyAudit(t.db);
    expect(after.problems.map((p) => p.entity?.type)).toEqual(['plan']);
  });
});
