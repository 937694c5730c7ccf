/**
 * Prometheus metrics of this process (prom-client), served at `/metrics`: HTTP request durations by
 * route and status, the process's own figures (CPU, memory, event-loop lag, GC), job queue depth and
 * job durations, and recompute figures. Modules feed them through the functions below; one registry
 * per process (a scrape of N processes behind a balancer is N targets).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Seconds: from 1 ms to 10 s, where a web request's answer lies. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: from 10 ms to 30 min, where a job or a recompute lies. */
const LONG_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Duration of HTTP requests, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: HTTP_BUCKETS,
  registers: [registry],
});

let depthSource: (() => Promise<Record<string, number>>) | null = null;
export const jobQueueDepth = new Gauge({
  name: 'perfcommons_job_queue_depth',
  help: 'Jobs queued or running, by kind (read from the database at scrape time)',
  labelNames: ['kind'] as const,
  registers: [registry],
  async collect() {
    if (!depthSource) return;
    this.reset();
    for (const [kind, n] of Object.entries(await depthSource())) this.set({ kind }, n);
  },
});

/** The jobs module names where the queue depth is read (by kind): called at every scrape. */
export function setJobQueueDepthSource(source: (() => Promise<Record<string, number>>) | null) {
  depthSource = source;
}

export const jobDuration = new Histogram({
  name: 'perfcommons_job_duration_seconds',
  help: 'Duration of job attempts, by kind and outcome (completed, failed, retry)',
  labelNames: ['kind', 'outcome'] as const,
  buckets: LONG_BUCKETS,
  registers: [registry],
});

/** One job attempt ended: its kind, how, and how long it ran. */
export function observeJob(kind: string, outcome: 'completed' | 'failed' | 'retry', seconds: number) {
  jobDuration.observe({ kind, outcome }, seconds);
}

export const recomputeDuration = new Histogram({
  name: 'perfcommons_recompute_duration_seconds',
  help: 'Duration of result computations of a cycle',
  buckets: LONG_BUCKETS,
  registers: [registry],
});
export const recomputePlans = new Counter({
  name: 'perfcommons_recompute_plans_total',
  help: 'Plans seen by result computations, by what happened to them (results, rescored, rewritten)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** One computation of a cycle's results ended (the figures `computeCycleResults` returns). */
export function observeRecompute(
  seconds: number,
  figures: { count?: number; rescored?: number; rewritten?: number },
) {
  recomputeDuration.observe(seconds);
  for (const kind of ['count', 'rescored', 'rewritten'] as const)
    if (figures[kind]) recomputePlans.inc({ kind: kind === 'count' ? 'results' : kind }, figures[kind]);
}

const started = Symbol('metricsStart');
type Timed = FastifyRequest & { [started]?: bigint };

/**
 * Times every request into `http_request_duration_seconds`, labelled by the route's pattern
 * (`/api/plans/:id`, never the concrete URL, so labels stay few) or `unmatched` for a 404 without
 * a route, and serves `GET /metrics` in the Prometheus text format.
 */
export const metricsPlugin = fp(async (app: FastifyInstance) => {
  // The app's durable jobs (modules/jobs), when it has them: their queue depth at every scrape.
  const queue = app.hasDecorator('jobs') ? app.jobs : undefined;
  if (queue) {
    const source = () => queue.depth();
    setJobQueueDepthSource(source);
    app.addHook('onClose', async () => {
      if (depthSource === source) setJobQueueDepthSource(null);
    });
  }
  app.addHook('onRequest', async (req: Timed) => {
    req[started] = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (req: Timed, reply) => {
    const t0 = req[started];
    if (t0 === undefined) return;
    const route = req.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    httpRequestDuration.observe(
      { method: req.method, route, status_code: String(reply.statusCode) },
      Number(process.hrtime.bigint() - t0) / 1e9,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
});
