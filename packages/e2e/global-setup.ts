import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot, serverEnv, startServer } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The demo city on the embedded database (`npm start`). */
    baseUrl: string;
    /** A production-mode server on an empty database: no demo, only the administrator made by `init`. */
    prodBaseUrl: string;
    prodAdmin: { username: string; password: string };
    /** The demo server's first start (fresh database): seconds to ready as it printed them, and its log file. */
    demoStart: { readySeconds: number | null; log: string; load: number; cores: number };
  }
}

/** Starts the real server on a free port with a fresh embedded database; stops it afterwards. */
export default async function setup(project: TestProject) {
  // Reuse a server that is already running (handy while developing the journeys).
  if (process.env.E2E_BASE_URL) {
    project.provide('baseUrl', process.env.E2E_BASE_URL.replace(/\/$/, ''));
    return;
  }
  if (!existsSync(join(repoRoot, 'packages/web/dist/index.html'))) {
    throw new Error('packages/web/dist is missing: run `npm run build:web` first (npm run test:e2e does).');
  }
  const demo = await startServer({}, ['--seed-if-empty']);
  project.provide('baseUrl', demo.baseUrl);
  project.provide('demoStart', {
    readySeconds: demo.readySeconds,
    log: demo.log,
    // How busy the machine was while the demo loaded (1-minute load average at ready, and its cores).
    load: loadavg()[0],
    cores: availableParallelism(),
  });

  // A real office's first day: production mode, empty database, the administrator from `init`.
  const prodDir = mkdtempSync(join(tmpdir(), 'perfcommons-e2e-prod-'));
  const prodEnv = { NODE_ENV: 'production', DATA_DIR: prodDir };
  const username = 'chief';
  const init = spawnSync(
    join(repoRoot, 'node_modules/.bin/tsx'),
    ['packages/server/src/cli.ts', 'init', '--admin', username, '--name', '绩效办主任'],
    { cwd: repoRoot, env: serverEnv(prodEnv), encoding: 'utf8' },
  );
  const password = /One-time password[^:]*: (\S+)/.exec(init.stdout)?.[1];
  if (init.status !== 0 || !password)
    throw new Error(`init --admin failed (${init.status})\n${init.stdout}\n${init.stderr}`);
  const prod = await startServer(prodEnv, [], prodDir);
  project.provide('prodBaseUrl', prod.baseUrl);
  project.provide('prodAdmin', { username, password });

  return async () => {
    await Promise.all([demo.stop(), prod.stop()]);
  };
}
