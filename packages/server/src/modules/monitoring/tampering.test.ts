import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { factory } from '../../../test/factories';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { verifyAudit } from '../audit/service';
import { addDays, todayUtc } from './periods';
import { multipart } from './test-util';

/**
 * Monitoring rows decide careers too: warnings, correction tasks, sign-offs, revisions and evidence files
 * changed, deleted or inserted by SQL behind the platform are reported by verify-audit with their type and id.
 */
let t: TestApp;
let office: Client;
let eduManager: Client;
let officeUsername: string;
let valueId: string;
const ids: Record<string, string[]> = {};

const messages = async () => (await verifyAudit(t.db)).problems.map((p) => `${p.kind}: ${p.message}`);
const pick = async (table: string, n: number, where = sql`true`) =>
  (
    await t.db.execute<{ id: string }>(
      sql`select id from ${sql.identifier(table)} where ${where} order by id limit ${n}`,
    )
  ).rows.map((r) => r.id);

/** Four leaves running from 80 to 100 over the year's quarters. */
const TREE: IndicatorNodeInput[] = [
  {
    code: 'A',
    name: '维度 A',
    weight: 100,
    children: ['A1', 'A2', 'A3', 'A4'].map((code) => ({
      code,
      name: `指标 ${code}`,
      weight: 25,
      rule: { type: 'linear', baseline: 80, target: 100, direction: 'higher' },
      subjects: [{ type: 'data', weight: 100 }],
    })),
  },
];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own monitoring records, written through the API (test/factories.ts for the city): a 2025 cycle
  // in execution, a unit's plan whose four leaves lag their trajectory (four warnings, two with a
  // correction task), the plan signed by both sides, a revision requested, evidence uploaded; and
  // another unit's plan still a draft.
  const f = factory(t, 'tampering');
  const cycle = await f.cycle({ year: 2025, stage: 'planning' });
  const edu = await f.org();
  const manager = await f.user([{ role: 'unit_manager', orgUnitId: edu.id }]);
  const officeUser = await f.user([{ role: 'office' }]);
  officeUsername = officeUser.username;
  office = await officeUser.login();
  eduManager = await manager.login();
  const planId = (await f.plan({ cycleId: cycle.id, orgUnitId: edu.id, tree: TREE })).id;
  await f.plan({ cycleId: cycle.id, orgUnitId: (await f.org()).id, status: 'draft' });
  await f.stage(cycle.id, 'execution');
  const ok = (res: { statusCode: number; body: string }, code = 200) =>
    expect(res.statusCode, res.body).toBe(code);
  ok(
    await office.put('/api/monitoring/periods', {
      cycleId: cycle.id,
      frequency: 'quarterly',
      deadlineDays: 15,
      graceDays: 7,
    }),
  );
  const rows = ['A1', 'A2', 'A3', 'A4'].flatMap((code) =>
    ['2025-Q1', '2025-Q2'].map((period) => ({ indicatorCode: code, period, value: 81 })),
  );
  ok(await eduManager.post(`/api/plans/${planId}/values/bulk`, { rows }));
  expect((await office.post('/api/monitoring/warnings/run', { cycleId: cycle.id })).json().raised).toBe(4);
  const warnings = (await office.get(`/api/monitoring/warnings?cycleId=${cycle.id}`)).json().items;
  for (const w of warnings.slice(0, 2))
    ok(
      await office.post(`/api/monitoring/warnings/${w.id}/tasks`, { deadline: addDays(todayUtc(), 30) }),
      201,
    );
  ok(await eduManager.post(`/api/plans/${planId}/signoffs`, { side: 'appraisee' }), 201);
  ok(await office.post(`/api/plans/${planId}/signoffs`, { side: 'office' }), 201);
  ok(
    await eduManager.post(`/api/plans/${planId}/revisions`, {
      justification: '省里下调了本项考核口径，目标值相应调整',
      changes: [{ code: 'A1', field: 'target', to: 95 }],
    }),
    201,
  );
  valueId = (await eduManager.get(`/api/plans/${planId}/values`)).json().items[0].id;
  for (const name of ['a.txt', 'b.txt', 'c.txt']) {
    const res = await eduManager.raw({
      method: 'POST',
      url: `/api/values/${valueId}/evidence`,
      ...multipart(name, Buffer.from(`evidence ${name}\n`)),
    });
    expect(res.statusCode).toBe(201);
  }
  ids.evidence_files = await pick('evidence_files', 3);
  ids.correction_tasks = await pick('correction_tasks', 2);
  ids.plan_signoffs = await pick('plan_signoffs', 2);
  // Warnings without a task, so deleting one changes no task (warning_id is set null on delete).
  ids.early_warnings = await pick(
    'early_warnings',
    2,
    sql`id not in (select warning_id from correction_tasks where warning_id is not null)`,
  );
});
afterAll(async () => t.close());

describe('verify-audit over monitoring records', () => {
  it('finds the monitoring records and uploaded evidence intact', async () => {
    for (const table of ['evidence_files', 'correction_tasks', 'plan_signoffs', 'early_warnings'])
      expect(ids[table].length, table).toBeGreaterThan(1);
    expect((await pick('plan_revisions', 1)).length).toBe(1);
    expect(await messages()).toEqual([]);
    // Tasks and revisions written after the seed through the API stay clean too.
    const [warning] = ids.early_warnings;
    const task = await office.post(`/api/monitoring/warnings/${warning}/tasks`, { deadline: '2099-01-01' });
    expect(task.statusCode).toBe(201);
    await office.post(`/api/monitoring/tasks/${task.json().task.id}/status`, { status: 'in_progress' });
    expect((await office.get('/api/audit/verify')).json()).toMatchObject({ ok: true, problems: [] });
  });

  it('reports a row of each table changed by SQL, naming its type and id', async () => {
    const [task] = ids.correction_tasks;
    const [signoff] = ids.plan_signoffs;
    const [file] = ids.evidence_files;
    const [revision] = await pick('plan_revisions', 1);
    const warning = ids.early_warnings[1];
    await t.db.execute(
      sql`update correction_tasks set status = 'closed', resolution = 'done' where id = ${task}`,
    );
    await t.db.execute(
      sql`update plan_signoffs set signed_at = signed_at - interval '1 day' where id = ${signoff}`,
    );
    await t.db.execute(sql`update plan_revisions set justification = 'rewritten' where id = ${revision}`);
    await t.db.execute(
      sql`update early_warnings set status = case status when 'red' then 'yellow' else 'red' end where id = ${warning}`,
    );
    await t.db.execute(sql`update evidence_files set filename = 'other.txt' where id = ${file}`);
    const found = await messages();
    for (const key of [
      `correction_task:${task}`,
      `plan_signoff:${signoff}`,
      `plan_revision:${revision}`,
      `early_warning:${warning}`,
      `evidence_file:${file}`,
    ])
      expect(found).toContain(`entity_changed: ${key} was changed outside the platform`);
    expect(found).toHaveLength(5);
  });

  it('reports evidence content swapped, with or without its stored SHA-256 updated', async () => {
    const [, quiet, loud] = ids.evidence_files;
    await t.db.execute(sql`update evidence_files set content = 'forged'::bytea where id = ${quiet}`);
    await t.db.execute(
      sql`update evidence_files set content = 'forged'::bytea, sha256 = encode(sha256('forged'::bytea), 'hex') where id = ${loud}`,
    );
    const found = await messages();
    expect(found).toContain(
      `entity_changed: evidence_file:${quiet} content does not match its SHA-256 (changed outside the platform)`,
    );
    expect(found).toContain(`entity_changed: evidence_file:${loud} was changed outside the platform`);
    expect(found.filter((m) => m.includes(`evidence_file:${loud}`))).toHaveLength(1);
    expect(found).toHaveLength(7);
  });

  it('reports a row of each table deleted by SQL, and one inserted behind the platform', async () => {
    const [, task] = ids.correction_tasks;
    const [, signoff] = ids.plan_signoffs;
    const [, file] = ids.evidence_files;
    const [warning] = ids.early_warnings;
    // The warning's task (created above through the API) goes first, as a foreign key would demand.
    const [ownTask] = await pick('correction_tasks', 1, sql`warning_id = ${warning}`);
    await t.db.execute(sql`delete from correction_tasks where id in (${task}, ${ownTask})`);
    await t.db.execute(sql`delete from plan_signoffs where id = ${signoff}`);
    await t.db.execute(sql`delete from evidence_files where id = ${file}`);
    await t.db.execute(sql`delete from early_warnings where id = ${warning}`);
    const [revision] = await pick('plan_revisions', 1);
    await t.db.execute(sql`delete from plan_revisions where id = ${revision}`);
    const [inserted] = (
      await t.db.execute<{ id: string }>(
        sql`insert into plan_signoffs (plan_id, side, user_id, plan_version)
            select p.id, 'office', u.id, 1 from plans p, users u
            where p.status = 'draft' and u.username = ${officeUsername} limit 1 returning id`,
      )
    ).rows;
    const found = await messages();
    for (const key of [
      `correction_task:${task}`,
      `correction_task:${ownTask}`,
      `plan_signoff:${signoff}`,
      `plan_revision:${revision}`,
      `early_warning:${warning}`,
      `evidence_file:${file}`,
    ])
      expect(found).toContain(`entity_missing: ${key} was deleted outside the platform`);
    expect(found).toContain(
      `entity_changed: plan_signoff:${inserted.id} has no audit entry (written outside the platform)`,
    );
  });
});
