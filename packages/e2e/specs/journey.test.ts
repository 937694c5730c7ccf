import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

const baseUrl = inject('baseUrl');

describe('office journey: plan → results → breakdown, English, public portal', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
  });

  afterAll(async () => {
    await release(browser);
  });

  it('logs in as the performance office', async () => {
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill('office');
    await page.locator('#password').fill('demo1234');
    await shot(page, '01-console-login');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();
    // The office lands on 我的待办; the cycles are one menu item away.
    await page.getByTestId('side-menu').getByText('考核周期').first().click();
    await page.getByTestId('cycle-link').first().waitFor();
    await shot(page, '02-console-cycles');
  });

  it('edits a plan: a wrong weight shows the live validation, the fix clears it, save succeeds', async () => {
    await page.getByTestId('side-menu').getByText('绩效计划').click();
    await page.getByTestId('plan-link').first().waitFor();
    await shot(page, '03-console-plans');
    await page.getByTestId('plan-link').first().click();
    await page.getByTestId('plan-tree').waitFor();
    await page.getByTestId('plan-validation').getByText('校验通过').waitFor();

    const weight = page
      .locator('[data-testid^="weight-"]')
      .first()
      .locator('input')
      .or(page.locator('input[data-testid^="weight-"]').first());
    const original = await weight.first().inputValue();
    await weight.first().fill(String(Number(original) + 10));
    const problem = page.getByTestId('problem-root');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('110');
    expect(await page.getByTestId('sum-root').innerText()).toContain('110');
    await shot(page, '04-console-plan-editor-invalid');

    await weight.first().fill(original);
    await page.getByTestId('plan-validation').getByText('校验通过').waitFor();
    expect(await problem.count()).toBe(0);
    await page.getByTestId('plan-save').click();
    await page.getByText(/已保存（版本 \d+）/).waitFor();
    await shot(page, '05-console-plan-editor-saved');
  });

  it('shows the published results of a cycle and explains one score', async () => {
    await page.getByTestId('side-menu').getByText('考核周期').click();
    await page.getByTestId('cycle-link').filter({ hasText: '2025年度' }).first().click();
    await page.getByTestId('stage-steps').waitFor();
    await shot(page, '06-console-cycle');
    await page.getByRole('button', { name: /查看结果/ }).click();
    // 2025 is published: its results are frozen and not recomputed (the office walk computes its own cycle).
    await page.getByTestId('results-table').locator('tbody tr.ant-table-row').first().waitFor();
    await page.getByTestId('grade-chart').locator('canvas').waitFor();
    await page.getByTestId('results-table').locator('tbody tr.ant-table-row').first().click();
    await page.getByTestId('radar-chart').locator('canvas').waitFor();
    await shot(page, '07-console-results');

    await page.getByTestId('explain').first().click();
    const drawer = page.getByTestId('breakdown-drawer');
    await drawer.getByTestId('breakdown-total').waitFor();
    await drawer.getByTestId('breakdown-tree').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await drawer.getByText('贡献分').count()).toBeGreaterThan(0);
    await shot(page, '08-console-breakdown');
  });

  it('switches the console to English', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('breakdown-drawer').waitFor({ state: 'hidden' });
    await page.getByTestId('lang-switch').getByText('English').click();
    await page.getByTestId('side-menu').getByText('Results').waitFor();
    await page.getByText('Grade distribution').waitFor();
    await shot(page, '09-console-results-en');
    await page.getByTestId('explain').first().click();
    await page.getByText('How the score is made', { exact: false }).first().waitFor();
    expect(await page.getByText('Contribution').count()).toBeGreaterThan(0);
    await shot(page, '10-console-breakdown-en');
    expect(errors).toEqual([]);
  });

  it('reports data by upload (row-by-row errors), and verifies the audit chain', async () => {
    const cycles = (await (await page.request.get(`${baseUrl}/api/cycles`)).json()) as {
      items: { id: string; code: string }[];
    };
    const annual = cycles.items.find((c) => c.code === '2025-annual')!;
    const plans = (await (await page.request.get(`${baseUrl}/api/plans?cycleId=${annual.id}`)).json()) as {
      items: { id: string; appraiseeType: string }[];
    };
    const plan = plans.items.find((p) => p.appraiseeType === 'unit')!;
    await page.goto(`${baseUrl}/console/plans/${plan.id}/values?cycleId=${annual.id}`);
    await page.getByTestId('values-upload').waitFor();
    await page.locator('input[type=file][accept=".xlsx,.csv"]').setInputFiles({
      name: 'values.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('indicatorCode,period,value,note\nA1,2025,95,ok\nA2,2025-13,abc,bad row\n'),
    });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    // The sheet is read before anything is stored: the bad row refuses the whole import (row details
    // are checked by the API tests of values/import).
    await report
      .getByText(/nothing was stored|未保存|problem|问题/)
      .first()
      .waitFor();
    await shot(page, '11-console-values-import-errors');

    await page.goto(`${baseUrl}/console/orgs`);
    await page.locator('.ant-tree-title').first().waitFor();
    await page.locator('.ant-table-row').first().waitFor();
    await shot(page, '12-console-orgs');

    await page.goto(`${baseUrl}/console/audit`);
    await page.locator('.ant-table-row').first().waitFor();
    await page.getByTestId('audit-verify').click();
    await page.getByTestId('audit-status').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('audit-status').getAttribute('class')).toContain('success');
    await shot(page, '13-console-audit');
    expect(errors).toEqual([]);
  });

  it('shows a unit’s published results on the public portal at 375 px', async () => {
    const mobile = await browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const p = await mobile.newPage();
    p.setDefaultTimeout(30_000);
    const portalErrors = trackErrors(p);
    await p.goto(`${baseUrl}/`);
    await p.getByTestId('portal-cycle').first().waitFor();
    await shot(p, '14-portal-home-375');
    await p.goto(`${baseUrl}/units`);
    await p.getByTestId('portal-unit-link').first().waitFor();
    await shot(p, '15-portal-units-375');
    // A department (not the government itself) has a unit plan with published results.
    await p.getByTestId('portal-unit-link').filter({ hasText: '局' }).first().click();
    await p.getByTestId('portal-result').waitFor();
    await p.getByTestId('portal-ranking-chart').locator('canvas').waitFor();
    const overflow = await p.evaluate('document.documentElement.scrollWidth');
    expect(overflow).toBeLessThanOrEqual(375);
    await shot(p, '16-portal-unit-results-375');
    expect(portalErrors).toEqual([]);
    await mobile.close();
  });
});
