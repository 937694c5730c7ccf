import { defineConfig } from 'vitest/config';

// Browser journeys against the real server (started once in global-setup.ts).
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['specs/**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
    // One process for all files, one after another: the browser is launched once (browser.ts `launch`)
    // instead of a process and a chromium per file. The files share nothing else: each opens its own
    // browser contexts and closes them at its end.
    isolate: false,
  },
});
