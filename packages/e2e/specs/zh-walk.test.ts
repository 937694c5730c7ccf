import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors, loginDemo } from '../browser';

/**
 * Issue 15, complete localisation: a walk of every console page (and each of its tabs) as each role
 * in zh-CN, and of the portal as a citizen, finds no English words in the visible text (placeholders and
 * accessible names included). Codes, units, acronyms, usernames and proper names are allowed.
 */
const baseUrl = inject('baseUrl');

/** Latin words a Chinese page may show: product and format names, units, standard terms. */
const ALLOWED = new Set(
  [
    'PerfCommons',
    'PGlite',
    'PostgreSQL',
    'Excel',
    'OpenAPI',
    'Likert',
    'Taylor',
    'Bootstrap',
    'Jackknife',
    'English',
    'Krippendorff',
    'Cronbach',
    'Kendall',
    'Fleiss',
    'Cohen',
    'kg',
    'km',
    'kWh',
    'ha',
    'mg',
    'ms',
    'pp',
  ].map((w) => w.toLowerCase()),
);

/** Visible text of the page: text nodes that render, and placeholders, titles and aria-labels. */
const VISIBLE_TEXT = `(() => {
  const out = [];
  const visible = (el) => {
    // Not UI text: what users typed (form fields), code and file formats, text marked as English.
    if (!el || el.closest('[aria-hidden="true"], script, style, noscript, textarea, code, kbd, samp, [lang^="en"]'))
      return false;
    const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    const n = w.currentNode;
    if (n.textContent.trim() && visible(n.parentElement)) out.push(n.textContent);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    // Inputs for the English version of a text say so in Chinese; their value is data.
    if (!visible(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  return out.join('\\n');
})()`;

/** English words in `text`: Latin letter runs that are not codes, acronyms, identifiers or allowed names. */
export function englishWords(text: string): string[] {
  const found = new Set<string>();
  // Addresses are not words; a letter run glued to a digit, hyphen, dot or slash is part of a code
  // (2025-annual, v1.2, a/b).
  const plain = text.replace(/\b[a-z][a-z+.-]*:\/\/\S*/gi, ' ');
  for (const m of plain.matchAll(/(?<![A-Za-z0-9_.@/-])[A-Za-z][A-Za-z0-9._@'’/-]*/g)) {
    const w = m[0].replace(/[.'’/-]+$/, '');
    if (w.length < 2) continue;
    if (/\d/.test(w)) continue; // codes: A1, 2025Q4, leader01
    if (/^[a-f]{8,}$/.test(w)) continue; // hash prefixes that happen to have no digit: ceecefce
    if (/^[A-Z][A-Z0-9_-]*$/.test(w)) continue; // acronyms and indicator codes: CSV, NENG, GOV-KEY-TASKS
    if (/[._@/]/.test(w)) continue; // usernames, e-mail, file names, paths: edu.manager, a/b
    if (/^[A-Z][a-z]?$/.test(w)) continue; // unit symbols: Mt, Pa
    if (ALLOWED.has(w.toLowerCase())) continue;
    found.add(w);
  }
  return [...found];
}

describe('zh-CN walk of every console page as each role', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const findings: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
  });
  afterAll(async () => {
    await release(browser);
  });

  const login = (username: string) => loginDemo(page, baseUrl, username);

  async function settle() {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
  }

  /** Checks the visible text of the page, then of each of its tabs in turn. */
  async function check(role: string, where: string) {
    await settle();
    const record = async (label: string) => {
      const words = englishWords((await page.evaluate(VISIBLE_TEXT)) as string);
      if (words.length) findings.push(`${role} ${label}: ${words.join(', ')}`);
    };
    await record(where);
    const tabs = page.locator('.ant-tabs-nav [role="tab"]:not([aria-selected="true"])');
    const n = await tabs.count();
    for (let i = 0; i < n; i++) {
      const tab = page.locator('.ant-tabs-nav [role="tab"]').nth(i);
      if ((await tab.getAttribute('aria-selected')) === 'true' || !(await tab.isVisible())) continue;
      const name = ((await tab.textContent()) ?? '').trim();
      await tab.click();
      await settle();
      await record(`${where} › ${name}`);
    }
  }

  /** Every page of the side menu (the role's own), then the given detail pages. */
  async function walk(role: string, details: string[] = []) {
    await login(role);
    const keys = await page
      .getByTestId('side-menu')
      .locator('li[role="menuitem"]')
      .evaluateAll((els) =>
        els.map((e) => e.getAttribute('data-menu-id')?.replace(/^.*?(\/[^/]*)$/, '$1') ?? ''),
      );
    const paths = [...new Set(keys.filter((k) => k.startsWith('/')))].map((k) => `/console${k}`);
    for (const p of [...paths, ...details]) {
      await page.goto(`${baseUrl}${p}`);
      await check(role, p);
    }
    await shot(page, `zh-walk-${role}`);
    return paths;
  }

  async function apiGet<T>(path: string): Promise<T> {
    return (await (await page.request.get(`${baseUrl}${path}`)).json()) as T;
  }

  it('office sees Chinese only on every page and tab', { timeout: 600_000 }, async () => {
    await login('office');
    const cycles = await apiGet<{ items: { id: string; code: string }[] }>('/api/cycles');
    const c2025 = cycles.items.find((c) => c.code === '2025-annual')!.id;
    const c2026 = cycles.items.find((c) => c.code === '2026-annual')!.id;
    const plans = await apiGet<{ items: { id: string; status: string }[] }>(`/api/plans?cycleId=${c2026}`);
    const plan2026 = plans.items[0].id;
    const approved = (
      await apiGet<{ items: { id: string; status: string }[] }>(`/api/plans?cycleId=${c2025}`)
    ).items.find((p) => p.status === 'approved')!.id;
    const surveys = await apiGet<{ items: { id: string }[] }>('/api/surveys');
    const office = await walk('office', [
      `/console/cycles/${c2025}`,
      `/console/cycles/${c2026}`,
      `/console/plans/${plan2026}`,
      `/console/plans/${approved}`,
      `/console/plans/${approved}/values`,
      ...(surveys.items[0] ? [`/console/surveys/${surveys.items[0].id}`] : []),
    ]);
    expect(office.length).toBeGreaterThan(8);
    expect(findings.splice(0).join('\n')).toBe('');
    expect(errors).toEqual([]);
  });

  for (const role of [
    'edu.manager',
    'verifier',
    'leader01',
    'expert01',
    'edu.head',
    'admin',
    'security',
    'auditor',
  ])
    it(`${role} sees Chinese only on every page and tab`, { timeout: 300_000 }, async () => {
      await walk(role);
      expect(findings.splice(0).join('\n')).toBe('');
      expect(errors).toEqual([]);
    });

  it('a citizen on the portal sees Chinese only', async () => {
    await context.clearCookies();
    const orgs = (await (await fetch(`${baseUrl}/api/public/orgs`)).json()) as { items: { id: string }[] };
    const people = (await (await fetch(`${baseUrl}/api/public/people`)).json()) as {
      items: { id: string }[];
    };
    const out: string[] = [];
    for (const p of [
      '/',
      '/units',
      `/units/${orgs.items[0].id}`,
      '/cadres',
      `/cadres/${people.items[0].id}`,
      '/surveys',
      '/take-part',
      '/take-part/comment',
      '/take-part/rate',
      '/take-part/needs',
      '/take-part/improvements',
      '/take-part/report',
    ]) {
      await page.goto(`${baseUrl}${p}`);
      await settle();
      const words = englishWords((await page.evaluate(VISIBLE_TEXT)) as string).filter(
        // The language switch names the other language in that language.
        (w) => w !== 'English',
      );
      if (words.length) out.push(`${p}: ${words.join(', ')}`);
    }
    expect(out.join('\n')).toBe('');
  });
});
