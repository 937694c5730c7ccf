#!/usr/bin/env node
// Compiles the server (with the domain and contracts workspaces it imports, which ship TypeScript
// sources) into one ES module, packages/server/dist/cli.js, so production runs on plain Node without
// tsx: `npm ci --omit=dev && node packages/server/dist/cli.js start`. Registry packages stay external
// (resolved from node_modules at run time: PGlite's WebAssembly, pg, fastify's plugins, …).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(root, 'packages/server');
const deps = (dir) =>
  Object.keys(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies ?? {});
const external = [
  ...new Set(['server', 'domain', 'contracts'].flatMap((p) => deps(path.join(root, 'packages', p)))),
].filter((d) => !d.startsWith('@perfcommons/'));

const started = Date.now();
const result = await build({
  entryPoints: [path.join(server, 'src/cli.ts')],
  outfile: path.join(server, 'dist/cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  // Subpaths too (drizzle-orm/pglite, zod/v4, …).
  external: external.flatMap((d) => [d, `${d}/*`]),
  // Bundled CommonJS helpers may call require(); an ES module has none unless given one.
  banner: {
    js: "import { createRequire as __pcCreateRequire } from 'node:module'; const require = __pcCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `packages/server/dist/cli.js: ${(bytes / 1024).toFixed(0)} KB with its source map, ${Date.now() - started} ms`,
);
