/**
 * Setup file of the `server` project, run before each test file. The project runs its files one after
 * another in each worker without isolation (vitest.config.ts: `isolate: false`), so a file's changes to
 * `process.env` (a poll interval, an SMTP server's port) would otherwise reach the next file in the worker.
 * Everything set, changed or removed while the file ran is put back after its last hook.
 */
import { afterAll } from 'vitest';

const saved = { ...process.env };

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});
