import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import type { IndicatorNodeInput } from '@perfcommons/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { rowsOf } from '../../db/client';
import { actualValues, cycles, results } from '../../db/schema';
import type { Db } from '../../db/client';
import { verifyAudit } from '../audit/service';
import { computeCycleResults } from '../results/service';

let t: TestApp;
let f: Factory;
let office: Client;
let unit: { id: string; code: string; name: string };
let other: { id: string; code: string };
let manager: FactoryUser;
let otherManager: FactoryUser;
let verifier: FactoryUser;
let cycleId: string;
let planId: string;

/** Two data leaves fed by linkage, and a deduction item for findings (1 point per unit, capped at 5). */
const TREE: IndicatorNodeInput[] = [
  {
    code: 'S',
    name: '政务服务',
    nameEn: 'Public service',
    weight: 100,
    children: [
      {
        code: 'S1',
        name: '12345 按期办结率',
        nameEn: '12345 on-time closure',
        weight: 50,
        unit: '%',
        rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
      {
        code: 'S2',
        name: '12345 满意率',
        nameEn: '12345 satisfaction',
        weight: 50,
        unit: '%',
        rule: { type: 'linear', baseline: 0, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
    ],
  },
  {
    code: 'H1',
    name: '审计、巡察、财政问题扣分',
    nameEn: 'Findings of audit, inspection and finance',
    weight: 5,
    kind: 'deduction',
    unit: '项',
    rule: { type: 'perUnit', points: 1 },
  },
];

const HEADER =
  '工单编号,来电时间,诉求类型,诉求分类,承办单位,签收时间,办理时限,办结时间,是否按期办结,是否解决,满意度';
const RESOLVED = ['已解决', '已解决', '已解决', '已解决', '部分解决', '未解决'];
const SATISFIED = ['满意', '满意', '满意', '基本满意', '不满意'];

/**
 * The worked example (docs/linkage.md): 10 orders in March 2031; 9 accepted within 2 hours; 8 due in
 * March of which 7 closed on time; 6 return visits (4 已解决, 1 部分解决, 1 未解决); 5 rated (3 满意,
 * 1 基本满意, 1 不满意). The unit is named by code in even rows and by name in odd ones.
 */
function workedExample(opts: { resolved?: string[] } = {}) {
  const lines = [HEADER];
  const resolved = opts.resolved ?? RESOLVED;
  for (let i = 0; i < 10; i++) {
    const d = (n: number) => `2031-03-${String(n).padStart(2, '0')}`;
    const accepted = i === 9 ? `${d(2 + i)} 11:30` : `${d(2 + i)} 10:00`;
    const deadline = i >= 8 ? '2031-04-02' : d(10 + i);
    const closed = i === 7 ? `${d(18 + i)} 10:00` : `${d(2 + i)} 16:00`;
    lines.push(
      [
        `2031030${i}00${i}`,
        `${d(2 + i)} 09:00`,
        '求助',
        '教育',
        i % 2 ? unit.name : unit.code,
        accepted,
        deadline,
        closed,
        '',
        resolved[i] ?? '',
        SATISFIED[i] ?? '未评价',
      ].join(','),
    );
  }
  return Buffer.from(lines.join('\n') + '\n');
}

function send(client: Client, url: string, name: string, content: Buffer) {
  const { payload, headers } = multipart(name, content);
  return t.app.inject({ method: 'POST', url, payload, headers: { ...client.headers, ...headers } });
}
/** A preview, or a commit waited for (`?wait=true`: the job's answer, as the request gave before). */
const importFile = (client: Client, step: 'preview' | 'commit', content: Buffer, name = 'orders.csv') =>
  send(client, `/api/linkage/import/hotline/${step}${step === 'commit' ? '?wait=true' : ''}`, name, content);

const rowCount = async (table: string) =>
  Number((await rowsOf<{ n: string }>(t.db, sql.raw(`select count(*) as n from ${table}`)))[0].n);
/** Linkage rows there before the tests (the setup writes none: counted, not assumed). */
const rowsBefore = new Map<string, number>();
/** Rows the tests added to a table. */
const count = async (table: string) => (await rowCount(table)) - (rowsBefore.get(table) ?? 0);
/** The last audit entry before the tests: the tests read their own entries after it. */
let seqBefore = 0;

type Rate = {
  unitId: string;
  period: string;
  metric: string;
  numerator: number;
  denominator: number;
  rate: number | null;
};
const rateOf = (items: Rate[], metric: string, period: string) =>
  items.find((r) => r.unitId === unit.id && r.metric === metric && r.period === period);

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own units, accounts, cycle and plan (test/factories.ts).
  f = factory(t);
  office = await (await f.user([{ role: 'office' }])).login();
  for (const table of ['linkage_records', 'linkage_batches', 'linkage_findings'])
    rowsBefore.set(table, await rowCount(table));
  [{ seq: seqBefore }] = await rowsOf<{ seq: number }>(t.db, sql`select max(seq)::int as seq from audit_log`);
  const u = await f.org({ name: '测试教育局' });
  unit = { ...u, name: '测试教育局' };
  other = await f.org();
  manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  otherManager = await f.user([{ role: 'unit_manager', orgUnitId: other.id }]);
  verifier = await f.user([{ role: 'verifier' }]);
  const c = await f.cycle({ stage: 'planning' });
  cycleId = c.id;
  planId = (await f.plan({ cycleId, orgUnitId: unit.id, tree: TREE })).id;
  await f.stage(cycleId, 'evaluation');
});
afterAll(() => t?.close());

describe('hotline import', () => {
  it('previews row errors by sheet row and field, and commits nothing when one row is wrong', async () => {
    const bad = Buffer.from(
      [
        HEADER,
        `X1,2031-03-02 09:00,求助,教育,${unit.code},,,,,已解决,满意`,
        `X2,2031-03-02 09:00,求助,教育,没有这个单位,,,,,已解决,满意`,
        `X3,2031-02-30 09:00,求助,教育,${unit.code},,,,,也许,很好`,
        `X1,2031-03-02 09:00,求助,教育,${unit.code},,,,,,`,
      ].join('\n'),
    );
    const preview = await importFile(office, 'preview', bad);
    expect(preview.statusCode).toBe(200);
    const body = preview.json();
    expect(body.ok).toBe(false);
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual([
      'rows.3.unit',
      'rows.4.receivedAt',
      'rows.4.resolution',
      'rows.4.satisfaction',
      'rows.5.id',
    ]);
    expect(body.summary).toEqual({ create: 1, update: 0, unchanged: 0, error: 3 });
    const commit = await importFile(office, 'commit', bad);
    expect(commit.statusCode).toBe(400);
    expect(commit.json().error).toBe('import_invalid');
    expect(await count('linkage_records')).toBe(0);
    expect(await count('linkage_batches')).toBe(0);
  });

  it('commits as a job: 202, the import as its result; a file with problems fails it with them', async () => {
    const bad = Buffer.from(
      [HEADER, `J1,2031-03-02 09:00,求助,教育,没有这个单位,,,,,已解决,满意`].join('\n'),
    );
    const queued = await send(office, '/api/linkage/import/hotline/commit', 'bad.csv', bad);
    expect(queued.statusCode).toBe(202);
    const failed = await t.app.jobs.wait(queued.json().jobId);
    // A refusal is not retried: one attempt, its rows named as the request named them.
    expect(failed).toMatchObject({
      kind: 'linkage.import',
      state: 'failed',
      attempts: 1,
      input: { source: 'hotline', filename: 'bad.csv', bytes: bad.length },
      lastError: { status: 400, error: 'import_invalid', details: [{ path: 'rows.2.unit' }] },
    });
    expect(await count('linkage_records')).toBe(0);
    // The upload is deleted with the ended job.
    const files = await rowsOf<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from job_files where job_id = ${failed.id}`,
    );
    expect(files[0].n).toBe(0);
    // Who may is answered at once: no job for a unit manager.
    const jobs = async () =>
      (await rowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from jobs`))[0].n;
    const before = await jobs();
    const asManager = await manager.login();
    const refused = await send(
      asManager,
      '/api/linkage/import/hotline/commit',
      'orders.csv',
      workedExample(),
    );
    expect(refused.statusCode).toBe(403);
    expect(await jobs()).toBe(before);
  });

  it('computes the worked example’s rates exactly', async () => {
    const res = await importFile(office, 'commit', workedExample());
    expect(res.statusCode).toBe(200);
    expect(res.json().summary).toEqual({ create: 10, update: 0, unchanged: 0, error: 0 });
    expect(res.json().batchId).toBeTruthy();
    const rates = (await office.get(`/api/linkage/rates?unitId=${unit.id}`)).json().items as Rate[];
    expect(rateOf(rates, 'response_rate', '2031-03')).toMatchObject({
      numerator: 9,
      denominator: 10,
      rate: 90,
    });
    expect(rateOf(rates, 'on_time_rate', '2031-03')).toMatchObject({
      numerator: 7,
      denominator: 8,
      rate: 87.5,
    });
    expect(rateOf(rates, 'resolution_rate', '2031-03')).toMatchObject({ numerator: 4, denominator: 6 });
    expect(rateOf(rates, 'resolution_rate', '2031-03')!.rate!.toFixed(1)).toBe('66.7');
    expect(rateOf(rates, 'satisfaction_rate', '2031-03')).toMatchObject({
      numerator: 4,
      denominator: 5,
      rate: 80,
    });
    // The two orders due in April count there.
    expect(rateOf(rates, 'on_time_rate', '2031-04')).toMatchObject({ numerator: 2, denominator: 2 });
    const year = (await office.get(`/api/linkage/rates?unitId=${unit.id}&granularity=year`)).json().items;
    expect(rateOf(year, 'on_time_rate', '2031')).toMatchObject({ numerator: 9, denominator: 10, rate: 90 });
    const batches = (await office.get('/api/linkage/batches')).json().items;
    expect(batches[0]).toMatchObject({ source: 'hotline', rows: 10, created: 10, filename: 'orders.csv' });
    const audit = await rowsOf<{ data: { created: string[] } }>(
      t.db,
      sql`select data from audit_log where action = 'linkage.import' and seq > ${seqBefore}`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].data.created).toHaveLength(10);
  });

  it('is idempotent on re-import and updates a changed record', async () => {
    const again = await importFile(office, 'commit', workedExample());
    expect(again.json()).toMatchObject({ summary: { create: 0, update: 0, unchanged: 10 }, batchId: null });
    expect(await count('linkage_records')).toBe(10);
    expect(await count('linkage_batches')).toBe(1);
    // April's export: order 5 (未解决 in March) is now resolved; same id, new state. As XLSX.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('工单');
    const changed = workedExample({ resolved: [...RESOLVED.slice(0, 5), '已解决'] }).toString('utf8');
    for (const line of changed.trim().split('\n')) ws.addRow(line.split(','));
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const preview = (await importFile(office, 'preview', xlsx, 'april.xlsx')).json();
    expect(preview.summary).toEqual({ create: 0, update: 1, unchanged: 9, error: 0 });
    expect(preview.rows.find((r: { action: string }) => r.action === 'update')).toMatchObject({
      key: '20310305005',
      changes: ['resolution'],
    });
    const res = await importFile(office, 'commit', xlsx, 'april.xlsx');
    expect(res.json().summary.update).toBe(1);
    expect(await count('linkage_records')).toBe(10);
    const rates = (await office.get(`/api/linkage/rates?unitId=${unit.id}`)).json().items;
    expect(rateOf(rates, 'resolution_rate', '2031-03')).toMatchObject({ numerator: 5, denominator: 6 });
    // Back to March's state for the tests below.
    await importFile(office, 'commit', workedExample());
  });

  it('lets only the office import, and shows a unit its own rates only', async () => {
    const asManager = await manager.login();
    expect((await importFile(asManager, 'preview', workedExample())).statusCode).toBe(403);
    expect((await importFile(asManager, 'commit', workedExample())).statusCode).toBe(403);
    expect((await asManager.get('/api/linkage/batches')).statusCode).toBe(403);
    const own = (await asManager.get('/api/linkage/rates')).json().items as Rate[];
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => r.unitId === unit.id)).toBe(true);
    const asOther = await otherManager.login();
    expect((await asOther.get('/api/linkage/rates')).json().items).toEqual([]);
    expect((await t.anon.get('/api/linkage/rates')).statusCode).toBe(401);
  });
});

describe('feeding rates into a cycle', () => {
  it('enters mapped rates as pending values that verification then accepts', async () => {
    expect((await office.post(`/api/cycles/${cycleId}/linkage/feed`, {})).statusCode, 'no mapping yet').toBe(
      400,
    );
    for (const [indicatorCode, metric] of [
      ['S1', 'on_time_rate'],
      ['S2', 'satisfaction_rate'],
    ]) {
      const res = await office.post(`/api/cycles/${cycleId}/linkage/mappings`, { indicatorCode, metric });
      expect(res.statusCode).toBe(200);
    }
    expect((await office.get(`/api/cycles/${cycleId}/linkage/mappings`)).json().items).toHaveLength(2);
    const asManager = await manager.login();
    expect(
      (
        await asManager.post(`/api/cycles/${cycleId}/linkage/mappings`, {
          indicatorCode: 'S1',
          metric: 'response_rate',
        })
      ).statusCode,
    ).toBe(403);
    expect((await asManager.post(`/api/cycles/${cycleId}/linkage/feed`, {})).statusCode).toBe(403);

    const res = await office.post(`/api/cycles/${cycleId}/linkage/feed`, {});
    expect(res.statusCode).toBe(200);
    const feed = res.json().feed;
    expect(feed.period).toBe('2031');
    const s1 = feed.items.find((i: { indicatorCode: string }) => i.indicatorCode === 'S1');
    const s2 = feed.items.find((i: { indicatorCode: string }) => i.indicatorCode === 'S2');
    // The year: 9 of the 10 orders due in 2031 closed on time; 4 of 5 rated orders satisfied.
    expect(s1).toMatchObject({
      planId,
      metric: 'on_time_rate',
      numerator: 9,
      denominator: 10,
      rate: 90,
      skipped: null,
    });
    expect(s2).toMatchObject({ rate: 80, skipped: null });
    // Evidence: the batches that last changed the records counted (March's, and the re-import).
    expect(s1.batchIds).toHaveLength(2);
    const values = await t.db.select().from(actualValues).where(eq(actualValues.planId, planId));
    expect(values.map((v) => [v.indicatorCode, v.period, v.value, v.status]).sort()).toEqual([
      ['S1', '2031', 90, 'reported'],
      ['S2', '2031', 80, 'reported'],
    ]);
    expect(values[0].note).toContain(`feed ${feed.id}`);
    expect(values[0].note).toContain(s1.batchIds[0]);

    const v = await verifier.login();
    for (const value of values) {
      const ok = await v.post(`/api/values/${value.id}/verify`, {
        decision: 'verified',
        version: value.version,
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().value.status).toBe('verified');
    }
    // Feeding the same rates again leaves the verified values alone.
    const again = (await office.post(`/api/cycles/${cycleId}/linkage/feed`, {})).json().feed;
    expect(again.id).toBeNull();
    expect(again.items.map((i: { skipped: string }) => i.skipped)).toEqual(['unchanged', 'unchanged']);
    const after = await t.db.select().from(actualValues).where(eq(actualValues.planId, planId));
    expect(after.every((x) => x.status === 'verified')).toBe(true);
    // A month without records gets no value, not 0.
    const empty = (await office.post(`/api/cycles/${cycleId}/linkage/feed`, { period: '2031-07' })).json()
      .feed;
    expect(empty.items.map((i: { skipped: string }) => i.skipped)).toEqual(['no_records', 'no_records']);
  });
});

describe('findings of audit, inspection and finance', () => {
  const finding = {
    indicatorCode: 'H1',
    kind: 'audit',
    docTitle: '关于测试教育局2031年度预算执行情况的审计报告',
    docNumber: '测审报〔2031〕12号',
    docDate: '2031-06-30',
    description: '专项资金未按规定用途使用',
    points: 2,
  };
  const total = async () => {
    await computeCycleResults(t.db, await f.office(), cycleId);
    const [r] = await t.db.select().from(results).where(eq(results.planId, planId));
    return r;
  };

  it('deducts its points in the score and names its source in the breakdown', async () => {
    const before = await total();
    expect(before.total).toBeCloseTo(85, 9);
    expect(before.deduction).toBe(0);

    const asManager = await manager.login();
    expect((await asManager.post(`/api/cycles/${cycleId}/findings`, { ...finding, planId })).statusCode).toBe(
      403,
    );
    const wrongItem = await office.post(`/api/cycles/${cycleId}/findings`, {
      ...finding,
      planId,
      indicatorCode: 'S1',
    });
    expect(wrongItem.statusCode).toBe(400);
    expect(wrongItem.json().details[0].path).toBe('indicatorCode');

    const res = await office.post(`/api/cycles/${cycleId}/findings`, { ...finding, planId });
    expect(res.statusCode).toBe(201);
    const id = res.json().finding.id;
    expect(res.json().finding).toMatchObject({ status: 'active', points: 2, can: { withdraw: true } });

    const after = await total();
    expect(after.deduction).toBe(2);
    expect(after.total).toBeCloseTo(before.total - 2, 9);
    const detail = (await office.get(`/api/results/${after.id}`)).json();
    const h1 = detail.breakdown.find((n: { code: string }) => n.code === 'H1');
    expect(h1).toMatchObject({ kind: 'deduction', contribution: -2 });
    expect(h1.findings).toEqual([
      expect.objectContaining({
        id,
        kind: 'audit',
        docNumber: finding.docNumber,
        docTitle: finding.docTitle,
        points: 2,
      }),
    ]);

    // A second finding of 4 points: the item is capped at its weight, 5.
    const second = await office.post(`/api/cycles/${cycleId}/findings`, {
      ...finding,
      planId,
      kind: 'discipline',
      docTitle: '巡察反馈意见',
      docNumber: '测巡〔2031〕3号',
      points: 4,
    });
    expect(second.statusCode).toBe(201);
    expect((await total()).deduction).toBe(5);

    // A unit sees its own findings, not another unit's.
    expect((await asManager.get(`/api/cycles/${cycleId}/findings`)).json().items).toHaveLength(2);
    const asOther = await otherManager.login();
    expect((await asOther.get(`/api/cycles/${cycleId}/findings`)).json().items).toEqual([]);

    // Withdrawn with a reason (audited), never deleted: it deducts nothing from then on.
    expect((await office.post(`/api/findings/${second.json().finding.id}/withdraw`, {})).statusCode).toBe(
      400,
    );
    const w = await office.post(`/api/findings/${second.json().finding.id}/withdraw`, {
      reason: '复核后不属实',
    });
    expect(w.statusCode).toBe(200);
    expect(w.json().finding).toMatchObject({ status: 'withdrawn', withdrawnReason: '复核后不属实' });
    expect((await total()).deduction).toBe(2);
    expect(await count('linkage_findings')).toBe(2);
    const log = await rowsOf<{ action: string }>(
      t.db,
      sql`select action from audit_log where entity_type = 'linkage_finding' and seq > ${seqBefore} order by seq`,
    );
    expect(log.map((l) => l.action)).toEqual(['finding.record', 'finding.record', 'finding.withdraw']);
  });

  it('is covered by the audit: a finding changed behind the platform’s back is reported', async () => {
    const clean = await verifyAudit(t.db);
    expect(clean.problems.filter((p) => p.entity?.type === 'linkage_finding')).toEqual([]);
    const rollback = new Error('rollback');
    await t.db
      .transaction(async (tx) => {
        const [row] = await rowsOf<{ id: string }>(
          tx,
          sql`update linkage_findings set points = 0.5 where status = 'active' returning id`,
        );
        const report = await verifyAudit(tx as unknown as Db);
        const hit = report.problems.find(
          (p) => p.entity?.type === 'linkage_finding' && p.entity.id === row.id,
        );
        expect(hit?.entity?.tables).toContain('linkage_findings');
        throw rollback;
      })
      .catch((err) => {
        if (err !== rollback) throw err;
      });
  });

  it('attaches the source document and respects the publication freeze', async () => {
    const [first] = (await office.get(`/api/cycles/${cycleId}/findings`))
      .json()
      .items.filter((x: { status: string }) => x.status === 'active');
    const pdf = Buffer.from('%PDF-1.4\n% test\n');
    const up = await send(office, `/api/findings/${first.id}/file`, '审计报告.pdf', pdf);
    expect(up.statusCode).toBe(200);
    expect(up.json().finding.file).toMatchObject({
      name: '审计报告.pdf',
      mimeType: 'application/pdf',
      size: pdf.length,
    });
    const down = await (await manager.login()).get(`/api/findings/${first.id}/file`);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(pdf)).toBe(true);
    const logged = await rowsOf<{ action: string; data: { bytes: number } }>(
      t.db,
      sql`select action, data from audit_log where entity_type = 'linkage_finding_file' and entity_id = ${first.id}`,
    );
    expect(logged).toEqual([
      { action: 'finding.file.download', data: { planId: first.planId, bytes: pdf.length } },
    ]);

    await t.db.update(cycles).set({ resultsPublishedAt: new Date() }).where(eq(cycles.id, cycleId));
    const frozen = await office.post(`/api/cycles/${cycleId}/findings`, { ...finding, planId });
    expect(frozen.statusCode).toBe(409);
    expect(frozen.json().error).toBe('cycle_published');
    expect((await office.post(`/api/findings/${first.id}/withdraw`, { reason: 'x' })).statusCode).toBe(409);
    expect((await office.post(`/api/cycles/${cycleId}/linkage/feed`, {})).statusCode).toBe(409);
    await t.db.update(cycles).set({ resultsPublishedAt: null }).where(eq(cycles.id, cycleId));
  });
});

describe('好差评 reviews', () => {
  it('imports reviews with the review system’s Chinese headers and rates them', async () => {
    const file = Buffer.from(
      [
        '评价编号,评价时间,事项名称,办理部门,评价渠道,评价等级,核实结果,整改状态,整改时限,整改完成时间',
        `H1,2031-05-06 10:00,入学登记,${unit.code},窗口,非常满意,,,,`,
        `H2,2031-05-07 10:00,入学登记,${unit.name},网站,满意,,,,`,
        `H3,2031-05-08 10:00,入学登记,${unit.code},APP,基本满意,,,,`,
        `H4,2031-05-09 10:00,入学登记,${unit.code},短信,不满意,属实,已整改,2031-05-30,2031-05-20 15:00`,
        `H5,2031-05-10 10:00,入学登记,${unit.code},二维码,非常不满意,属实,已整改,2031-05-30,2031-06-10 15:00`,
        `H6,2031-05-11 10:00,入学登记,${unit.code},窗口,不满意,不属实,,,`,
      ].join('\n'),
    );
    const res = await send(office, '/api/linkage/import/review/commit?wait=true', 'reviews.csv', file);
    expect(res.statusCode).toBe(200);
    expect(res.json().summary.create).toBe(6);
    const rates = (await office.get(`/api/linkage/rates?unitId=${unit.id}&period=2031-05`)).json().items;
    // 好评率: 满意 and above ÷ rated = 2/6; 差评整改率: upheld bad reviews rectified by the deadline = 1/2.
    expect(rateOf(rates, 'good_review_rate', '2031-05')).toMatchObject({ numerator: 2, denominator: 6 });
    expect(rateOf(rates, 'rectification_rate', '2031-05')).toMatchObject({
      numerator: 1,
      denominator: 2,
      rate: 50,
    });
    expect(rateOf(rates, 'on_time_rate', '2031-05')).toBeUndefined();
  });
});
