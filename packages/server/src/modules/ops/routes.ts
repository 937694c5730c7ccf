import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { MIGRATIONS_DIR, rowsOf } from '../../db/client';

/** Migrations this build ships (drizzle/meta/_journal.json). */
export function shippedMigrations(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

export interface ReadyReport {
  status: 'ready' | 'not_ready';
  checks: { name: string; ok: boolean; detail: string }[];
}

/** Readiness: the database answers and has every migration of this build; not while shutting down. */
export async function readiness(app: FastifyInstance, closing: () => boolean): Promise<ReadyReport> {
  const checks: ReadyReport['checks'] = [];
  if (closing()) checks.push({ name: 'process', ok: false, detail: 'shutting down' });
  try {
    const [{ applied }] = await rowsOf<{ applied: number }>(
      app.database.db,
      sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
    );
    checks.push({ name: 'database', ok: true, detail: app.database.kind });
    const shipped = shippedMigrations();
    checks.push({
      name: 'migrations',
      ok: applied >= shipped,
      detail: `${applied} of ${shipped} applied`,
    });
  } catch (err) {
    checks.push({ name: 'database', ok: false, detail: err instanceof Error ? err.message : String(err) });
  }
  return { status: checks.every((c) => c.ok) ? 'ready' : 'not_ready', checks };
}

/**
 * Probes of an orchestrator or load balancer, outside `/api` and the OpenAPI document:
 * `GET /health/live` (the process serves; no database), `GET /health/ready` (200 when the database
 * answers with every migration applied, 503 otherwise and from the start of a shutdown, so the
 * balancer stops sending requests while the in-flight ones drain). From the start of a shutdown
 * every answer closes its connection, so a kept-alive client does not hold the drain open.
 */
export const opsRoutes = fp(async (app: FastifyInstance) => {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'live', pid: process.pid }));
  app.get('/health/ready', { schema: { hide: true } }, async (_req, reply) => {
    const report = await readiness(app, () => closing);
    reply.code(report.status === 'ready' ? 200 : 503);
    return report;
  });
});
