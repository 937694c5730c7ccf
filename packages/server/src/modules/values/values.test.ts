import ExcelJS from 'exceljs';
import { and, asc, count, eq, inArray, like, sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client';
import { actualValues, auditLog, jobFiles } from '../../db/schema';
import { entityHash, entryHash, verifyAudit } from '../audit/service';
import { importValues } from './import';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';

let t: TestApp;
let office: Client;
let culPlanId: string;
let eduPlanId: string;
let cycleId: string;
let cul: { manager: FactoryUser };
let edu: { manager: FactoryUser };
let fin: { manager: FactoryUser };
let verifierUser: FactoryUser;
/** A plan of its own for the large imports (no values until they run). */
let big: { manager: FactoryUser; planId: string };

const leaf = (code: string, weight: number): IndicatorNodeInput => ({
  code,
  name: `指标 ${code}`,
  weight,
  rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
  subjects: [{ type: 'data', weight: 100 }],
});
/** Two dimensions of two measured leaves each (A1, A2, B1, B2). */
const TREE: IndicatorNodeInput[] = [
  { code: 'A', name: '维度 A', weight: 50, children: [leaf('A1', 60), leaf('A2', 40)] },
  { code: 'B', name: '维度 B', weight: 50, children: [leaf('B1', 50), leaf('B2', 50)] },
];

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own cycle, units, people and plans (test/factories.ts), not the demo city's.
  const f = factory(t, 'values');
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  cycleId = cycle.id;
  const unit = async () => {
    const org = await f.org();
    return { org, manager: await f.user([{ role: 'unit_manager', orgUnitId: org.id }]) };
  };
  const culUnit = await unit();
  const eduUnit = await unit();
  const finUnit = await unit();
  cul = culUnit;
  edu = eduUnit;
  fin = finUnit;
  verifierUser = await f.user([{ role: 'verifier' }]);
  office = await (await f.user([{ role: 'office' }])).login();
  culPlanId = (await f.plan({ cycleId, orgUnitId: culUnit.org.id, tree: TREE })).id;
  eduPlanId = (await f.plan({ cycleId, orgUnitId: eduUnit.org.id, tree: TREE })).id;
  const bigUnit = await unit();
  big = {
    manager: bigUnit.manager,
    planId: (await f.plan({ cycleId, orgUnitId: bigUnit.org.id, tree: TREE })).id,
  };
  await f.stage(cycleId, 'evaluation');
  // The culture unit's annual figures: two verified, two reported and awaiting verification.
  await f.values(
    culPlanId,
    [
      { indicatorCode: 'A1', period: '2031', value: 80 },
      { indicatorCode: 'B2', period: '2031', value: 70 },
    ],
    { by: culUnit.manager.actor, verifyAs: verifierUser.actor },
  );
  await f.values(
    culPlanId,
    [
      { indicatorCode: 'A2', period: '2031', value: 90 },
      { indicatorCode: 'B1', period: '2031', value: 95 },
    ],
    { by: culUnit.manager.actor },
  );
});
afterAll(async () => t.close());

const resultOf = async (planId: string) => {
  const items = (await office.get(`/api/cycles/${cycleId}/results`)).json().items;
  return items.find((r: { planId: string }) => r.planId === planId);
};

describe('actual values', () => {
  it('scores only verified values: verifying a reported value raises the score', async () => {
    const values = (await office.get(`/api/plans/${culPlanId}/values`)).json().items;
    const pending = values.filter((v: { status: string }) => v.status === 'reported');
    expect(pending.map((v: { indicatorCode: string }) => v.indicatorCode).sort()).toEqual(['A2', 'B1']);
    await office.post(`/api/cycles/${cycleId}/compute?wait=true`);
    const before = await resultOf(culPlanId);

    const manager = await cul.manager.login();
    expect(
      (await manager.post(`/api/values/${pending[0].id}/verify`, { decision: 'verified', version: 1 }))
        .statusCode,
    ).toBe(403);
    const verifier = await verifierUser.login();
    const noReason = await verifier.post(`/api/values/${pending[0].id}/verify`, {
      decision: 'rejected',
      version: pending[0].version,
    });
    expect(noReason.json().details).toEqual([{ path: 'reason', message: 'required when rejecting' }]);
    for (const v of pending) {
      const res = await verifier.post(`/api/values/${v.id}/verify`, {
        decision: 'verified',
        version: v.version,
      });
      expect(res.json().value.status).toBe('verified');
    }
    await office.post(`/api/cycles/${cycleId}/compute?wait=true`);
    const after = await resultOf(culPlanId);
    expect(after.total).toBeGreaterThan(before.total);
  });

  it('reports a single value, which then needs verification again', async () => {
    const manager = await edu.manager.login();
    const res = await manager.post(`/api/plans/${eduPlanId}/values`, {
      indicatorCode: 'A1',
      period: '2031-Q4',
      value: 96.5,
      note: '四季度',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().value).toMatchObject({ indicatorCode: 'A1', period: '2031-Q4', status: 'reported' });
  });

  it('stores a bulk report all or nothing, naming each bad row', async () => {
    const manager = await edu.manager.login();
    const before = (await manager.get(`/api/plans/${eduPlanId}/values`)).json().items.length;
    const bad = await manager.post(`/api/plans/${eduPlanId}/values/bulk`, {
      rows: [
        { indicatorCode: 'A1', period: '2031-Q3', value: 90 },
        { indicatorCode: 'A', period: '2031-Q3', value: 1 },
        { indicatorCode: 'ZZ', period: '2031-Q3', value: 1 },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual([
      'rows.1.indicatorCode',
      'rows.2.indicatorCode',
    ]);
    const badType = await manager.post(`/api/plans/${eduPlanId}/values/bulk`, {
      rows: [{ indicatorCode: 'A1', period: 'Q3', value: 'lots' }],
    });
    expect(
      badType
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['rows.0.period', 'rows.0.value']);
    expect((await manager.get(`/api/plans/${eduPlanId}/values`)).json().items.length).toBe(before);
    const ok = await manager.post(`/api/plans/${eduPlanId}/values/bulk`, {
      rows: [
        { indicatorCode: 'A1', period: '2031-Q3', value: 90 },
        { indicatorCode: 'A2', period: '2031-Q3', value: 88 },
      ],
    });
    expect(ok.json()).toEqual({ inserted: 2 });
  });

  it('imports XLSX and reports CSV problems row by row', async () => {
    const manager = await edu.manager.login();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('values');
    ws.addRow(['indicatorCode', 'period', 'value', 'note']);
    ws.addRow(['B1', '2031-H1', 93.2, '上半年']);
    ws.addRow(['B2', '2031-H1', 91, '']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const up = multipart('values.xlsx', xlsx);
    const url = `/api/plans/${eduPlanId}/values/import?wait=true`;
    const res = await manager.raw({ method: 'POST', url, ...up });
    expect(res.json()).toEqual({ inserted: 2 });

    const csv = Buffer.from('indicatorCode,period,value,note\nB1,2031-H2,94,ok\nB2,2031 H2,abc,\n');
    const bad = await manager.raw({ method: 'POST', url, ...multipart('v.csv', csv) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual([
      'rows.1.period',
      'rows.1.value',
    ]);
    const exe = await manager.raw({ method: 'POST', url, ...multipart('v.exe', csv) });
    expect(exe.json().details).toEqual([{ path: 'file', message: 'unsupported file type' }]);
  });

  it('imports a file as a job: 202, progress to 100, the count as its result, the upload deleted', async () => {
    const manager = await edu.manager.login();
    const rows = ['indicatorCode,period,value,note'];
    for (let m = 1; m <= 12; m++)
      for (const code of ['A1', 'A2', 'B1', 'B2'])
        rows.push(`${code},2032-${String(m).padStart(2, '0')},${m * 5},month ${m}`);
    const url = `/api/plans/${eduPlanId}/values/import`;
    const progress: { id: string; progress: number; message?: string }[] = [];
    t.app.jobs.events.on('progress', (e) => progress.push(e));
    const res = await manager.raw({
      method: 'POST',
      url,
      ...multipart('v.csv', Buffer.from(rows.join('\n'))),
    });
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    expect((await t.app.jobs.wait(jobId)).state).toBe('completed');
    // Progress by the bytes parsed: the file is one stored chunk, so one step to 95 %, then done.
    expect(progress.filter((e) => e.id === jobId).map((e) => [e.progress, e.message])).toEqual([
      [0, 'reading'],
      [95, 'importing'],
      [100, 'done'],
    ]);
    const job = (await manager.get(`/api/jobs/${jobId}`)).json();
    expect(job).toMatchObject({
      kind: 'values.import',
      state: 'completed',
      progress: 100,
      result: { inserted: 48 },
    });
    expect(job.input).toMatchObject({ planId: eduPlanId, filename: 'v.csv', bytes: rows.join('\n').length });
    const stored = (await manager.get(url.replace('/import', ''))).json().items;
    expect(stored.filter((v: { period: string }) => v.period.startsWith('2032-'))).toHaveLength(48);
    // Every value is audited with its row as stored (verify-audit recomputes the same hash).
    expect((await verifyAudit(t.db)).problems).toEqual([]);
    const [left] = await t.db.select({ n: count() }).from(jobFiles).where(eq(jobFiles.jobId, jobId));
    expect(left.n).toBe(0);
    // Another unit's manager sees neither the job nor can import: 403 at once, nothing queued.
    const other = await fin.manager.login();
    expect((await other.get(`/api/jobs/${jobId}`)).statusCode).toBe(404);
    const refused = await other.raw({
      method: 'POST',
      url,
      ...multipart('v.csv', Buffer.from(rows.join('\n'))),
    });
    expect(refused.statusCode).toBe(403);
  });

  it('audits imported values in the database exactly as the server hashes them (odd numbers and notes)', async () => {
    const values = ['1e21', '1e-7', '0.1', '-0', '123456789.123456789', '5e-324', '-2.5e-300', '1e20', '42'];
    const notes = ['"quoted", comma', 'back\\slash \\u0041', '中文 ✓ 😀', 'tab\there', '', 'x'];
    const csv = (round: number) =>
      [
        'indicatorCode,period,value,note',
        ...values.map(
          (v, i) =>
            `A${(i % 2) + 1},2034-${String(i + 1).padStart(2, '0')},${v},"${(notes[i % notes.length] + round).replace(/"/g, '""')}"`,
        ),
      ].join('\n');
    // Twice: the second import updates every row (version 2, a new entry each).
    for (const round of [1, 2])
      expect(
        await importValues(t.db, edu.manager.actor, eduPlanId, Buffer.from(csv(round)), 'v.csv'),
      ).toEqual({
        inserted: values.length,
      });
    const stored = await t.db.select().from(actualValues).where(like(actualValues.period, '2034-%'));
    expect(stored).toHaveLength(values.length);
    const entries = await t.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, 'value.report'),
          inArray(
            auditLog.entityId,
            stored.map((v) => v.id),
          ),
        ),
      )
      .orderBy(asc(auditLog.seq));
    expect(entries).toHaveLength(2 * values.length);
    for (const v of stored) {
      expect(v.version).toBe(2);
      const latest = entries.filter((e) => e.entityId === v.id).at(-1)!;
      expect(latest.entityHash).toBe(entityHash(v));
      expect(latest.hash).toBe(entryHash(latest, 'sha256'));
      expect(latest).toMatchObject({
        actorId: edu.manager.actor.id,
        entityType: 'actual_value',
        prevHash: null,
      });
      expect(latest.data).toEqual({
        planId: eduPlanId,
        indicatorCode: v.indicatorCode,
        period: v.period,
        value: v.value,
      });
    }
    expect(stored.map((v) => v.note).sort()).toEqual(
      values.map((_, i) => `${notes[i % notes.length]}2`).sort(),
    );
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });

  it('refuses a whole file for one bad row, also as a job, naming every problem with its sheet row', async () => {
    const manager = await edu.manager.login();
    const before = (await manager.get(`/api/plans/${eduPlanId}/values`)).json().items.length;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('values');
    ws.addRow(['indicatorCode', 'period', 'value']);
    for (let i = 0; i < 3000; i++) ws.addRow(['A1', `${3000 + i}`, i]);
    ws.addRow(['ZZ', '2033', 1]);
    ws.addRow(['A1', '3000', 2]);
    const url = `/api/plans/${eduPlanId}/values/import`;
    const res = await manager.raw({
      method: 'POST',
      url,
      ...multipart('v.xlsx', Buffer.from(await wb.xlsx.writeBuffer())),
    });
    expect(res.statusCode).toBe(202);
    const job = await t.app.jobs.wait(res.json().jobId);
    // A refusal is the caller's: failed at once, never retried.
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(job.lastError).toMatchObject({
      status: 400,
      message: '2 problem(s) in the file; nothing was stored',
      details: [
        { path: 'rows.3000.indicatorCode', message: 'row 3002: no leaf indicator ZZ in this plan' },
        { path: 'rows.3001.period', message: 'row 3003: A1 3000 appears twice' },
      ],
    });
    // The first 3,000 rows had been written inside the job's transaction: none of them stayed.
    expect((await manager.get(`/api/plans/${eduPlanId}/values`)).json().items.length).toBe(before);
    // A renamed file is refused before anything is queued.
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(200)]);
    const fake = await manager.raw({ method: 'POST', url, ...multipart('v.xlsx', exe) });
    expect(fake.statusCode).toBe(400);
    expect(fake.json().details).toEqual([{ path: 'file', message: 'unreadable' }]);
  });

  /** A values file of `n` rows over the four leaves, monthly from 2100, each value `value(i)`. */
  const bigCsv = (
    n: number,
    value: (i: number) => string,
    row: (i: number) => string | null = () => null,
  ) => {
    const codes = ['A1', 'A2', 'B1', 'B2'];
    const lines = ['indicatorCode,period,value,note'];
    for (let i = 0; i < n; i++) {
      const month = Math.floor(i / 4);
      lines.push(
        row(i) ??
          `${codes[i % 4]},${2100 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')},${value(i)},${i % 7 ? '' : `第 ${i} 行`}`,
      );
    }
    return Buffer.from(lines.join('\n'));
  };
  const planValues = (planId: string) =>
    t.db.select().from(actualValues).where(eq(actualValues.planId, planId));
  const entryCount = async (action?: string) =>
    (
      await t.db
        .select({ n: count() })
        .from(auditLog)
        .where(action ? eq(auditLog.action, action) : undefined)
    )[0].n;

  it('stores a file of several batches all or nothing: a bad row or a duplicate near the end stores nothing', async () => {
    const n = 25_000;
    const entries = await entryCount();
    // The last row's value is not a number: the batches written before it are rolled back.
    const bad = bigCsv(n, (i) => (i === n - 1 ? 'n/a' : String(i)));
    await expect(importValues(t.db, big.manager.actor, big.planId, bad, 'v.csv')).rejects.toMatchObject({
      statusCode: 400,
      details: [{ path: `rows.${n - 1}.value`, message: `row ${n + 1}: 'n/a' is not a number` }],
    });
    // Row 24,990 repeats the key of row 3.
    const twice = bigCsv(
      n,
      (i) => String(i),
      (i) => (i === 24_990 ? 'B2,2100-01,1,' : null),
    );
    await expect(importValues(t.db, big.manager.actor, big.planId, twice, 'v.csv')).rejects.toMatchObject({
      statusCode: 400,
      details: [{ path: 'rows.24990.period', message: 'row 24992: B2 2100-01 appears twice' }],
    });
    expect(await planValues(big.planId)).toHaveLength(0);
    expect(await entryCount()).toBe(entries);
  });

  it('imports a file of several batches into an empty plan, then again as updates, every row audited', async () => {
    const n = 25_000;
    const entries = await entryCount('value.report');
    const first = await importValues(
      t.db,
      big.manager.actor,
      big.planId,
      bigCsv(n, (i) => `${i}.5`),
      'v.csv',
    );
    expect(first).toEqual({ inserted: n });
    const stored = await planValues(big.planId);
    expect(stored).toHaveLength(n);
    expect(new Set(stored.map((v) => v.version))).toEqual(new Set([1]));
    expect(stored.find((v) => v.indicatorCode === 'B1' && v.period === '2100-01')).toMatchObject({
      value: 2.5,
      note: null,
      status: 'reported',
      reportedBy: big.manager.actor.id,
    });
    expect(await entryCount('value.report')).toBe(entries + n);
    // A verified value reported again needs verification again.
    const verified = stored.find((v) => v.indicatorCode === 'A1' && v.period === '2100-01')!;
    const verifier = await verifierUser.login();
    expect(
      (await verifier.post(`/api/values/${verified.id}/verify`, { decision: 'verified', version: 1 })).json()
        .value.status,
    ).toBe('verified');
    // The plan has values now: each row updates the stored one (same id, version 2, a new entry).
    const again = await importValues(
      t.db,
      big.manager.actor,
      big.planId,
      bigCsv(n, (i) => `-${i}`),
      'v.csv',
    );
    expect(again).toEqual({ inserted: n });
    const updated = await planValues(big.planId);
    expect(updated).toHaveLength(n);
    expect(new Set(updated.map((v) => v.version))).toEqual(new Set([2]));
    expect(updated.find((v) => v.id === verified.id)).toMatchObject({
      value: 0,
      status: 'reported',
      verifiedBy: null,
      verifiedAt: null,
    });
    expect(await entryCount('value.report')).toBe(entries + 2 * n);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });

  it('refuses a verification of a value reported again since it was read (version conflict)', async () => {
    const manager = await edu.manager.login();
    const first = (
      await manager.post(`/api/plans/${eduPlanId}/values`, {
        indicatorCode: 'B2',
        period: '2031-Q1',
        value: 80,
      })
    ).json().value;
    const verifier = await verifierUser.login();
    // The verifier reviews version 1 while the unit reports the figure again (version 2).
    const second = (
      await manager.post(`/api/plans/${eduPlanId}/values`, {
        indicatorCode: 'B2',
        period: '2031-Q1',
        value: 85,
      })
    ).json().value;
    expect(second).toMatchObject({ id: first.id, version: first.version + 1, value: 85 });
    const stale = await verifier.post(`/api/values/${first.id}/verify`, {
      decision: 'verified',
      version: first.version,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'version_conflict',
      details: [{ path: 'version', message: `stale: current version is ${second.version}` }],
    });
    const ok = await verifier.post(`/api/values/${first.id}/verify`, {
      decision: 'verified',
      version: second.version,
    });
    expect(ok.json().value).toMatchObject({ status: 'verified', value: 85, version: second.version });
  });

  it('refuses values for another unit’s plan', async () => {
    const other = await fin.manager.login();
    const res = await other.post(`/api/plans/${eduPlanId}/values`, {
      indicatorCode: 'A1',
      period: '2031',
      value: 1,
    });
    expect(res.statusCode).toBe(403);
    expect((await other.get(`/api/plans/${eduPlanId}/values`)).statusCode).toBe(403);
  });
});

describe('references of a value (checked per statement, migration 0035)', () => {
  const code = (e: { code?: string; cause?: { code?: string } }) => e.cause?.code ?? e.code;
  const refused = (q: Promise<unknown>) =>
    q.then(
      () => null,
      (e: { code?: string; cause?: { code?: string } }) => code(e),
    );

  it('refuses a value of no plan or by no user, keeps reporters and deletes a deleted plan’s values', async () => {
    const f = factory(t, 'valrefs');
    const org = await f.org();
    const reporter = await f.user([{ role: 'unit_manager', orgUnitId: org.id }]);
    const cycle = await f.cycle({ year: 2033, stage: 'planning' });
    const plan = await f.plan({ cycleId: cycle.id, orgUnitId: org.id, tree: TREE });
    const insert = (planId: string, by: string | null, verifiedBy: string | null = null) =>
      t.db
        .execute(sql`insert into actual_values (plan_id, indicator_code, period, value, reported_by, verified_by)
        values (${planId}::uuid, 'A1', ${`2031-0${Math.floor(Math.random() * 9) + 1}`}, 1, ${by}::uuid, ${verifiedBy}::uuid)`);
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect(await refused(insert(ghost, reporter.actor.id))).toBe('23503');
    expect(await refused(insert(plan.id, ghost))).toBe('23503');
    expect(await refused(insert(plan.id, reporter.actor.id, ghost))).toBe('23503');
    await insert(plan.id, reporter.actor.id);
    const [{ id }] = await t.db
      .select({ id: actualValues.id })
      .from(actualValues)
      .where(eq(actualValues.planId, plan.id));
    expect(
      await refused(
        t.db.execute(sql`update actual_values set reported_by = ${ghost}::uuid where id = ${id}::uuid`),
      ),
    ).toBe('23503');
    // A user who reported a value stays.
    expect(await refused(t.db.execute(sql`delete from users where id = ${reporter.actor.id}::uuid`))).toBe(
      '23503',
    );
    await t.db.execute(sql`delete from plans where id = ${plan.id}::uuid`);
    expect(await t.db.select().from(actualValues).where(eq(actualValues.planId, plan.id))).toEqual([]);
  });
});

describe('key columns compare bytes (migration 0040)', () => {
  it('declares the text columns of actual_values_unique and ratings_unique COLLATE "C"', async () => {
    const columns = await rowsOf<{ table_name: string; column_name: string; collation_name: string | null }>(
      t.db,
      sql`select table_name, column_name, collation_name from information_schema.columns
          where table_schema = 'public' and table_name in ('actual_values', 'ratings')
            and column_name in ('indicator_code', 'period', 'subject_type')
          order by table_name, column_name`,
    );
    expect(columns).toEqual([
      { table_name: 'actual_values', column_name: 'indicator_code', collation_name: 'C' },
      { table_name: 'actual_values', column_name: 'period', collation_name: 'C' },
      { table_name: 'ratings', column_name: 'indicator_code', collation_name: 'C' },
      { table_name: 'ratings', column_name: 'subject_type', collation_name: 'C' },
    ]);
  });
});
