/**
 * Child process of load.bench.ts: serves the PerfCommons app on a PostgreSQL database on a free port,
 * printed as `PORT <n>`. A separate process keeps autocannon's own work off the server's event loop.
 */
import { buildApp } from '../packages/server/src/app';
import { openDatabase } from '../packages/server/src/db/client';
import { startAuditSealer } from '../packages/server/src/modules/audit/service';

const database = await openDatabase({ databaseUrl: process.argv[2] });
const app = await buildApp({ database });
// As `perfcommons start` does: audit entries are sealed in batches while the load runs.
startAuditSealer({ db: database.db, seconds: Number(process.env.AUDIT_SEAL_SECONDS ?? 5) });
process.on('SIGTERM', () => process.exit(0));
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
console.log(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}`);
