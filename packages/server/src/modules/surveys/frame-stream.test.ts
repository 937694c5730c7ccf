import ExcelJS from 'exceljs';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory } from '../../../test/factories';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { auditLog, jobFiles, surveyFrameUnits } from '../../db/schema';
import { appendAudit, verifyAudit } from '../audit/service';
import { COVERED } from '../audit/coverage';
import { decryptField } from '../../lib/crypto';

let t: TestApp;
let office: Client;
let surveyId: string;

const DISTRICTS = ['东城', '西城', '南城', '北城', '新区'];

/** `n` units over 5 districts × urban/rural, ids F0000000…; `bad` blanks the district of a data row. */
function frameCsv(n: number, opts: { bad?: number; prefix?: string } = {}) {
  const lines = ['\uFEFFid,district,area,contact,note'];
  for (let i = 0; i < n; i++) {
    const district = i === opts.bad ? '' : DISTRICTS[i % 5];
    lines.push(
      `${opts.prefix ?? 'F'}${String(i).padStart(7, '0')},${district},${i % 3 ? 'urban' : 'rural'},138${String(i).padStart(8, '0')},"a, b"`,
    );
  }
  return Buffer.from(lines.join('\n') + '\n');
}

const upload = (csv: Buffer, mode?: 'replace' | 'append') => {
  const { payload, headers } = multipart('frame.csv', csv);
  return office.raw({
    method: 'POST',
    url: `/api/surveys/${surveyId}/frame/import?wait=true${mode ? `&mode=${mode}` : ''}`,
    payload,
    headers,
  });
};

const stored = async () =>
  (await t.db.select({ n: count() }).from(surveyFrameUnits).where(eq(surveyFrameUnits.surveyId, surveyId)))[0]
    .n;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // An empty install: the office is the only account the import needs.
  office = await (await factory(t, 'fs').user([{ role: 'office' }])).login();
  const created = await office.post('/api/surveys', {
    code: 'frame-stream',
    title: '抽样框流式导入',
    strataFields: ['district', 'area'],
    definition: {
      sections: [
        {
          id: 's1',
          title: '满意度',
          questions: [{ id: 'q1', type: 'likert5', text: '总体满意度', required: true }],
        },
      ],
    },
  });
  expect(created.statusCode).toBe(201);
  surveyId = created.json().survey.id;
});
afterAll(async () => t.close());

describe('streamed CSV frame import', () => {
  it('stores 5,000 rows with their strata, one audit entry, the audit chain intact', async () => {
    const res = await upload(frameCsv(5000));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ mode: 'replace', inserted: 5000, replaced: 0, total: 5000 });
    expect(body.ignoredColumns).toEqual(['note']);
    expect(body.strata).toHaveLength(10);
    // 5000 rows over district (i % 5) × area (i % 3 == 0 rural): 东城 rural = i ≡ 0 mod 15 → 334.
    expect(body.strata.find((s: { stratum: string }) => s.stratum === '东城|rural').population).toBe(334);
    expect(body.strata.reduce((x: number, s: { population: number }) => x + s.population, 0)).toBe(5000);
    expect(await stored()).toBe(5000);
    const [unit] = await t.db
      .select()
      .from(surveyFrameUnits)
      .where(and(eq(surveyFrameUnits.surveyId, surveyId), eq(surveyFrameUnits.externalId, 'F0000007')));
    expect(unit).toMatchObject({
      stratum: '南城|urban',
      profile: { district: '南城', area: 'urban' },
    });
    // The contact is personal data: encrypted at rest (PIPL), readable only with the key.
    expect(unit.contact).toMatch(/^enc:v1:/);
    expect(unit.contact).not.toContain('13800000007');
    expect(decryptField(unit.contact!)).toBe('13800000007');
    const entries = await t.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'survey.frame'), eq(auditLog.entityId, surveyId)));
    // appendAudit may add a companion entry (data null) beside the one the import writes.
    expect(entries.map((e) => e.data).filter(Boolean)).toEqual([
      { rows: 5000, mode: 'replace', replaced: 0, total: 5000 },
    ]);
    const report = await verifyAudit(t.db);
    expect(report.problems).toEqual([]);
  });

  it('asks for a mode once a frame exists', async () => {
    const res = await upload(frameCsv(10, { prefix: 'G' }));
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('frame_exists');
  });

  it('refuses the whole file for one bad row, naming its file row, and keeps the old frame', async () => {
    // Data row 3,000 (index 2999) is line 3001 of the file (the header is line 1).
    const res = await upload(frameCsv(5000, { prefix: 'H', bad: 2999 }), 'replace');
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ path: 'rows.2999.district', message: 'row 3001: empty' }]);
    expect(res.json().message).toMatch(/^1 problem\(s\)/);
    expect(await stored()).toBe(5000);
    const [{ n }] = await t.db
      .select({ n: count() })
      .from(surveyFrameUnits)
      .where(and(eq(surveyFrameUnits.surveyId, surveyId), eq(surveyFrameUnits.externalId, 'H0000000')));
    expect(n).toBe(0);
  });

  it('lists duplicates and ids already in the frame when appending', async () => {
    const csv = Buffer.from('id,district,area\nF0000001,东城,urban\nN1,东城,urban\nN1,东城,urban\n');
    const res = await upload(csv, 'append');
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      { path: 'rows.0.id', message: 'row 2: already in the frame' },
      { path: 'rows.2.id', message: 'row 4: duplicate of rows.1' },
    ]);
    const ok = await upload(Buffer.from('id,district,area\nN1,东城,urban\nN2,西城,rural\n'), 'append');
    expect(ok.json()).toMatchObject({ mode: 'append', inserted: 2, replaced: 0, total: 5002 });
  });

  it('re-imports in replace mode: the new file is the whole frame', async () => {
    const res = await upload(frameCsv(3000, { prefix: 'R' }), 'replace');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ mode: 'replace', inserted: 3000, replaced: 5002, total: 3000 });
    expect(await stored()).toBe(3000);
    const [{ n }] = await t.db
      .select({ n: count() })
      .from(surveyFrameUnits)
      .where(and(eq(surveyFrameUnits.surveyId, surveyId), eq(surveyFrameUnits.externalId, 'F0000001')));
    expect(n).toBe(0);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });

  it('runs as a job: 202 with its id, progress to 100, the summary as its result, the upload deleted', async () => {
    const { payload, headers } = multipart('frame.csv', frameCsv(4000, { prefix: 'J' }));
    // Listening before the request: a job done before its 202 is answered still reports its progress.
    const events: { id: string; progress: number }[] = [];
    const onProgress = (e: { id: string; progress: number }) => events.push(e);
    t.app.jobs.events.on('progress', onProgress);
    const res = await office.raw({
      method: 'POST',
      url: `/api/surveys/${surveyId}/frame/import?mode=replace`,
      payload,
      headers,
    });
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    const done = await t.app.jobs.wait(jobId);
    t.app.jobs.events.off('progress', onProgress);
    const seen = events.filter((e) => e.id === jobId).map((e) => e.progress);
    expect(done.state).toBe('completed');
    const job = (await office.get(`/api/jobs/${jobId}`)).json();
    expect(job).toMatchObject({ kind: 'surveys.frame-import', state: 'completed', progress: 100 });
    expect(job.input).toMatchObject({
      surveyId,
      mode: 'replace',
      bytes: frameCsv(4000, { prefix: 'J' }).length,
    });
    expect(job.result).toMatchObject({ mode: 'replace', inserted: 4000, total: 4000 });
    expect(seen.at(-1)).toBe(100);
    expect(await stored()).toBe(4000);
    const [{ n }] = await t.db.select({ n: count() }).from(jobFiles).where(eq(jobFiles.jobId, jobId));
    expect(n).toBe(0);

    // A refused file fails the job at once (no retry) with the rows named, and stores nothing.
    const bad = multipart('frame.csv', frameCsv(3000, { prefix: 'K', bad: 10 }));
    const refused = await office.raw({
      method: 'POST',
      url: `/api/surveys/${surveyId}/frame/import?mode=replace`,
      payload: bad.payload,
      headers: bad.headers,
    });
    expect(refused.statusCode).toBe(202);
    const failed = await t.app.jobs.wait(refused.json().jobId);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed.lastError).toMatchObject({
      status: 400,
      details: [{ path: 'rows.10.district', message: 'row 12: empty' }],
    });
    expect(await stored()).toBe(4000);
  });

  it('refuses a file without the strata columns and a malformed CSV', async () => {
    const missing = await upload(Buffer.from('id,district\nX,东城\n'), 'replace');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details).toEqual([{ path: 'file.columns.area', message: 'missing header' }]);
    const broken = await upload(Buffer.from('id,district,area\nX,"东城,urban\n'), 'replace');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().details[0].path).toBe('file');
    expect(await stored()).toBe(4000);
  });

  it('records the hash of the frame it wrote, equal to the database hash of the stored units', async () => {
    // Quotes, backslashes, a tab and a line break inside quoted cells, CJK, an emoji, an empty contact.
    const csv = Buffer.from(
      'id,district,area,contact\n' +
        '"Q""1","东""城\\",urban,13800000001\n' +
        '"Q\t2","西\n城",rural,\n' +
        'Q3,南城 😀,"a\\b",x@example.org\n',
    );
    const res = await upload(csv, 'replace');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ inserted: 3, total: 3 });
    const [entry] = await t.db
      .select({ entityHash: auditLog.entityHash })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'survey_frame'), eq(auditLog.entityId, surveyId)))
      .orderBy(desc(auditLog.seq))
      .limit(1);
    const inDb = await COVERED.get('survey_frame')!.hashes(t.db, [surveyId]);
    expect(entry.entityHash).toMatch(/^v2:[0-9a-f]{64}$/);
    expect(entry.entityHash).toBe(inDb.get(surveyId));
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });

  it('refuses a NUL character in a cell, naming row and field', async () => {
    const res = await upload(Buffer.from('id,district,area\nZ1,东\u0000城,urban\n'), 'replace');
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      { path: 'rows.0.district', message: 'row 2: must not contain a NUL character' },
    ]);
    expect(await stored()).toBe(3);
  });

  it('checks a frame entry recorded before frames were hashed in unit id order', async () => {
    const frame = COVERED.get('survey_frame')!;
    const legacy = (await frame.legacy!.hashes(t.db, [surveyId])).get(surveyId)!;
    expect(legacy).toMatch(/^[0-9a-f]{64}$/);
    await t.db.transaction((tx) =>
      appendAudit(tx, [
        {
          actorId: null,
          action: 'survey.frame',
          entityType: 'survey_frame',
          entityId: surveyId,
          entityHash: legacy,
        },
      ]),
    );
    expect((await verifyAudit(t.db)).problems).toEqual([]);
    await t.db
      .update(surveyFrameUnits)
      .set({ stratum: 'forged' })
      .where(eq(surveyFrameUnits.surveyId, surveyId));
    const report = await verifyAudit(t.db);
    expect(report.problems.map((p) => p.message)).toEqual([
      `survey_frame:${surveyId} was changed outside the platform`,
    ]);
  });

  it("refuses units of a survey that does not exist and deletes a deleted survey's units", async () => {
    const created = await office.post('/api/surveys', {
      code: 'frame-gone',
      title: '删除的调查',
      strataFields: ['district'],
      definition: {
        sections: [
          {
            id: 's1',
            title: '满意度',
            questions: [{ id: 'q1', type: 'likert5', text: '总体', required: true }],
          },
        ],
      },
    });
    const other = created.json().survey.id as string;
    const units = () =>
      t.db.select({ n: count() }).from(surveyFrameUnits).where(eq(surveyFrameUnits.surveyId, other));
    await t.db.execute(sql`insert into survey_frame_units (survey_id, external_id, stratum, profile)
      select ${other}::uuid, 'D' || i, '东城', '{"district":"东城"}' from generate_series(1, 3) i`);
    expect((await units())[0].n).toBe(3);
    const refused = await t.db
      .execute(
        sql`insert into survey_frame_units (survey_id, external_id, stratum, profile)
        values (gen_random_uuid(), 'X', '东城', '{"district":"东城"}'), (${other}::uuid, 'Y', '东城', '{"district":"东城"}')`,
      )
      .then(
        () => null,
        (e: { code?: string; cause?: { code?: string } }) => e.cause?.code ?? e.code,
      );
    expect(refused).toBe('23503');
    await t.db.execute(sql`update survey_frame_units set stratum = '西城' where survey_id = ${other}::uuid`);
    const moved = await t.db
      .execute(
        sql`update survey_frame_units set survey_id = gen_random_uuid() where survey_id = ${other}::uuid`,
      )
      .then(
        () => null,
        (e: { code?: string; cause?: { code?: string } }) => e.cause?.code ?? e.code,
      );
    expect(moved).toBe('23503');
    await t.db.execute(sql`delete from surveys where id = ${other}::uuid`);
    expect((await units())[0].n).toBe(0);
    expect(await stored()).toBe(3);
  });
});

describe('streamed XLSX frame import', () => {
  /** `n` units as an XLSX sheet (ids X0000000…, numeric contacts), `bad` blanks a row's area. */
  const frameXlsx = async (n: number, bad?: number) => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('frame');
    ws.addRow(['id', 'district', 'area', 'contact', 'note']);
    for (let i = 0; i < n; i++)
      ws.addRow([
        `X${String(i).padStart(7, '0')}`,
        DISTRICTS[i % 5],
        i === bad ? '' : i % 3 ? 'urban' : 'rural',
        13_900_000_000 + i,
        '备注',
      ]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  };
  const send = (file: Buffer, name = 'frame.xlsx') => {
    const { payload, headers } = multipart(name, file);
    return office.raw({
      method: 'POST',
      url: `/api/surveys/${surveyId}/frame/import?mode=replace`,
      payload,
      headers,
    });
  };

  it('runs as a job through the streaming sheet reader: rows, strata, encrypted contacts, audit', async () => {
    const res = await send(await frameXlsx(6000));
    expect(res.statusCode).toBe(202);
    const done = await t.app.jobs.wait(res.json().jobId);
    expect(done.state).toBe('completed');
    const job = (await office.get(`/api/jobs/${res.json().jobId}`)).json();
    expect(job.input).toMatchObject({ surveyId, mode: 'replace', filename: 'frame.xlsx' });
    expect(job.result).toMatchObject({
      mode: 'replace',
      inserted: 6000,
      total: 6000,
      ignoredColumns: ['note'],
    });
    expect(job.result.strata).toHaveLength(10);
    expect(await stored()).toBe(6000);
    const [unit] = await t.db
      .select()
      .from(surveyFrameUnits)
      .where(and(eq(surveyFrameUnits.surveyId, surveyId), eq(surveyFrameUnits.externalId, 'X0000007')));
    expect(unit).toMatchObject({ stratum: '南城|urban', profile: { district: '南城', area: 'urban' } });
    expect(decryptField(unit.contact!)).toBe('13900000007');
    // The frame's entry verifies (the test above deleted another survey outside the platform on purpose).
    const problems = (await verifyAudit(t.db)).problems;
    expect(problems.filter((p) => p.entity?.id === surveyId)).toEqual([]);
  });

  it('refuses a sheet with a bad row near its end (sheet row named) and stores nothing of it', async () => {
    const res = await send(await frameXlsx(6000, 5990));
    expect(res.statusCode).toBe(202);
    const failed = await t.app.jobs.wait(res.json().jobId);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed.lastError).toMatchObject({
      status: 400,
      details: [{ path: 'rows.5990.area', message: 'row 5992: empty' }],
    });
    expect(await stored()).toBe(6000);
    // Not a spreadsheet under an .xlsx name: refused before anything is queued.
    const fake = await send(Buffer.from('id,district,area\nX,东城,urban\n'));
    expect(fake.statusCode).toBe(400);
    expect(fake.json().details).toEqual([{ path: 'file', message: 'unreadable' }]);
  });
});
