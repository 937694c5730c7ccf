/**
 * Public pages on a phone (issue 15): the largest contentful paint of home, units and take-part under
 * Lighthouse's mobile profile (4× CPU, 150 ms RTT, 1.6 Mbit/s), median of three loads each, against
 * Google's "good" (2.5 s). The browser suite asserts only what is deterministic (layout shift); this
 * timing moves with the machine's load, so it is measured here and reported, best on a quiet machine.
 *
 * Starts the demo server as `npm start` does (its own embedded database, demo seeded) and Debian's
 * chromium. Needs packages/web/dist (`npm run build:web`). Env: CHROMIUM_PATH (default /usr/bin/chromium);
 * BENCH_LOADS — loads per page (default 3).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { launch } from '../packages/e2e/browser';
import { repoRoot, startServer } from '../packages/e2e/server';
import { measure } from '../packages/e2e/vitals';
import type { BenchFigures } from './run';

const TARGET_MS = 2500;

export default async function vitals(): Promise<BenchFigures> {
  if (!existsSync(join(repoRoot, 'packages/web/dist/index.html')))
    throw new Error('packages/web/dist is missing: run `npm run build:web` first');
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`no chromium at ${chromium} (apt-get install chromium)`);
  const loads = Math.max(1, Number(process.env.BENCH_LOADS ?? 3));

  const server = await startServer({}, ['--seed-if-empty']);
  const browser = await launch();
  const figures: BenchFigures = {};
  try {
    const orgs = (await (await fetch(`${server.baseUrl}/api/public/orgs`)).json()) as {
      items: { id: string; code: string }[];
    };
    const unit = orgs.items.find((o) => o.code === 'bs') ?? orgs.items[0];
    const pages: [string, string][] = [
      ['home', '/'],
      ['units', '/units'],
      ['take-part', '/take-part'],
      ['unit', `/units/${unit.id}`],
    ];
    // One unmeasured load first: the server's first answers warm its caches, as on a running site.
    await measure(browser, `${server.baseUrl}/`);
    console.log(`load average ${loadavg()[0].toFixed(1)} before measuring`);
    let worst = 0;
    for (const [name, path] of pages) {
      const lcps: number[] = [];
      let cls = 0;
      for (let i = 0; i < loads; i++) {
        const v = await measure(browser, `${server.baseUrl}${path}`);
        lcps.push(v.lcp);
        cls = Math.max(cls, v.cls);
      }
      const median = [...lcps].sort((a, b) => a - b)[Math.floor(lcps.length / 2)];
      if (name !== 'unit') worst = Math.max(worst, median);
      console.log(
        `${name.padEnd(10)} LCP median ${Math.round(median)} ms of ${lcps.map(Math.round).join(', ')}; CLS ≤ ${cls.toFixed(3)}`,
      );
      figures[`${name} LCP (median of ${loads})`] = `${Math.round(median)} ms`;
    }
    figures['home/units/take-part worst median'] =
      `${Math.round(worst)} ms (target ≤ ${TARGET_MS} ms: ${worst > 0 && worst <= TARGET_MS ? 'met' : 'NOT met'})`;
    figures['load average after'] = loadavg()[0].toFixed(1);
    return figures;
  } finally {
    await browser.close();
    await server.stop();
  }
}
