import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../../test/helper';
import { factory, type Factory, type FactoryUser } from '../../../test/factories';
import { jobs, results } from '../../db/schema';
import { badRequest } from '../../lib/errors';

process.env.JOB_POLL_SECONDS = '0.5';
process.env.JOB_RETRY_DELAY_SECONDS = '0';

let t: TestApp;
let f: Factory;
let office: FactoryUser;
let officeClient: Client;
let cycleId: string;
let planIds: string[];

/** A cycle in evaluation with three approved plans and verified values, made through the services. */
async function cycleWithPlans() {
  const c = await f.cycle({ stage: 'planning' });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const org = await f.org();
    const plan = await f.plan({ cycleId: c.id, orgUnitId: org.id, status: 'approved' });
    await f.values(
      plan.id,
      [
        { indicatorCode: 'A1', period: '2031', value: 2 + i },
        { indicatorCode: 'A2', period: '2031', value: 90 + i },
      ],
      { by: office.actor, verifyAs: await f.office() },
    );
    ids.push(plan.id);
  }
  await f.stage(c.id, 'evaluation');
  return { id: c.id, planIds: ids };
}

/** The job as its client reads it once finished: waits on the runner's `done` event, not on a clock. */
async function finished(client: Client, id: string) {
  const row = await t.app.jobs.wait(id);
  expect(['completed', 'failed']).toContain(row.state);
  return (await client.get(`/api/jobs/${id}`)).json();
}

beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
  f = factory(t);
  office = await f.user([{ role: 'office' }]);
  officeClient = await office.login();
  ({ id: cycleId, planIds } = await cycleWithPlans());
});
afterAll(() => t?.close());

describe('results compute as a job', () => {
  it('answers 202 with a job id, reports progress, and completes with the summary', async () => {
    const steps: { progress: number; message: string }[] = [];
    const onProgress = (e: { progress: number; message: string }) => steps.push(e);
    t.app.jobs.events.on('progress', onProgress);
    const res = await officeClient.post(`/api/cycles/${cycleId}/compute`);
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    const job = await finished(officeClient, jobId);
    t.app.jobs.events.off('progress', onProgress);
    expect(job).toMatchObject({
      kind: 'results.compute',
      state: 'completed',
      progress: 100,
      attempts: 1,
      maxAttempts: 3,
      lastError: null,
      input: { cycleId },
      createdBy: office.id,
      result: { count: 3, rescored: 3, rewritten: 3, removed: 0 },
    });
    // The compute's steps, in order, as they were reported.
    expect(steps.map((s) => s.message)).toEqual(['reading', 'scoring', 'ranking', 'writing', 'consequences']);
    expect(steps.map((s) => s.progress)).toEqual([5, 10, 60, 70, 92]);
    const rows = await t.db.select().from(results).where(eq(results.cycleId, cycleId));
    expect(rows.map((r) => r.planId).sort()).toEqual([...planIds].sort());
  });

  it('shows the job to its creator and the office only, and lists the creator’s jobs', async () => {
    const { jobId } = (await officeClient.post(`/api/cycles/${cycleId}/compute`)).json();
    await t.app.jobs.wait(jobId);
    const unit = await f.org();
    const manager = await f.user([{ role: 'unit_manager', orgUnitId: unit.id }]);
    expect((await (await manager.login()).get(`/api/jobs/${jobId}`)).statusCode).toBe(404);
    expect((await t.anon.get(`/api/jobs/${jobId}`)).statusCode).toBe(401);
    // Another office account sees any job, and lists only its own.
    const otherOffice = await (await f.user([{ role: 'office' }])).login();
    expect((await otherOffice.get(`/api/jobs/${jobId}`)).json().id).toBe(jobId);
    const mine = (await officeClient.get('/api/jobs?kind=results.compute')).json().items;
    expect(mine.map((j: { id: string }) => j.id)).toContain(jobId);
    expect((await otherOffice.get('/api/jobs')).json().items.map((j: { id: string }) => j.id)).not.toContain(
      jobId,
    );
  });

  it('refuses at once what the compute would refuse (no job queued)', async () => {
    const planning = await f.cycle({ stage: 'planning' });
    const before = (await t.db.select().from(jobs)).length;
    const res = await officeClient.post(`/api/cycles/${planning.id}/compute`);
    expect(res.statusCode).toBe(409);
    expect((await t.db.select().from(jobs)).length).toBe(before);
  });

  it('fails a compute whose writes fail, after its retries, with the reason and nothing written', async () => {
    const other = await cycleWithPlans();
    // A database that refuses the writes (as a full disk or a lost connection would): the compute fails.
    await t.db.execute(sql`create function pc_test_refuse() returns trigger language plpgsql as $$
      begin raise exception 'disk full (test)'; end $$`);
    await t.db.execute(sql`create trigger pc_test_refuse before insert on results
      for each row when (new.cycle_id = ${sql.raw(`'${other.id}'`)}) execute function pc_test_refuse()`);
    try {
      const { jobId } = (await officeClient.post(`/api/cycles/${other.id}/compute`)).json();
      const job = await finished(officeClient, jobId);
      expect(job).toMatchObject({ state: 'failed', attempts: 3, lastError: { status: 500 } });
      expect(job.lastError.message).toMatch(/disk full \(test\)/);
      expect(await t.db.select().from(results).where(eq(results.cycleId, other.id))).toEqual([]);
    } finally {
      await t.db.execute(sql`drop trigger pc_test_refuse on results`);
    }
  });
});

describe('the job runner', () => {
  it('retries a failing job and completes it when an attempt succeeds', async () => {
    let calls = 0;
    await t.app.jobs.define({
      kind: 'test.flaky',
      retryLimit: 2,
      retryDelaySeconds: 0,
      run: async (ctx) => {
        calls++;
        ctx.progress(50, `attempt ${ctx.attempt}`);
        if (ctx.attempt < 2) throw new Error('transient');
        return { ok: true };
      },
    });
    const job = await t.app.jobs.enqueue('test.flaky', office.actor, {});
    const done = await t.app.jobs.wait(job.id);
    expect(calls).toBe(2);
    expect(done).toMatchObject({ state: 'completed', attempts: 2, result: { ok: true }, progress: 100 });
    expect(done.lastError).toMatchObject({ message: 'transient' });
  });

  it('fails a job at once on a refusal (4xx) without retrying it', async () => {
    let calls = 0;
    await t.app.jobs.define({
      kind: 'test.refused',
      retryLimit: 2,
      retryDelaySeconds: 0,
      run: async () => {
        calls++;
        throw badRequest('Bad input', [{ path: 'cycleId', message: 'unknown' }]);
      },
    });
    const job = await t.app.jobs.enqueue('test.refused', office.actor, {});
    const done = await t.app.jobs.wait(job.id);
    expect(calls).toBe(1);
    expect(done).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: { status: 400, error: 'bad_request', details: [{ path: 'cycleId', message: 'unknown' }] },
    });
  });
});
