/**
 * The server compiled once per test run, for the tests that start real processes (`perfcommons
 * start`, the other commands, the kill -9 child): each process then loads one ES module on plain Node
 * instead of having tsx compile the server's hundreds of TypeScript modules again (seconds of CPU per
 * process, and the process tests start dozens). Compiled as the release build compiles it
 * (the options of scripts/server-build-options.mjs, which scripts/build-server.mjs uses too), so the
 * processes run what production runs.
 *
 * The files go to packages/server/.tmp/, the depth of packages/server/dist/, so that the paths the
 * server finds from its own file (drizzle/ migrations, packages/web/dist) resolve as from dist/.
 * Names carry the run's pid: runs side by side do not overwrite each other's build.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { serverBuildOptions } from '../../../scripts/server-build-options.mjs';

const SERVER = path.resolve(import.meta.dirname, '..');

export interface CompiledServer {
  /** The CLI (src/cli.ts): `node <cli> start`, `node <cli> verify-audit`, … */
  cli: string;
  /** The kill -9 tests' job process (src/modules/jobs/kill-child.ts). */
  killChild: string;
}

export async function compileServer(): Promise<CompiledServer & { remove: () => void }> {
  const outdir = path.join(SERVER, '.tmp');
  const suffix = `test-${process.pid}`;
  await build({
    ...serverBuildOptions(),
    entryPoints: {
      [`cli-${suffix}`]: path.join(SERVER, 'src/cli.ts'),
      [`kill-child-${suffix}`]: path.join(SERVER, 'src/modules/jobs/kill-child.ts'),
    },
    outdir,
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
