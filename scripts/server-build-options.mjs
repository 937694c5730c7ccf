// The esbuild options of the server's build, shared by the release build (scripts/build-server.mjs)
// and the test build of the process tests (packages/server/test/compile-server.ts), so the processes
// the tests start run what production runs. The workspaces (server, domain, contracts: TypeScript
// sources) are bundled; registry packages stay external, resolved from node_modules at run time
// (PGlite's WebAssembly, pg, fastify's plugins, …).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const deps = (workspace) =>
  Object.keys(
    JSON.parse(readFileSync(path.join(root, 'packages', workspace, 'package.json'), 'utf8')).dependencies ??
      {},
  );

/** esbuild options every server build uses; the caller adds entry points and output paths. */
export function serverBuildOptions() {
  const external = [...new Set(['server', 'domain', 'contracts'].flatMap(deps))].filter(
    (d) => !d.startsWith('@perfcommons/'),
  );
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Stack traces map back to src/ under --enable-source-maps.
    sourcemap: true,
    // Subpaths too (drizzle-orm/pglite, zod/v4, …).
    external: external.flatMap((d) => [d, `${d}/*`]),
    // Bundled CommonJS helpers may call require(); an ES module has none unless given one.
    banner: {
      js: "import { createRequire as __pcCreateRequire } from 'node:module'; const require = __pcCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}
