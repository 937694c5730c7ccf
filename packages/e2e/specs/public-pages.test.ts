import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors, loginDemo } from '../browser';

/**
 * Issue 15, public pages: a cadre's page within the cycle's disclosure policy, the plan beside the
 * comment form, real 404s under /take-part and for a mistyped survey code (the respondent types it
 * again), and printable survey reports and responsibility agreements.
 */
const baseUrl = inject('baseUrl');

type Json = Record<string, unknown>;
const getJson = async <T = Json>(path: string): Promise<T> =>
  (await (await fetch(`${baseUrl}${path}`)).json()) as T;

describe('public pages that explain (cadres, plans, 404, print)', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let cycle2025: string;

  beforeAll(async () => {
    const cycles = await getJson<{ items: { id: string; code: string }[] }>('/api/public/cycles');
    cycle2025 = cycles.items.find((c) => c.code === '2025-annual')!.id;
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
  });
  afterAll(async () => {
    await release(browser);
  });

  const login = (username: string) => loginDemo(page, baseUrl, username);

  async function setPolicy(policy: {
    unitResults: boolean;
    cadreGrades: boolean;
    cadreConsequences: boolean;
  }) {
    const csrf = (await context.cookies()).find((c) => c.name === 'pc_csrf')?.value ?? '';
    const res = await page.request.put(`${baseUrl}/api/cycles/${cycle2025}/disclosure`, {
      data: policy,
      headers: { 'x-csrf-token': csrf },
    });
    expect(res.status()).toBe(200);
  }

  it('a cadre’s page shows the grade of each published cycle, consequences only if the policy allows', async () => {
    await page.goto(`${baseUrl}/cadres`);
    const link = page.getByTestId('portal-cadre-link').first();
    const name = ((await link.textContent()) ?? '').trim();
    await link.click();
    await expect.poll(() => page.getByTestId('cadre-name').textContent()).toBe(name);
    const row = page.getByTestId('cadre-cycle').first();
    await row.waitFor();
    expect(await row.textContent()).toContain('2025年度综合考核');
    // The default policy publishes cadres' grades, not their consequences.
    expect(await row.locator('.pc-grade').count()).toBe(1);
    expect(await row.getByTestId('cadre-consequences').textContent()).toContain('不公布干部的结果运用');
    await shot(page, 'portal-cadre-page');

    // The office withholds cadres' grades for 2025: the page follows at once; then consequences too.
    const cadrePath = new URL(page.url()).pathname;
    expect(cadrePath).toMatch(/^\/cadres\/[0-9a-f-]{36}$/);
    await login('office');
    try {
      await setPolicy({ unitResults: true, cadreGrades: false, cadreConsequences: false });
      await page.goto(`${baseUrl}${cadrePath}`);
      await page.getByTestId('cadre-cycle').first().waitFor();
      expect(await page.getByTestId('cadre-cycle').first().textContent()).toContain('不公布干部等次');
      expect(await page.getByTestId('cadre-cycle').first().locator('.pc-grade').count()).toBe(0);
      await shot(page, 'portal-cadre-page-withheld');
      await setPolicy({ unitResults: true, cadreGrades: true, cadreConsequences: true });
      await page.reload();
      const cons = page.getByTestId('cadre-cycle').first().getByTestId('cadre-consequences');
      await cons.waitFor();
      expect(await cons.textContent()).not.toContain('不公布');
    } finally {
      await setPolicy({ unitResults: true, cadreGrades: true, cadreConsequences: false });
      await context.clearCookies();
    }
    expect(errors).toEqual([]);
  });

  it('an unknown cadre is said so', async () => {
    await page.goto(`${baseUrl}/cadres/00000000-0000-4000-8000-000000000000`);
    await page.getByTestId('cadre-not-found').waitFor();
  });

  it('the comment page shows the plan (weights, targets, rules) beside the comment form', async () => {
    const plans = await getJson<{ items: { id: string; status: string }[] }>('/api/public/plans');
    const plan = plans.items.find((p) => p.status === 'published_for_comment')!;
    await page.goto(`${baseUrl}/take-part/plans/${plan.id}`);
    const sheet = page.getByTestId('pp-plan-sheet');
    await sheet.waitFor();
    expect(await sheet.locator('thead').textContent()).toContain('评分规则');
    const rows = sheet.getByTestId('pp-plan-row');
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await sheet.textContent()).toMatch(/线性得分|按完成率/);
    const form = page.getByTestId('pp-account-form');
    await form.waitFor();
    // Beside: the form's left edge is right of the plan's.
    const a = (await sheet.boundingBox())!;
    const b = (await form.boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(a.x + a.width - 1);
    await shot(page, 'portal-plan-beside-comment');
    // On a phone the plan comes first, the form below it.
    await page.setViewportSize({ width: 375, height: 812 });
    const a2 = (await sheet.boundingBox())!;
    const b2 = (await form.boundingBox())!;
    expect(b2.y).toBeGreaterThan(a2.y + a2.height - 1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shot(page, 'portal-plan-beside-comment-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(errors).toEqual([]);
  });

  it('an unknown /take-part address is a real 404', async () => {
    const res = await page.goto(`${baseUrl}/take-part/no-such-page`);
    expect(res?.status()).toBe(404);
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByTestId('not-found').textContent()).toContain('404');
    await shot(page, 'portal-take-part-404');
    expect((await page.goto(`${baseUrl}/take-part/rate`))?.status()).toBe(200);
  });

  it('a mistyped survey code says so and lets the respondent type it again', async () => {
    await page.goto(`${baseUrl}/s`);
    await page.locator('#code').fill('abcde-23456');
    await page.getByRole('button', { name: /继续|开始|进入|确定/ }).click();
    const again = page.getByTestId('code-again');
    await again.waitFor();
    await shot(page, 'survey-code-not-found');
    await again.click();
    await page.locator('#code').waitFor();
    expect(new URL(page.url()).pathname).toBe('/s');
  });

  it('a survey report prints without navigation and with its address', async () => {
    const surveys = await getJson<{ items: { id: string }[] }>('/api/public/surveys');
    await page.goto(`${baseUrl}/surveys/${surveys.items[0].id}`);
    await page.getByTestId('survey-report').waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.pc-header').isVisible()).toBe(false);
    expect(await page.getByTestId('print-url').textContent()).toContain(`/surveys/${surveys.items[0].id}`);
    await shot(page, 'portal-survey-report-print');
    await page.emulateMedia({ media: 'screen' });
  });

  it('a responsibility agreement prints with the plan, without the console, with signature lines', async () => {
    await login('office');
    const plans = (await (await page.request.get(`${baseUrl}/api/plans?cycleId=${cycle2025}`)).json()) as {
      items: { id: string; status: string }[];
    };
    const approved = plans.items.find((p) => p.status === 'approved')!;
    await page.goto(`${baseUrl}/console/plans/${approved.id}`);
    await page.getByTestId('agreement-panel').waitFor();
    expect(await page.getByTestId('agreement-signatures').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('side-menu').isVisible()).toBe(false);
    expect(await page.getByTestId('print-agreement').isVisible()).toBe(false);
    expect(await page.getByTestId('agreement-signatures').isVisible()).toBe(true);
    expect(await page.getByTestId('agreement-signatures').textContent()).toContain('签字盖章');
    await shot(page, 'console-agreement-print');
    await page.emulateMedia({ media: 'screen' });
    await context.clearCookies();
  });
});
