import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

/**
 * Issue 13 in the browser: the published survey report shows the new figures — the margin of error
 * beside the index with the method that estimated it, the AAPOR outcome rates — and strata by their
 * labels, never by stored keys such as `business|bs|rural`; the office's analysis switches the variance
 * to jackknife replicate weights and says so beside the margin of error.
 */
const baseUrl = inject('baseUrl');

describe('survey report in the browser', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let surveyId: string;

  beforeAll(async () => {
    const list = (await (await fetch(`${baseUrl}/api/public/surveys`)).json()) as {
      items: { id: string; code: string }[];
    };
    surveyId = list.items.find((s) => s.code === '2025-satisfaction')!.id;
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = trackErrors(page);
  });
  afterAll(async () => {
    await release(browser);
  });

  it('portal: index ± margin of error with its method, AAPOR rates, strata by label (zh and en)', async () => {
    const report = (await (await fetch(`${baseUrl}/api/public/surveys/${surveyId}`)).json()) as {
      analysis: { satisfaction: { overall: { mean: number; moe: number } } };
      methodology: { fieldwork: { strata: { stratum: string }[] } };
    };
    const { mean, moe } = report.analysis.satisfaction.overall;
    await page.goto(`${baseUrl}/surveys/${surveyId}`);
    const overall = page.getByTestId('survey-overall');
    await overall.waitFor();
    expect(await overall.textContent()).toContain(mean.toFixed(1));
    expect(await page.getByTestId('survey-overall-moe').textContent()).toBe(`±${moe.toFixed(1)}`);
    expect(await page.getByTestId('survey-overall-method').textContent()).toBe('泰勒线性化');
    const aapor = (await page.getByTestId('survey-aapor').textContent()) ?? '';
    for (const rate of ['RR1', 'COOP1', 'REF1', 'CON1'])
      expect(aapor).toMatch(new RegExp(`${rate} \\d+\\.\\d%`));
    // Per-department table: a margin of error on every row, the method in the column header.
    const table = page.locator('.sr-table').first();
    expect(await table.locator('thead').textContent()).toContain('误差范围 (泰勒线性化)');
    const moes = await table.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(moes.length).toBeGreaterThan(3);
    for (const m of moes) expect(m).toMatch(/^±\d+\.\d$/);
    // Strata by label, never by key.
    const article = (await page.getByTestId('survey-report').textContent()) ?? '';
    expect(report.methodology.fieldwork.strata.map((s) => s.stratum)).toContain('business|bs|rural');
    expect(article).not.toContain('|');
    expect(article).not.toMatch(/\b(business|household|enterprise|respondentType)\b/);
    expect(article).toContain('个体工商户 · 北山区人民政府 · 农村');
    expect(article).toContain('按受访者类型 × 区县 × 城乡分层');
    await shot(page, 'portal-survey-report');

    await page.getByTestId('lang-switch').click();
    await expect
      .poll(() => page.getByTestId('survey-overall-method').textContent())
      .toBe('Taylor linearisation');
    const en = (await page.getByTestId('survey-report').textContent()) ?? '';
    expect(en).toContain('individual business · Beishan District · rural');
    expect(en).toContain('AAPOR outcome rates');
    expect(en).not.toContain('|');
    await page.getByTestId('lang-switch').click();
    expect(errors).toEqual([]);
  });

  it('console: the office switches the variance to jackknife and sees the method beside the margin', async () => {
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill('office');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();
    await page.goto(`${baseUrl}/console/surveys/${surveyId}`);
    await page.getByRole('tab', { name: '数据分析' }).click();
    const method = page.getByTestId('survey-overall-method');
    await method.waitFor();
    expect(await method.textContent()).toBe('泰勒线性化');
    await page.getByTestId('survey-variance').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '刀切法重复权数' }).click();
    await expect.poll(() => method.textContent(), { timeout: 60_000 }).toBe('刀切法重复权数');
    const jkMoe = (await page.getByTestId('survey-overall-moe').textContent()) ?? '';
    expect(jkMoe).toMatch(/^± \d+\.\d/);
    const analysis = (await page.getByTestId('survey-analysis').textContent()) ?? '';
    expect(analysis).toMatch(/JKn，\d+ 组重复权数/);
    // Strata by label in the office's analysis too.
    expect(analysis).toContain('个体工商户 · 北山区人民政府 · 农村');
    await shot(page, 'console-survey-jackknife');
    expect(errors).toEqual([]);
  });

  it('console: an export runs as a job, its bar fills, and the file downloads when it is done', async () => {
    const csv = page.getByTestId('survey-export-csv');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      csv.getByRole('button').click(),
    ]);
    expect(download.suggestedFilename()).toBe('survey-answers.csv');
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.startsWith('\uFEFFresponse,')).toBe(true);
    expect(text.split('\r\n').length).toBeGreaterThan(1);
    await csv.getByTestId('job-progress').getByText('已完成').waitFor();
    expect(await csv.getByTestId('survey-export-csv-file').textContent()).toBe('下载文件（保留 24 小时）');
    await shot(page, 'console-survey-export-job');
    expect(errors).toEqual([]);
  });
});
