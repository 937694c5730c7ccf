/**
 * A server process reduced to its job workers, for the kill -9 tests (kill.test.ts). `start <kind>
 * <args…>` queues one job of that kind and, once the job is part-way through its work (its writes
 * made, not committed), stops dead (blocks) for the test to kill it; `resume` only works the queue,
 * as a restarted server does. Prints JSON lines.
 *
 * - `start results.compute <cycleId> <userId>`: blocks once every result is written (step
 *   `consequences`).
 * - `start values.import <planId> <userId> <csv file>`: the upload stored as the route stores it;
 *   blocks when half the file is parsed (its first batches written).
 * - `start surveys.frame-import <surveyId> <userId> <csv file>`: the upload stored as the route stores
 *   it; blocks at the first progress report past the file's start (50,000 units written).
 * - `start linkage.import <userId> <csv file>`: a 12345 file (source hotline) stored as the route
 *   stores it; blocks once every record is written, before the batch's audit entry.
 * - `start surveys.export <surveyId> <userId>`: a CSV export; blocks once its audit entry and the
 *   file's chunks are written, before commit.
 * - `start monitoring.sweep <at>`: blocks once the first cycle is swept (its steps committed, as each
 *   step is its own transaction; the other cycles not yet).
 */
import { createReadStream } from 'node:fs';
import { openDatabase } from '../../db/client';
import { loadActor } from '../auth/service';
import { queueSweep } from '../monitoring/scheduler';
import { queueValueImport } from '../values/import-job';
import { queueFrameImport } from '../surveys/frame-job';
import { queueSurveyExport } from '../surveys/export-job';
import { queueLinkageImport } from '../linkage/import-job';
import { jobDefinitions } from './kinds';
import { startJobs } from './queue';

const [target, mode, kind, ...args] = process.argv.slice(2);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const database = await openDatabase(
  target.startsWith('postgres') ? { databaseUrl: target } : { dataDir: target },
);
const queue = await startJobs(database, {
  definitions: jobDefinitions(),
  pollSeconds: 0.5,
  // A killed job counts as dead after this long (PostgreSQL); long enough for the resumed run.
  expireSeconds: Number(process.env.KILL_EXPIRE_SECONDS ?? 3),
  maintenanceSeconds: 1,
  retryDelaySeconds: 0,
});

/** Where each kind stops dead in `start` mode: a progress report made inside its work. */
const stopsAt: Record<string, (e: { progress: number; message?: string }) => boolean> = {
  'results.compute': (e) => e.message === 'consequences',
  'values.import': (e) => e.message === 'importing' && e.progress >= 45,
  'surveys.frame-import': (e) => e.message === 'importing' && e.progress > 0,
  'monitoring.sweep': (e) => e.message === 'sweeping',
  'linkage.import': (e) => e.message === 'importing' && e.progress >= 90,
  'surveys.export': (e) => e.message === 'storing' && e.progress >= 95,
};

queue.events.on('progress', (e: { progress: number; message: string }) => {
  say({ event: 'progress', ...e });
  if (mode === 'start' && stopsAt[kind]?.(e)) {
    say({ event: 'stopped' });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  }
});
queue.events.on('done', (e: object) => say({ event: 'done', ...e }));
if (mode === 'start') {
  let id: string | null;
  if (kind === 'results.compute') {
    const [cycleId, userId] = args;
    id = (await queue.enqueue(kind, await loadActor(database.db, userId), { cycleId })).id;
  } else if (kind === 'values.import') {
    const [planId, userId, file] = args;
    const actor = await loadActor(database.db, userId);
    id = (await queueValueImport(database.db, queue, actor, planId, createReadStream(file), 'values.csv'))
      .jobId;
  } else if (kind === 'surveys.frame-import') {
    const [surveyId, userId, file] = args;
    const actor = await loadActor(database.db, userId);
    id = (await queueFrameImport(database.db, queue, actor, surveyId, createReadStream(file), 'replace'))
      .jobId;
  } else if (kind === 'linkage.import') {
    const [userId, file] = args;
    const actor = await loadActor(database.db, userId);
    id = (
      await queueLinkageImport(database.db, queue, actor, 'hotline', createReadStream(file), 'orders.csv')
    ).jobId;
  } else if (kind === 'surveys.export') {
    const [surveyId, userId] = args;
    id = await queueSurveyExport(database.db, queue, await loadActor(database.db, userId), surveyId, 'csv');
  } else if (kind === 'monitoring.sweep') {
    id = await queueSweep(queue, 525_600, new Date(args[0]));
  } else throw new Error(`kill-child: no scenario for ${kind}`);
  say({ event: 'queued', id });
}
say({ event: 'ready' });
