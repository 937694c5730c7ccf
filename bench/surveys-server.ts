/**
 * Child process of surveys.bench.ts, on a free port printed as `PORT <n>`:
 * - `app <url>`: the PerfCommons app on a PostgreSQL database, plus the bare route
 *   POST /api/bench/bare/:token registered in that same app, so it passes the same global hooks
 *   (metrics, helmet headers, cookies, the session look-up hook, rate-limit and multipart
 *   plugins, the error handler): the reference the answer route is measured against;
 * - `bare`: an empty Fastify app with the same trivial route, for comparison only (what the
 *   app's global hooks cost).
 * A separate process keeps autocannon's own work off the server's event loop.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { buildApp } from '../packages/server/src/app';
import { openDatabase } from '../packages/server/src/db/client';

const [mode, url] = process.argv.slice(2);
// The same shape of work without the survey: parse a JSON body, answer 201 with JSON.
const bare = async (req: FastifyRequest, reply: FastifyReply) => {
  reply.code(201);
  return { response: { id: (req.params as { token: string }).token.slice(0, 8), submittedAt: new Date() } };
};
let app: FastifyInstance;
if (mode === 'app') {
  app = await buildApp({ database: await openDatabase({ databaseUrl: url }) });
  app.post('/api/bench/bare/:token', bare);
} else {
  app = Fastify({ logger: false });
  app.post('/api/bench/bare/:token', bare);
}
process.on('SIGTERM', () => process.exit(0));
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
console.log(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}`);
