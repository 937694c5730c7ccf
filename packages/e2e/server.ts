/**
 * The real server in a child process, on a free port with its own embedded database: what the browser
 * tests run against (global-setup.ts) and what the page-speed bench measures (bench/vitals.bench.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

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

export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  return env;
}

/** Starts the real server on a free port with its own embedded database; `stop` ends it and removes the data. */
export async function startServer(extra: Record<string, string>, args: string[], dir?: string) {
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
