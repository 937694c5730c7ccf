import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { observeJob, observeRecompute, setJobQueueDepthSource } from '../../lib/metrics';
import { shippedMigrations } from './routes';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
});
afterAll(() => t?.close());

/** The value of one sample line of the Prometheus text (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inner = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (want.every((w) => inner.split(',').includes(w))) return Number(line.split(' ').pop());
  }
  return 0;
}

const metrics = async () => {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
};

describe('health probes', () => {
  it('live answers without the database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'live', pid: process.pid });
  });

  it('ready: the database answers with every migration applied; 503 naming a missing one', async () => {
    const n = shippedMigrations();
    expect(n).toBeGreaterThan(20);
    const ok = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'database', ok: true, detail: t.database.kind },
        { name: 'migrations', ok: true, detail: `${n} of ${n} applied` },
      ],
    });
    // A database one migration behind this build (an upgrade whose migrate did not run).
    await t.db.execute(
      sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`,
    );
    const behind = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(behind.statusCode).toBe(503);
    expect(behind.json().status).toBe('not_ready');
    expect(behind.json().checks[1]).toEqual({
      name: 'migrations',
      ok: false,
      detail: `${n - 1} of ${n} applied`,
    });
  });
});

describe('/metrics', () => {
  it('counts each request once by route pattern and status, with the process figures', async () => {
    const before = await metrics();
    const key = { method: 'GET', route: '/api/public/s/:token', status_code: '404' };
    const count0 = sample(before, 'http_request_duration_seconds_count', key);
    for (let i = 0; i < 3; i += 1) {
      const res = await t.anon.get(`/api/public/s/${'x'.repeat(40)}00000000-0000-4000-8000-00000000000${i}`);
      expect(res.statusCode).toBe(404);
    }
    const res = await t.anon.get('/api/no-such-route');
    expect(res.statusCode).toBe(404);
    const after = await metrics();
    // The route's pattern, never the concrete ids: three requests, one series.
    expect(sample(after, 'http_request_duration_seconds_count', key)).toBe(count0 + 3);
    expect(after).not.toContain('00000000-0000-4000-8000');
    expect(
      sample(after, 'http_request_duration_seconds_bucket', { ...key, le: '+Inf' }) -
        sample(before, 'http_request_duration_seconds_bucket', { ...key, le: '+Inf' }),
    ).toBe(3);
    expect(
      sample(after, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }),
    ).toBeGreaterThanOrEqual(1);
    // Scrapes are not counted as requests.
    expect(after).not.toContain('route="/metrics"');
    // Process metrics of prom-client's default collectors.
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(after).toContain('nodejs_eventloop_lag_seconds');
    expect(after).toContain('nodejs_heap_size_used_bytes');
  });

  it("job queue depth: the app's jobs waiting or running, by kind", async () => {
    const kind = `test.depth.${Date.now()}`;
    await t.db.execute(sql`insert into jobs (id, kind, state, max_attempts, input) values
      (gen_random_uuid(), ${kind}, 'queued', 1, '{}'), (gen_random_uuid(), ${kind}, 'active', 1, '{}'),
      (gen_random_uuid(), ${kind}, 'completed', 1, '{}')`);
    expect(sample(await metrics(), 'perfcommons_job_queue_depth', { kind })).toBe(2);
    await t.db.execute(sql`update jobs set state = 'completed' where kind = ${kind} and state = 'queued'`);
    expect(sample(await metrics(), 'perfcommons_job_queue_depth', { kind })).toBe(1);
  });

  it('job queue depth from a source the jobs module sets; job and recompute durations', async () => {
    setJobQueueDepthSource(async () => ({ 'results.compute': 2, 'notifications.send': 0 }));
    try {
      const jobs0 = sample(await metrics(), 'perfcommons_job_duration_seconds_count', {
        kind: 'results.compute',
        outcome: 'completed',
      });
      const re0 = sample(await metrics(), 'perfcommons_recompute_duration_seconds_count');
      const plans0 = sample(await metrics(), 'perfcommons_recompute_plans_total', { kind: 'rescored' });
      observeJob('results.compute', 'completed', 1.5);
      observeJob('results.compute', 'completed', 0.2);
      observeRecompute(3.2, { count: 40, rescored: 12, rewritten: 3 });
      const text = await metrics();
      expect(sample(text, 'perfcommons_job_queue_depth', { kind: 'results.compute' })).toBe(2);
      expect(sample(text, 'perfcommons_job_queue_depth', { kind: 'notifications.send' })).toBe(0);
      expect(
        sample(text, 'perfcommons_job_duration_seconds_count', {
          kind: 'results.compute',
          outcome: 'completed',
        }),
      ).toBe(jobs0 + 2);
      expect(
        sample(text, 'perfcommons_job_duration_seconds_bucket', {
          kind: 'results.compute',
          outcome: 'completed',
          le: '1',
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'perfcommons_recompute_duration_seconds_count')).toBe(re0 + 1);
      expect(sample(text, 'perfcommons_recompute_plans_total', { kind: 'rescored' })).toBe(plans0 + 12);
    } finally {
      setJobQueueDepthSource(null);
    }
  });
});

describe('runtime', () => {
  it('tests run on Node 24 or later (the project pins it: engines, .nvmrc, node-linux-*)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});
