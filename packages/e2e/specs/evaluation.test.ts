import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors, loginDemo, postAs } from '../browser';

const baseUrl = inject('baseUrl');

describe('evaluation: a leader rates, the office reads rater quality, a unit appeals and the office accepts', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const cycle: Record<string, string> = {};

  /** Signs in on a fresh session (the previous user's cookies are dropped). */
  const login = (username: string) => loginDemo(page, baseUrl, username);

  const post = (path: string, body: unknown) => postAs(page, baseUrl, path, body);

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
    const res = await page.request.get(`${baseUrl}/api/public/cycles`);
    for (const c of ((await res.json()) as { items: { id: string; code: string }[] }).items)
      cycle[c.code] = c.id;
  });

  afterAll(async () => {
    await release(browser);
  });

  it('leader01 rates one indicator of a term plan; a second submit of the same indicator shows the 409', async () => {
    await login('leader01');
    await page.getByTestId('side-menu').getByText('我的评分任务').click();
    const tasks = page.getByTestId('rating-tasks');
    await tasks.locator('tbody tr.ant-table-row').first().waitFor();
    await shot(page, 'e01-rater-tasks');

    await tasks.getByTestId('rate-open').first().click();
    const drawer = page.getByTestId('rating-drawer');
    // antd puts the test id on the InputNumber's <input>.
    const inputs = drawer.locator('input[data-testid^="score-"]');
    await inputs.first().waitFor();
    const first = await inputs.first().getAttribute('data-testid');
    const second = await inputs.nth(1).getAttribute('data-testid');
    const code = first!.slice('score-'.length);
    const code2 = second!.slice('score-'.length);

    await inputs.first().fill('88');
    await drawer.getByTestId(`submit-${code}`).click();
    await drawer.getByTestId(`rated-${code}`).waitFor();
    expect(await drawer.getByTestId(`rated-${code}`).innerText()).toContain('88');

    // The same indicator rated elsewhere (another tab) meanwhile: the form still offers it, the server says 409.
    const mine = (await (await page.request.get(`${baseUrl}/api/ratings/tasks`)).json()) as {
      items: { planId: string; cycleId: string; subjectType: string }[];
    };
    const task = mine.items.find((x) => x.cycleId === cycle['2021-2025-term'])!;
    const other = await post(`/api/plans/${task.planId}/ratings`, {
      indicatorCode: code2,
      subjectType: task.subjectType,
      score: 75,
    });
    expect(other.status()).toBe(201);
    await drawer.getByTestId(`score-${code2}`).fill('90');
    await drawer.getByTestId(`submit-${code2}`).click();
    await drawer.getByTestId('rating-conflict').waitFor();
    expect(await drawer.getByTestId('rating-conflict').innerText()).toContain('409');
    await drawer.getByTestId(`rated-${code2}`).waitFor();
    await shot(page, 'e02-rater-form-409');
    expect(errors).toEqual([]);
  });

  it('the office reads rules (frozen, with versions), panels and rater quality of the term cycle', async () => {
    await login('office');
    const term = cycle['2021-2025-term'];
    await page.goto(`${baseUrl}/console/evaluation/rules?cycleId=${term}`);
    await page.getByTestId('rules-state').getByText('已冻结', { exact: false }).waitFor();
    await page.getByTestId('rules-versions').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await page.getByTestId('rules-save').count()).toBe(0);
    expect(await page.getByTestId('regulations-link').getAttribute('href')).toBe(
      `/cycles/${term}/regulations`,
    );
    await shot(page, 'e03-office-rules-frozen');

    await page.getByTestId('evaluation-tabs').getByRole('tab', { name: '评价组' }).click();
    await page.getByTestId('panels-table').locator('tbody tr.ant-table-row').first().waitFor();
    await shot(page, 'e04-office-panels');

    await page.getByTestId('evaluation-tabs').getByRole('tab', { name: '评分质量' }).click();
    await page.getByTestId('quality-panels').locator('tbody tr.ant-table-row').first().waitFor();
    await page.getByTestId('quality-raters').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await page.getByText('Krippendorff', { exact: false }).count()).toBeGreaterThan(0);
    // leader01's score above sits in the superior panel.
    expect(await page.getByTestId('quality-raters').getByText('leader01').count()).toBeGreaterThan(0);
    await shot(page, 'e05-office-rater-quality');
    expect(errors).toEqual([]);
  });

  it('a unit manager appeals one score from the breakdown of a published result', async () => {
    await login('cul.manager');
    await page.goto(`${baseUrl}/console/results?cycleId=${cycle['2025-annual']}`);
    const table = page.getByTestId('results-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    await page.locator('.ant-segmented').getByText('单位', { exact: true }).click();
    await page.getByPlaceholder('搜索考核对象').fill('文化广电');
    const row = table.locator('tbody tr.ant-table-row').filter({ hasText: '市文化广电和旅游局' });
    await row.waitFor();
    await row.getByTestId('explain').click();
    const drawer = page.getByTestId('breakdown-drawer');
    await drawer.getByTestId('breakdown-total').waitFor();
    await drawer.getByTestId('appeal-open').click();

    const form = page.getByTestId('appeal-form');
    await form.getByTestId('appeal-indicator').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: 'A2' })
      .click();
    await form.getByTestId('appeal-reason').fill('公共文化服务活动场次已经统计局核实，系统未计入');
    await form.getByTestId('appeal-evidence-0').fill('统计局核实函〔2026〕12号');
    await shot(page, 'e06-unit-appeal-form');
    // The chosen indicator is in the form before it is sent (a slow dropdown must not leave it empty).
    await form.locator('.ant-select-selection-item').filter({ hasText: 'A2' }).waitFor();
    const filed = page.waitForResponse(
      (r) => r.url().includes('/appeals') && r.request().method() === 'POST',
    );
    await page.getByTestId('appeal-submit').click();
    const answer = await filed;
    expect(answer.status(), await answer.text()).toBe(201);
    await page.getByText('申诉已提交').waitFor();
    await page.getByTestId('breakdown-drawer').locator('.ant-drawer-close').click();
    await page.getByTestId('breakdown-drawer').waitFor({ state: 'hidden' });

    await page.getByTestId('side-menu').getByText('申诉').click();
    await page.getByTestId('appeals-table').getByText('待处理').first().waitFor();
    expect(errors).toEqual([]);
  });

  it('the office accepts the appeal with a corrected value; before and after totals are shown', async () => {
    await login('office');
    await page.goto(`${baseUrl}/console/appeals?cycleId=${cycle['2025-annual']}`);
    const table = page.getByTestId('appeals-table');
    const pending = table.locator('tbody tr.ant-table-row').filter({ hasText: '待处理' }).first();
    await pending.waitFor();
    await pending.getByTestId('appeal-decide').click();
    const form = page.getByTestId('decide-form');
    await form.getByTestId('decide-value').fill('98');
    await form.getByTestId('decide-reason').fill('经核实无误，予以更正');
    await shot(page, 'e07-office-decide');
    await page.getByTestId('decide-submit').click();
    await page.getByText('已处理：已采纳').waitFor();
    const accepted = table.locator('tbody tr.ant-table-row').filter({ hasText: '已采纳' }).first();
    await accepted.waitFor();
    // Before → after, with the change of total as a tag.
    expect(await accepted.getByTestId('appeal-change').locator('.ant-tag').count()).toBeGreaterThan(2);
    await shot(page, 'e08-office-appeal-accepted');
    expect(errors).toEqual([]);
  });

  it('the results table shows rank stability and consequences; the portal shows regulations and consequences', async () => {
    await page.goto(`${baseUrl}/console/results?cycleId=${cycle['2025-annual']}`);
    const table = page.getByTestId('results-table');
    await table.getByTestId('sensitivity').first().waitFor();
    await table.getByTestId('consequences').first().waitFor();
    await shot(page, 'e09-results-sensitivity-consequences');
    // A cadre of the 2025 annual cycle: the unit's result is part of the total.
    await table.getByTestId('explain').first().click();
    const unitPart = page.getByTestId('breakdown-drawer').getByTestId('combined-UNIT');
    await unitPart.waitFor();
    await unitPart.scrollIntoViewIfNeeded();
    await shot(page, 'e10-breakdown-combined');

    const mobile = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true });
    const p = await mobile.newPage();
    p.setDefaultTimeout(30_000);
    const portalErrors = trackErrors(p);
    await p.goto(`${baseUrl}/`);
    await p.getByTestId('portal-regulations').first().click();
    await p.getByTestId('regulations-consequences').locator('li').first().waitFor();
    await shot(p, 'e11-portal-regulations-375');
    await p.goto(`${baseUrl}/units`);
    await p.getByTestId('portal-unit-link').filter({ hasText: '局' }).first().waitFor();
    const units = (await (
      await p.request.get(`${baseUrl}/api/public/results?cycleId=${cycle['2025-annual']}`)
    ).json()) as {
      items: { orgUnitId: string; appraiseeType: string; consequences: unknown[] }[];
    };
    const withConsequences = units.items.find(
      (r) => r.appraiseeType === 'unit' && r.consequences.length > 0,
    )!;
    await p.goto(`${baseUrl}/units/${withConsequences.orgUnitId}`);
    await p.getByTestId('portal-consequences').waitFor();
    await shot(p, 'e12-portal-unit-consequences-375');
    expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(portalErrors).toEqual([]);
    await mobile.close();
    expect(errors).toEqual([]);
  });
});
