/**
 * Real server processes (`perfcommons start`, the server compiled once per run by the global setup,
 * compile-server.ts) for the process tests
 * (processes.test.ts, shutdown-load.test.ts): start one on a port of its own, read what it printed,
 * stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Server {
  name: string;
  port: number;
  child: ChildProcess;
  /** Every line the process printed (pino JSON or plain text). */
  lines: string[];
  url(p: string): string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

/**
 * Starts `perfcommons start` and resolves once it listens (in seconds; on a loaded machine with a
 * fresh PGlite migrated in memory, in minutes).
 */
export async function startServer(name: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [inject('compiledServer').cli, 'start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_DIST: path.join(root, 'packages/server/no-web'),
      AUDIT_SEAL_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        lines.push(line);
        if (line.startsWith('PerfCommons on http://')) resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`${name} exited (${code}):\n${lines.join('\n')}`)));
  });
  await listening;
  return { name, port, child, lines, exited, url: (p) => `http://127.0.0.1:${port}${p}` };
}

export async function stopServer(s: Server | undefined) {
  if (!s || s.child.exitCode !== null) return;
  s.child.kill('SIGTERM');
  await s.exited;
}

/** Messages of the pino lines (`msg`) a process printed. */
export const messages = (s: Server) =>
  s.lines.flatMap((l) => {
    try {
      return [String((JSON.parse(l) as { msg?: string }).msg ?? '')];
    } catch {
      return [l];
    }
  });

export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
