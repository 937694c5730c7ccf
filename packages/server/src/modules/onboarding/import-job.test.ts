import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factory, type FactoryUser } from '../../../test/factories';
import { buildTestApp, multipart, type Client, type TestApp } from '../../../test/helper';
import { jobs, people } from '../../db/schema';

let t: TestApp;
let office: Client;
/** The unit the imported cadres and accounts belong to, and its manager. */
let unit: { id: string; code: string };
let managerUser: FactoryUser;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  const f = factory(t, 'imj');
  unit = await f.org();
  managerUser = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
  office = await (await f.user([{ role: 'office' }])).login();
});
afterAll(async () => t.close());

const csv = (lines: string[]) => Buffer.from(lines.join('\n') + '\n');
function commit(client: Client, kind: string, name: string, content: Buffer, query = '') {
  const { payload, headers } = multipart(name, content);
  return t.app.inject({
    method: 'POST',
    url: `/api/import/${kind}/commit${query}`,
    payload,
    headers: { ...client.headers, ...headers },
  });
}

describe('org import as a job', () => {
  it('commits cadres as a job: 202, progress to 100, the commit answer as its result', async () => {
    const lines = ['code,name,position,orgUnit,termStart'];
    for (let i = 0; i < 1200; i++) lines.push(`job-p${i},干部${i},科员,${unit.code},2024/3/${(i % 28) + 1}`);
    const progress: { id: string; progress: number; message?: string }[] = [];
    t.app.jobs.events.on('progress', (e) => progress.push(e));
    const res = await commit(office, 'people', 'people.csv', csv(lines));
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    expect((await t.app.jobs.wait(jobId)).state).toBe('completed');
    // Read (one stored chunk: 40 %), checked, written, done.
    expect(progress.filter((e) => e.id === jobId).map((e) => [e.progress, e.message])).toEqual([
      [0, 'reading'],
      [40, 'reading'],
      [40, 'checking'],
      [60, 'writing'],
      [90, 'writing'],
      [100, 'done'],
    ]);
    const job = (await office.get(`/api/jobs/${jobId}`)).json();
    expect(job).toMatchObject({ kind: 'onboarding.import', state: 'completed', progress: 100 });
    expect(job.input).toMatchObject({ kind: 'people', filename: 'people.csv' });
    expect(job.result).toMatchObject({
      kind: 'people',
      ok: true,
      summary: { create: 1200, update: 0, unchanged: 0, error: 0 },
      credentials: [],
    });
    expect(job.result.rows[1199]).toEqual({ row: 1201, key: 'job-p1199', action: 'create', changes: [] });
    const stored = await t.db
      .select({ code: people.code, termStart: people.termStart })
      .from(people)
      .where(inArray(people.code, ['job-p0', 'job-p1199']));
    expect(stored).toHaveLength(2);
    // The same file again, waited for: the old 200 answer, nothing changes.
    const again = await commit(office, 'people', 'people.csv', csv(lines), '?wait=true');
    expect(again.statusCode).toBe(200);
    expect(again.json().summary).toEqual({ create: 0, update: 0, unchanged: 1200, error: 0 });
  });

  it('fails the job with every problem and stores none of the rows', async () => {
    const res = await commit(
      office,
      'people',
      'people.csv',
      csv(['code,name,position,orgUnit', `job-q1,甲,科员,${unit.code}`, 'job-q2,乙,科员,nowhere']),
    );
    expect(res.statusCode).toBe(202);
    const job = await t.app.jobs.wait(res.json().jobId);
    expect(job).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: {
        status: 400,
        error: 'import_invalid',
        details: [{ path: 'rows.3.orgUnit', message: 'no unit nowhere (import the units first)' }],
      },
    });
    expect(await t.db.select().from(people).where(eq(people.code, 'job-q1'))).toEqual([]);
  });

  it('imports accounts in the request only: one-time passwords in the answer, never in a job', async () => {
    const before = (await t.db.select({ id: jobs.id }).from(jobs)).length;
    const res = await commit(
      office,
      'accounts',
      'accounts.csv',
      csv(['username,displayName,roles', `job.acc1,账号一,appraisee@${unit.code}`]),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().credentials).toEqual([
      { username: 'job.acc1', displayName: '账号一', password: expect.any(String) },
    ]);
    expect((await t.db.select({ id: jobs.id }).from(jobs)).length).toBe(before);
  });

  it('refuses others before reading the file, and a renamed file before queueing', async () => {
    const manager = await managerUser.login();
    const lines = csv(['code,name,position,orgUnit', `job-r1,甲,科员,${unit.code}`]);
    expect((await commit(manager, 'people', 'people.csv', lines)).statusCode).toBe(403);
    const fake = await commit(office, 'units', 'units.xlsx', Buffer.from('MZ not a workbook'));
    expect(fake.statusCode).toBe(400);
    expect(fake.json().details).toEqual([{ path: 'file', message: 'unreadable' }]);
  });
});
