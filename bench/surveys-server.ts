/**
 * Child process of surveys.bench.ts: serves either the PerfCommons app on a PostgreSQL database
 * (`app <url>`) or a bare Fastify route (`bare`), on a free port printed as `PORT <n>`.
 * A separate process keeps autocannon's own work off the server's event loop.
 */
import Fastify from 'fastify';
import { buildApp } from '../packages/server/src/app';
import { openDatabase } from '../packages/server/src/db/client';

const [mode, url] = process.argv.slice(2);
let app;
if (mode === 'app') {
  app = await buildApp({ database: await openDatabase({ databaseUrl: url }) });
} else {
  app = Fastify({ logger: false });
  // The same shape of work without the survey: parse a JSON body, answer 201 with JSON.
  app.post('/bare/:token', async (req, reply) => {
    reply.code(201);
    return { response: { id: (req.params as { token: string }).token.slice(0, 8), submittedAt: new Date() } };
  });
}
process.on('SIGTERM', () => process.exit(0));
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
console.log(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}`);
