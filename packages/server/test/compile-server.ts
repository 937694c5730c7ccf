/**
 * The server compiled once per test run, for the tests that start real processes (`perfcommons
 * start`, the other commands, the kill -9 child): each process then loads one ES module on plain Node
 * instead of having tsx compile the server's hundreds of TypeScript modules again (seconds of CPU per
 * process, and the process tests start dozens). Compiled as the release build compiles it
 * (scripts/build-server.mjs: esbuild, registry packages external, the workspaces bundled), so the
 * processes run what production runs.
 *
 * The files go to packages/server/.tmp/, the depth of packages/server/dist/, so that the paths the
 * server finds from its own file (drizzle/ migrations, packages/web/dist) resolve as from dist/.
 * Names carry the run's pid: runs side by side do not overwrite each other's build.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const SERVER = path.resolve(import.meta.dirname, '..');
const ROOT = path.resolve(SERVER, '../..');

export interface CompiledServer {
  /** The CLI (src/cli.ts): `node <cli> start`, `node <cli> verify-audit`, … */
  cli: string;
  /** The kill -9 tests' job process (src/modules/jobs/kill-child.ts). */
  killChild: string;
}

export async function compileServer(): Promise<CompiledServer & { remove: () => void }> {
  const deps = (p: string) =>
    Object.keys(
      (
        JSON.parse(readFileSync(path.join(ROOT, 'packages', p, 'package.json'), 'utf8')) as {
          dependencies?: Record<string, string>;
        }
      ).dependencies ?? {},
    );
  const external = [...new Set(['server', 'domain', 'contracts'].flatMap(deps))].filter(
    (d) => !d.startsWith('@perfcommons/'),
  );
  const outdir = path.join(SERVER, '.tmp');
  const suffix = `test-${process.pid}`;
  await build({
    entryPoints: {
      [`cli-${suffix}`]: path.join(SERVER, 'src/cli.ts'),
      [`kill-child-${suffix}`]: path.join(SERVER, 'src/modules/jobs/kill-child.ts'),
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Stack traces of a failing child map back to src/ under NODE_OPTIONS=--enable-source-maps.
    sourcemap: true,
    external: external.flatMap((d) => [d, `${d}/*`]),
    banner: {
      js: "import { createRequire as __pcCreateRequire } from 'node:module'; const require = __pcCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const files = [`cli-${suffix}`, `kill-child-${suffix}`].map((n) => path.join(outdir, `${n}.js`));
  return {
    cli: files[0],
    killChild: files[1],
    remove: () => {
      for (const f of files) for (const p of [f, `${f}.map`]) rmSync(p, { force: true });
    },
  };
}
