import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Server tests that use no database of the platform (pure logic; copy-binary's own in-memory PGlite):
 * the same on PGlite and PostgreSQL, so they run once, in the PGlite run, as project `server-unit`
 * (the PostgreSQL run is `--project server`). A test that opens the platform's database (test/helper,
 * openDatabase, TEST_DB) belongs in `server`, which runs on both.
 */
const serverUnit = [
  'packages/server/src/lib/hash.test.ts',
  'packages/server/src/lib/crypto.test.ts',
  'packages/server/src/lib/copy-binary.test.ts',
  'packages/server/src/lib/copy-out.test.ts',
  'packages/server/src/lib/sheet-stream.test.ts',
  'packages/server/src/modules/audit/bulk-entries.test.ts',
  'packages/server/src/modules/audit/retention.test.ts',
  'packages/server/test/error-codes.test.ts',
];

export default defineConfig({
  test: {
    // One test file per core. (Vitest's own default for a run is one fewer than the cores: on a
    // 2-core machine, one file at a time, while most files wait on a database or a child process.)
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      { test: { name: 'domain', include: ['packages/domain/src/**/*.test.ts'] } },
      {
        test: {
          name: 'server-unit',
          include: serverUnit,
          testTimeout: 60_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...serverUnit],
          // The demo city is seeded once per run; every test file starts from a copy of it.
          globalSetup: ['packages/server/test/global-setup.ts'],
          // The files of a worker share one module graph (no isolation): importing the server's modules
          // costs ~3 s per file, paid once per worker instead (summed import time 412 s -> 26 s on PGlite).
          // Every file builds its own app on its own database copy; module state is keyed by database
          // handle; restore-env.ts puts back what a file changed in process.env. A file that mocks a
          // module resets the module cache first (vi.hoisted(() => vi.resetModules())).
          isolate: false,
          setupFiles: ['packages/server/test/restore-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
