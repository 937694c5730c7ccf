#!/usr/bin/env node
// `npm start`: bundles the web app (no type check: `npm run build` and `npm test` do that), then starts
// the server on the demo city (loaded on the first start). The server prints the seconds from here to
// ready, so the figure covers everything a first start does.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const t0 = Date.now();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) =>
  path.join(root, 'node_modules/.bin', process.platform === 'win32' ? `${name}.cmd` : name);

console.log('Building the web app…');
const vite = spawnSync(bin('vite'), ['build', '--logLevel', 'warn'], {
  cwd: path.join(root, 'packages/web'),
  stdio: 'inherit',
});
if (vite.status !== 0) process.exit(vite.status ?? 1);
console.log(`  ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s  web app built`);

const server = spawn(
  bin('tsx'),
  ['packages/server/src/cli.ts', 'start', '--seed-if-empty', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PC_START_T0: String(t0) },
  },
);
// Ctrl-C reaches both processes (one process group); a SIGTERM sent to npm is passed on.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
