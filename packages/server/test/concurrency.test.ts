import { contactLookup } from '../src/lib/crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type Factory } from './factories';
import { buildTestApp, type TestApp } from './helper';
import { nextAddress, roleClient, type RoleClient } from './routes';

/**
 * Concurrent writes that the feature tests do not already cover (plan trees, ratings, public ratings,
 * need supports, survey answers and questionnaire versions are tested in their modules): cycle
 * transitions, invitation redemption and appeals. Real concurrency on PostgreSQL (TEST_DB=postgres);
 * on PGlite the same requests interleave on one connection.
 */
let t: TestApp;
let f: Factory;
let office: RoleClient;
const N = 6;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own accounts, unit, cycles and results (test/factories.ts).
  f = factory(t, 'race');
  office = await roleClient(t.app, (await f.user([{ role: 'office' }])).username);
});
afterAll(async () => t?.close());

const rows = async (query: ReturnType<typeof sql>) =>
  ((await t.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;

describe('concurrent writes', () => {
  it('moves a cycle one link once when several officials press "next" together', async () => {
    const created = await office.request('POST', '/api/cycles', {
      code: 'race-2027',
      name: '并发测试',
      type: 'annual',
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
    });
    const id = created.json().cycle.id as string;
    const all = await Promise.all(
      Array.from({ length: N }, () =>
        office.request('POST', `/api/cycles/${id}/transition`, { to: 'planning' }),
      ),
    );
    expect(all.map((r) => r.statusCode).sort()).toEqual([200, ...Array(N - 1).fill(409)]);
    const moves = await rows(sql`select count(*)::int as n from cycle_transitions where cycle_id = ${id}`);
    expect(moves[0].n).toBe(1);
  });

  it('lets one invitation register one participant', async () => {
    const unit = await f.org();
    const manager = await roleClient(
      t.app,
      (await f.user([{ role: 'unit_manager', orgUnitId: unit.id }])).username,
    );
    const inv = await manager.request('POST', '/api/participation/invitations', { orgUnitId: unit.id });
    expect(inv.statusCode).toBeLessThan(300);
    const token = JSON.stringify(inv.json()).match(/"token":"([^"]+)"/)![1];
    const all = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/participation/register',
          remoteAddress: nextAddress(),
          payload: {
            email: `race${i}@example.org`,
            password: 'secret-pass-1',
            displayName: `居民${i}`,
            invitationToken: token,
            privacyNotice: '2026-01',
          },
        }),
      ),
    );
    const codes = all.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c >= 500)).toEqual([]);
    // E-mails are stored encrypted: matched by their blind index.
    const lookups = Array.from({ length: N }, (_, i) => contactLookup('email', `race${i}@example.org`));
    const used = await rows(
      sql`select count(*)::int as n from users where email_lookup in (${sql.join(lookups, sql`, `)})`,
    );
    expect(used[0].n).toBe(1);
  });

  it('keeps one open appeal per result and indicator', async () => {
    // A unit's published result (verified values of an approved plan).
    const unit = await f.org();
    const user = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
    const cycle = await f.cycle({ year: 2031, stage: 'planning' });
    const plan = await f.plan({ cycleId: cycle.id, orgUnitId: unit.id });
    await f.values(
      plan.id,
      [
        { indicatorCode: 'A1', period: '2031', value: 5.1 },
        { indicatorCode: 'A2', period: '2031', value: 98 },
      ],
      { by: user.actor, verifyAs: (await f.user([{ role: 'verifier' }])).actor },
    );
    await f.results(cycle.id, { publish: true });
    const manager = await roleClient(t.app, user.username);
    const [r] = await rows(sql`select id from results where plan_id = ${plan.id}`);
    const detail = (await manager.request('GET', `/api/results/${r.id as string}`)).json();
    const leaf = JSON.stringify(detail.breakdown).match(/"code":"([^"]+)"/)![1];
    const all = await Promise.all(
      Array.from({ length: N }, () =>
        manager.request('POST', `/api/results/${r.id as string}/appeals`, {
          indicatorCode: leaf,
          reason: '数据口径有误，请复核',
        }),
      ),
    );
    const codes = all.map((x) => x.statusCode);
    expect(
      codes.filter((c) => c === 201),
      JSON.stringify(all.map((x) => x.body.slice(0, 100))),
    ).toHaveLength(1);
    expect(codes.filter((c) => c !== 201).every((c) => c === 409)).toBe(true);
    const open = await rows(
      sql`select count(*)::int as n from appeals where result_id = ${r.id as string} and indicator_code = ${leaf}`,
    );
    expect(open[0].n).toBe(1);
  });
});
