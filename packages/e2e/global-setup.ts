import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

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

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}\n${log()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server did not become healthy within ${timeoutMs} ms\n${log()}`);
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

function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  return env;
}

/** Starts the real server on a free port with its own embedded database; `stop` ends it and removes the data. */
async function startServer(extra: Record<string, string>, args: string[], dir?: string) {
  const port = await freePort();
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'perfcommons-e2e-'));
  const env = serverEnv({ ...extra, PORT: String(port), DATA_DIR: dataDir });
  const child = spawn(
    join(repoRoot, 'node_modules/.bin/tsx'),
    ['packages/server/src/cli.ts', 'start', ...args],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  // Everything the server prints also goes to a file, for specs that read its console (first start).
  const log = join(dataDir, 'server.log');
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
    appendFileSync(log, b);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, () => output);
  // The server prints `ready in N s` right after it listens; health may answer a moment before.
  const until = Date.now() + 5_000;
  while (!/ready in [\d.]+ s/.test(output) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  const ready = /ready in ([\d.]+) s/.exec(output);
  const readySeconds = ready ? Number(ready[1]) : null;

  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { baseUrl, stop, log, readySeconds };
}
