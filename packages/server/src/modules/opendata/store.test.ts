import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { opendataBundleChunks, opendataBundles } from '../../db/schema';
import { factory } from '../../../test/factories';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { bundleFile } from './bundle';
import { resultsCsv } from './export';
import { bundleStateKey, opendataBundleJob, RESULT_FILES } from './store';

let t: TestApp;
let cycleId: string;
let cycleCode: string;
let draft: string;

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  // Its own published cycle (test/factories.ts): a unit's and its head's plans with verified values;
  // and a cycle in planning, without results.
  const f = factory(t, 'store');
  const office = await f.office();
  const verifier = (await f.user([{ role: 'verifier' }])).actor;
  const cycle = await f.cycle({ year: 2031, stage: 'planning' });
  cycleId = cycle.id;
  cycleCode = cycle.code;
  const unit = await f.org();
  const head = await f.person({ orgUnitId: unit.id });
  for (const plan of [
    await f.plan({ cycleId, orgUnitId: unit.id }),
    await f.plan({ cycleId, orgUnitId: unit.id, personId: head.id }),
  ])
    await f.values(
      plan.id,
      [
        { indicatorCode: 'A1', period: '2031', value: 5.4 },
        { indicatorCode: 'A2', period: '2031', value: 97 },
      ],
      { by: office, verifyAs: verifier },
    );
  await f.results(cycleId, { publish: true });
  draft = (await f.cycle({ year: 2032, stage: 'planning' })).id;
});
afterAll(() => t.close());

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const stored = async (name = 'bundle') =>
  (
    await t.db
      .select()
      .from(opendataBundles)
      .where(and(eq(opendataBundles.cycleId, cycleId), eq(opendataBundles.name, name)))
  )[0];

describe('stored open data bundle', () => {
  it('is built by the first request, stored in chunks and served byte for byte as built', async () => {
    expect(await stored()).toBeUndefined();
    const res = await t.anon.get(`/api/public/cycles/${cycleId}/bundle`);
    expect(res.statusCode).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    const direct = await bundleFile(t.db, cycleId);
    expect(res.body).toBe(direct.body);
    const row = await stored();
    expect(row).toMatchObject({ sha256: sha(res.body), bytes: Buffer.byteLength(res.body) });
    expect(row.stateKey).toBe(await bundleStateKey(t.db, cycleId));
    const chunks = await t.db
      .select({ data: opendataBundleChunks.data })
      .from(opendataBundleChunks)
      .where(eq(opendataBundleChunks.sha256, row.sha256))
      .orderBy(opendataBundleChunks.seq);
    expect(chunks.length).toBe(row.chunks);
    expect(Buffer.concat(chunks.map((c) => c.data)).toString('utf8')).toBe(res.body);
  });

  it('is not rebuilt while the publication state stays: later live edits do not reach it', async () => {
    const before = await stored();
    // A unit renamed after publication: the published bundle, like the published results, stays.
    await t.db.execute(sql`update org_units set name = name || '（更名）'
      where id = (select org_unit_id from plans where cycle_id = ${cycleId} limit 1)`);
    const res = await t.anon.get(`/api/public/cycles/${cycleId}/bundle`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('（更名）');
    expect(await stored()).toEqual(before);
    const digest = (await t.anon.get(`/api/public/cycles/${cycleId}/bundle/digest`)).json();
    expect(digest).toMatchObject({ sha256: before.sha256, bytes: before.bytes });
  });

  it('is rebuilt when the publication state moves (here the disclosure policy), old bytes removed', async () => {
    const before = await stored();
    await t.db.execute(sql`insert into cycle_disclosures (cycle_id, cadre_grades, updated_at)
      values (${cycleId}, false, now() + interval '1 second')
      on conflict (cycle_id) do update set cadre_grades = false, updated_at = excluded.updated_at`);
    const key = await bundleStateKey(t.db, cycleId);
    expect(key).not.toBe(before.stateKey);
    const res = await t.anon.get(`/api/public/cycles/${cycleId}/bundle`);
    expect(res.statusCode).toBe(200);
    const after = await stored();
    expect(after.stateKey).toBe(key);
    expect(after.sha256).toBe(sha(res.body));
    expect(after.sha256).not.toBe(before.sha256); // the renamed unit and the withheld cadre grades
    const left = await rowsOf<{ sha256: string }>(
      t.db,
      sql`select distinct sha256 from opendata_bundle_chunks where cycle_id = ${cycleId}`,
    );
    expect(left.map((r) => r.sha256)).toEqual([after.sha256]);
  });

  it('is built by the opendata.bundle job; a cycle without published results is a 404', async () => {
    await t.db.delete(opendataBundles).where(eq(opendataBundles.cycleId, cycleId));
    const job = await t.app.jobs.enqueue(opendataBundleJob.kind, null, { cycleId });
    const done = await t.app.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.lastError)).toBe('completed');
    const row = await stored();
    // The bundle, then the results as CSV and XLSX in both languages.
    const files = Object.fromEntries(
      await Promise.all(
        RESULT_FILES.map(async (name) => {
          const f = await stored(name);
          return [name, { sha256: f.sha256, bytes: f.bytes }];
        }),
      ),
    );
    expect(Object.keys(files)).toHaveLength(4);
    expect(done.result).toEqual({ sha256: row.sha256, bytes: row.bytes, files });

    expect(await bundleStateKey(t.db, draft)).toBeNull();
    expect((await t.anon.get(`/api/public/cycles/${draft}/bundle`)).statusCode).toBe(404);
  });

  it('stores the results as CSV and XLSX beside it: served as stored, 304 to the ETag, no live edits', async () => {
    const url = `/api/public/cycles/${cycleId}/results.csv?lang=en`;
    const res = await t.anon.get(url);
    expect(res.statusCode).toBe(200);
    const row = await stored('results.csv.en');
    expect(row.sha256).toBe(sha(res.body));
    expect(res.headers.etag).toBe(`"${row.sha256}"`);
    expect(Number(res.headers['content-length'])).toBe(row.bytes);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="results-${cycleCode}.csv"`);
    // Nothing changed since the job built it: the bytes a build makes now.
    expect(res.body).toBe((await resultsCsv(t.db, cycleId, 'en')).body);
    const cached = await t.app.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': `"${row.sha256}"` },
    });
    expect(cached.statusCode).toBe(304);
    // A unit renamed after publication: the published spreadsheets stay as published.
    await t.db.execute(sql`update org_units set name = name || '（再更名）'
      where id = (select org_unit_id from plans where cycle_id = ${cycleId} limit 1)`);
    expect((await t.anon.get(url)).body).toBe(res.body);
    expect((await t.anon.get(`/api/public/cycles/${cycleId}/results.csv`)).body).not.toContain('（再更名）');
    const xlsx = await t.app.inject({ method: 'GET', url: `/api/public/cycles/${cycleId}/results.xlsx` });
    expect(xlsx.statusCode).toBe(200);
    expect(createHash('sha256').update(xlsx.rawPayload).digest('hex')).toBe(
      (await stored('results.xlsx.zh-CN')).sha256,
    );
  });
});
