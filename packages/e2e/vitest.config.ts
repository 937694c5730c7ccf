import { defineConfig } from 'vitest/config';

// Browser journeys against the real servers (started once in global-setup.ts), one file after another
// (they share the demo city's data) in one process: the browser is launched once (browser.ts `launch`)
// instead of a process and a chromium per file. The files share nothing else: each opens its own browser
// contexts and closes them at its end. (Two vitest processes side by side, each with servers of its own,
// were tried: 724 s against 824 s in one, at a load of ~10 on 2 cores, where the browser suite is bound
// by CPU and every timeout is nearer; not worth a second demo city.)
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['specs/**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
    isolate: false,
  },
});
