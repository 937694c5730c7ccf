import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

const baseUrl = inject('baseUrl');

describe('calibration exercise: the office sets a reference case, a new rater scores it and sees the panel', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let termId = '';
  const title = `政务公开参考案例 ${Date.now()}`;

  const login = async (username: string) => {
    await context.clearCookies();
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill(username);
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();
  };

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
    const cycles = (await (await page.request.get(`${baseUrl}/api/public/cycles`)).json()) as {
      items: { id: string; code: string }[];
    };
    termId = cycles.items.find((c) => c.code === '2021-2025-term')!.id;
  });

  afterAll(async () => {
    await release(browser);
  });

  it('the office writes a reference case with its rubric and the panel scores', async () => {
    await login('office');
    await page.goto(`${baseUrl}/console/evaluation/calibration?cycleId=${termId}`);
    await page.getByTestId('calibration-tab').waitFor();
    await page.getByTestId('calibration-add').click();
    const modal = page.locator('.ant-modal-content');
    await modal.locator('#title').fill(title);
    await modal.locator('#indicatorName').fill('政务公开工作');
    await modal
      .locator('#description')
      .fill('全年主动公开政府信息 1,203 条；两项重大政策解读材料逾期 3 天发布；依申请公开全部按期答复。');
    await modal.locator('#panelScores').fill('80, 85, 90');
    await modal.getByRole('button', { name: '添加评分细则（四档）' }).click();
    const bands = modal.getByTestId('rubric-editor').locator('textarea');
    const described = [
      '全部事项按时主动公开，解读到位',
      '主要事项按时公开，个别解读滞后',
      '部分事项逾期公开',
      '多项应公开事项未公开',
    ];
    for (const [i, text] of described.entries()) await bands.nth(i).fill(text);
    await shot(page, 'c01-calibration-case-form');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.getByTestId('calibration-cases').getByText(title).waitFor();
    expect(await page.getByTestId('calibration-cases').innerText()).toContain('3 人，共识分 85');
    await shot(page, 'c02-calibration-cases');
  });

  it('a city leader scores it under 我的评分任务 and sees how far from the panel', async () => {
    await login('leader01');
    await page.goto(`${baseUrl}/console/ratings`);
    const exercise = page.getByTestId('calibration-exercise');
    await exercise.waitFor();
    const card = exercise.getByTestId('calibration-case').filter({ hasText: title });
    await card.getByTestId('calibration-rubric').waitFor();
    await card.getByTestId('calibration-score').fill('92');
    await card.getByTestId('calibration-submit').click();
    const feedback = card.getByTestId('calibration-feedback');
    await feedback.waitFor();
    // Panel 80, 85, 90: consensus 85; 92 is 7 points more lenient and a band higher (90–100 vs 75–90).
    expect(await card.getByTestId('calibration-deviation').innerText()).toBe('+7');
    const text = await feedback.innerText();
    expect(text).toContain('85');
    expect(text).toContain('您在“90–100 好”档，共识在“75–90 较好”档');
    await exercise.getByTestId('calibration-summary').waitFor();
    expect(await exercise.getByTestId('calibration-summary').innerText()).toContain('平均绝对偏差');
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'c03-calibration-feedback');
  });

  it("the office sees the rater's calibration status", async () => {
    await login('office');
    await page.goto(`${baseUrl}/console/evaluation/calibration?cycleId=${termId}`);
    const status = page.getByTestId('calibration-status');
    const row = status.locator('tbody tr.ant-table-row').filter({ hasText: 'leader01' });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('+7');
    expect(text).toContain('已完成');
    expect(text).toContain('0%');
    await shot(page, 'c04-calibration-status');
    expect(errors).toEqual([]);
  });
});
