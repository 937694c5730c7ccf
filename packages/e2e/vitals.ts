import type { Browser } from 'playwright-core';

/** Lighthouse's mobile profile: a mid-range phone, 4× slower CPU, slow 4G (150 ms RTT, 1.6 Mbit/s down). */
export const MOBILE = {
  viewport: { width: 412, height: 823 },
  deviceScaleFactor: 1.75,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};

const OBSERVE = `
  window.__vitals = { cls: 0, lcp: 0, shifts: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      window.__vitals.cls += e.value;
      window.__vitals.shifts.push({
        value: e.value,
        nodes: (e.sources || []).map((s) => s.node && s.node.nodeType === 1
          ? s.node.tagName.toLowerCase() + (s.node.className ? '.' + String(s.node.className).split(' ').join('.') : '')
          : String(s.node && s.node.nodeName)),
      });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    const all = list.getEntries();
    window.__vitals.lcp = all[all.length - 1].startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
`;

export type Vitals = { cls: number; lcp: number; shifts: { value: number; nodes: string[] }[] };

/**
 * Loads `url` in a fresh phone context under CPU (4×) and network throttling and returns the cumulative
 * layout shift and the largest contentful paint (ms) seen by the page's own PerformanceObservers.
 */
export async function measure(
  browser: Browser,
  url: string,
  opts: { throttle?: boolean } = {},
): Promise<Vitals> {
  const context = await browser.newContext(MOBILE);
  try {
    const page = await context.newPage();
    await page.addInitScript(OBSERVE);
    if (opts.throttle !== false) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 150,
        downloadThroughput: (1.6 * 1024 * 1024) / 8,
        uploadThroughput: (750 * 1024) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    }
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1000);
    // LCP stops at the first input; CLS keeps counting, so read both before touching the page.
    return (await page.evaluate('window.__vitals')) as Vitals;
  } finally {
    await context.close();
  }
}
