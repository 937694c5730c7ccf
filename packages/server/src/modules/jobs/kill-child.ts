/**
 * A server process reduced to its job workers, for the kill -9 test (jobs.kill.test.ts): `start`
 * queues a compute and, once its results are written but not committed, stops dead (blocks) for the
 * test to kill it; `resume` only works the queue, as a restarted server does. Prints JSON lines.
 */
import { openDatabase } from '../../db/client';
import { loadActor } from '../auth/service';
import { jobDefinitions } from './kinds';
import { startJobs } from './queue';

const [target, mode, cycleId, userId] = process.argv.slice(2);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const database = await openDatabase(
  target.startsWith('postgres') ? { databaseUrl: target } : { dataDir: target },
);
const queue = await startJobs(database, {
  definitions: jobDefinitions(),
  pollSeconds: 0.5,
  expireSeconds: 3,
  maintenanceSeconds: 1,
  retryDelaySeconds: 0,
});
queue.events.on('progress', (e: { progress: number; message: string }) => {
  say({ event: 'progress', ...e });
  // Every result row is written inside the compute's transaction; nothing is committed yet.
  if (mode === 'start' && e.message === 'consequences')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
});
queue.events.on('done', (e: object) => say({ event: 'done', ...e }));
if (mode === 'start') {
  const job = await queue.enqueue('results.compute', await loadActor(database.db, userId), { cycleId });
  say({ event: 'queued', id: job.id });
}
say({ event: 'ready' });
