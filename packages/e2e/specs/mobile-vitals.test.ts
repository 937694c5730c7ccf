import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from '../browser';
import { measure } from '../vitals';

/**
 * Issue 15, public pages fast on a phone: loading a public page on a throttled phone (Lighthouse's mobile
 * profile) moves nothing once shown: cumulative layout shift at most 0.1 (Google's "good"). Layout shift
 * is deterministic for a given page and viewport. The largest contentful paint is a timing: printed for
 * every page, and held to 2.5 s (Google's "good") on the three pages the issue measured (home, units,
 * take-part) as the median of three loads, as Lighthouse users do against its run-to-run variance.
 */
const baseUrl = inject('baseUrl');

describe('public pages on a phone: no layout shift', () => {
  let browser: Browser;
  const paths: Record<string, string> = {
    home: '/',
    units: '/units',
    takePart: '/take-part',
    cadres: '/cadres',
    surveys: '/surveys',
    comment: '/take-part/comment',
  };

  beforeAll(async () => {
    const orgs = (await (await fetch(`${baseUrl}/api/public/orgs`)).json()) as {
      items: { id: string; code: string }[];
    };
    paths.unit = `/units/${orgs.items.find((o) => o.code === 'bs')!.id}`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('CLS ≤ 0.1 on every public page (LCP printed)', async () => {
    const rows: string[] = [];
    const bad: string[] = [];
    for (const [name, path] of Object.entries(paths)) {
      const v = await measure(browser, `${baseUrl}${path}`);
      rows.push(`${name.padEnd(9)} CLS ${v.cls.toFixed(3)}  LCP ${Math.round(v.lcp)} ms`);
      if (v.cls > 0.1) bad.push(`${path}: CLS ${v.cls.toFixed(3)} ${JSON.stringify(v.shifts)}`);
    }
    console.log(`mobile vitals (4× CPU, 150 ms RTT, 1.6 Mbit/s):\n${rows.join('\n')}`);
    expect(bad).toEqual([]);
  });

  it('LCP ≤ 2.5 s on home, units and take-part (median of three loads)', async () => {
    const rows: string[] = [];
    const slow: string[] = [];
    for (const name of ['home', 'units', 'takePart']) {
      const lcps: number[] = [];
      for (let i = 0; i < 3; i++) lcps.push((await measure(browser, `${baseUrl}${paths[name]}`)).lcp);
      const median = [...lcps].sort((a, b) => a - b)[1];
      rows.push(
        `${name.padEnd(9)} LCP median ${Math.round(median)} ms of ${lcps.map(Math.round).join(', ')}`,
      );
      if (!(median > 0 && median <= 2500)) slow.push(`${paths[name]}: LCP ${Math.round(median)} ms`);
    }
    console.log(`mobile LCP (4× CPU, 150 ms RTT, 1.6 Mbit/s):\n${rows.join('\n')}`);
    expect(slow).toEqual([]);
  });
});
