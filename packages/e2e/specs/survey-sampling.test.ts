import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, loginDemo, postAs, shot, trackErrors } from '../browser';

/**
 * Issue 13, the sampling screen in the browser: a frame upload says whether it replaces the frame or
 * appends to it (and the frame keeps every part), the calculator fills the sample size and warns in
 * Chinese when the frame cannot supply it, a redraw asks for confirmation, and the invitation file can
 * be downloaded again after leaving the page (new links for the unanswered, after a confirmation).
 */
const baseUrl = inject('baseUrl');

describe('survey sampling screen', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let surveyId = '';
  const code = `sampling-${Date.now()}`;
  const csv = (from: number, n: number) =>
    Buffer.from(
      'id,area,contact\n' +
        Array.from(
          { length: n },
          (_, i) =>
            `u${from + i},${(from + i) % 3 ? 'urban' : 'rural'},1390000${String(from + i).padStart(4, '0')}`,
        ).join('\n') +
        '\n',
    );
  const upload = (name: string, buffer: Buffer) =>
    page
      .getByTestId('frame-card')
      .locator('input[type=file]')
      .setInputFiles({ name, mimeType: 'text/csv', buffer });

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
    await loginDemo(page, baseUrl, 'office');
    const created = await postAs(page, baseUrl, '/api/surveys', {
      code,
      title: '抽样界面测试',
      strataFields: ['area'],
      definition: {
        sections: [
          {
            id: 's1',
            title: '服务',
            questions: [{ id: 'q', type: 'likert5', text: '总体满意度', required: true }],
          },
        ],
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    surveyId = ((await created.json()) as { survey: { id: string } }).survey.id;
  });
  afterAll(async () => {
    await release(browser);
  });

  it('frame upload: the first file imports, a second one is appended when asked, nothing is lost', async () => {
    await page.goto(`${baseUrl}/console/surveys/${surveyId}`);
    await page.getByRole('tab', { name: '抽样框与样本' }).click();
    await upload('frame-1.csv', csv(0, 30));
    await page.getByText('已导入 30 行；抽样框现有 30 个单位').waitFor();
    // With a frame in place the upload asks: replace (default) or append.
    const mode = page.getByTestId('frame-mode');
    await mode.getByText('替换现有抽样框（30 个单位）').waitFor();
    await mode.getByText('追加到现有抽样框（分批上传）').click();
    await upload('frame-2.csv', csv(30, 6));
    await page.getByText('已追加 6 行；抽样框现有 36 个单位').waitFor();
    await page.getByText('抽样框共 36 个单位').waitFor();
    // Replacing says how many units it replaced.
    await mode.getByText('替换现有抽样框（36 个单位）').click();
    await upload('frame-3.csv', csv(0, 24));
    await page.getByText('已导入 24 行，替换原抽样框的 36 个单位；抽样框现有 24 个单位').waitFor();
    await shot(page, 'survey-frame-modes');
  });

  it('calculator fills the sample size and warns when the frame cannot supply it; a redraw asks first', async () => {
    // ±5 % needs hundreds of answers: more than 24 units, so every unit is taken.
    await page.getByRole('button', { name: /^计\s?算$/ }).click();
    await page.getByTestId('sample-size-total').getByText('合计 24').waitFor();
    expect(await page.getByTestId('sample-size-exceeds').textContent()).toContain(
      '所需样本量超过抽样框的 24 个单位：已取全部单位（普查）',
    );
    expect(await page.locator('#size').inputValue()).toBe('24');
    // Per stratum: each area on its own, both capped, named by their labels.
    await page.locator('.ant-select').filter({ hasText: '总体达到精度，按比例分配' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '各层单独达到精度' }).click();
    await page.getByRole('button', { name: /^计\s?算$/ }).click();
    await expect
      .poll(() => page.getByTestId('sample-size-exceeds').textContent())
      .toMatch(/^2 个层所需样本量超过该层单位数/);

    await page.locator('#size').fill('12');
    await page.getByRole('button', { name: '抽取样本' }).click();
    await page.getByText('已抽取 12 个样本单位').first().waitFor();
    await page.locator('#size').fill('10');
    await page.getByRole('button', { name: '抽取样本' }).click();
    const confirm = page.locator('.ant-modal-confirm');
    await confirm
      .locator('.ant-modal-confirm-title')
      .getByText(/已抽取 12 个样本.*重新抽样将替换现有样本及其邀请/)
      .waitFor();
    await shot(page, 'survey-redraw-confirm');
    await confirm.locator('.ant-btn-primary').click();
    await page.getByText('已抽取 10 个样本单位').first().waitFor();
  });

  it('invitation file downloaded again after leaving the page: confirmed, new links for the unanswered', async () => {
    const started = await postAs(page, baseUrl, `/api/surveys/${surveyId}/start`, {});
    expect(started.status(), await started.text()).toBe(200);
    await page.goto(`${baseUrl}/console/surveys/${surveyId}`);
    await page.getByRole('tab', { name: '邀请' }).click();
    let download = page.waitForEvent('download');
    await page.getByRole('button', { name: '生成邀请码' }).click();
    const first = readFileSync((await (await download).path())!, 'utf8');
    const links = (text: string) => [...text.matchAll(/\/s\/[A-Za-z0-9_-]+/g)].map((m) => m[0]);
    expect(links(first)).toHaveLength(10);

    // Leave the page: the links are gone from the browser, only hashes are stored.
    await page.goto(`${baseUrl}/console/surveys/${surveyId}`);
    await page.getByRole('tab', { name: '邀请' }).click();
    await page.getByTestId('inv-regenerate').click();
    await page.getByText('系统只保存链接和问卷码的哈希值').waitFor();
    download = page.waitForEvent('download');
    await page.getByTestId('inv-regenerate-ok').click();
    const again = readFileSync((await (await download).path())!, 'utf8');
    await page.getByText('已为 10 份未作答的邀请生成新的链接和问卷码').waitFor();
    expect(links(again)).toHaveLength(10);
    expect(links(again).filter((l) => links(first).includes(l))).toEqual([]);
    // The old link no longer opens the questionnaire; a new one does.
    const oldToken = links(first)[0].slice(3);
    const newToken = links(again)[0].slice(3);
    expect((await page.request.get(`${baseUrl}/api/public/s/${oldToken}`)).status()).toBe(404);
    expect((await page.request.get(`${baseUrl}/api/public/s/${newToken}`)).status()).toBe(200);
    await shot(page, 'survey-invitations-again');
    expect(errors).toEqual([]);
  });
});
