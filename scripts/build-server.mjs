#!/usr/bin/env node
// Compiles the server (with the domain and contracts workspaces it imports, which ship TypeScript
// sources) into one ES module, packages/server/dist/cli.js, so production runs on plain Node without
// tsx: `npm ci --omit=dev && node packages/server/dist/cli.js start`. The options are shared with the
// process tests' build (server-build-options.mjs).
import path from 'node:path';
import { build } from 'esbuild';
import { root, serverBuildOptions } from './server-build-options.mjs';

const server = path.join(root, 'packages/server');
const started = Date.now();
const result = await build({
  ...serverBuildOptions(),
  entryPoints: [path.join(server, 'src/cli.ts')],
  outfile: path.join(server, 'dist/cli.js'),
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `packages/server/dist/cli.js: ${(bytes / 1024).toFixed(0)} KB with its source map, ${Date.now() - started} ms`,
);
