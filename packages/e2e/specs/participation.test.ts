import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

const baseUrl = inject('baseUrl');

/** A participant on a phone (375 px): registers, raises a need, comments, rates and follows an improvement plan. */
describe('participant journey on the portal (375 px)', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const email = `e2e-${Date.now()}@example.org`;

  beforeAll(async () => {
    browser = await launch();
    const context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
  });
  afterAll(async () => {
    await release(browser);
  });

  /** The page fits the phone: nothing scrolls sideways. */
  async function fits() {
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(375);
  }

  it('registers with an e-mail and fills in the stakeholder profile', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('nav-take-part').click();
    await page.getByTestId('pp-account-form').waitFor();
    await page.getByTestId('pp-tab-register').click();
    await page.getByTestId('pp-email').fill(email);
    await page.getByTestId('pp-display-name').fill('测试居民');
    await page.getByTestId('pp-password').fill('secret-pass-1');
    await page.getByTestId('pp-consent').check();
    await shot(page, 'p01-portal-register');
    await page.getByTestId('pp-account-submit').click();
    await page.getByTestId('pp-account').waitFor();
    // PIPL: the account box shows the e-mail masked, never in clear.
    expect(await page.getByTestId('pp-contact').textContent()).toBe('登录账号：e***@example.org（已脱敏）');
    expect(await page.getByTestId('pp-account').textContent()).not.toContain(email);
    await fits();
    await page.getByTestId('pp-go-profile').click();
    await page.getByTestId('pp-category').selectOption('urban_resident');
    await page.getByTestId('pp-district').selectOption('dc');
    await page.getByTestId('pp-profile-save').click();
    await page.getByText('已保存').waitFor();
    await fits();
  });

  it('raises a need for the health commission and supports another one', async () => {
    await page.getByTestId('pp-nav-needs').click();
    const hea = await page.locator('[data-testid="pp-unit"] option[data-code="hea"]').getAttribute('value');
    await page.getByTestId('pp-unit').selectOption(hea!);
    await page.getByTestId('pp-need').first().waitFor();
    await page.getByTestId('pp-need-title').fill('社区卫生服务中心周末开诊');
    await page.getByTestId('pp-need-body').fill('希望社区卫生服务中心周末也能开诊，方便上班族看病');
    await page.getByTestId('pp-need-submit').click();
    await page.getByTestId('pp-need-done').waitFor();
    await page.getByText('社区卫生服务中心周末开诊').first().waitFor();
    const support = page.getByTestId('pp-need-support').filter({ hasText: '支持' }).first();
    await support.click();
    await page.getByTestId('pp-need-support').filter({ hasText: '已支持' }).first().waitFor();
    await page.getByTestId('pp-coverage').waitFor();
    await shot(page, 'p02-portal-needs');
    await fits();
  });

  it('comments on an indicator of the draft plan open for comment', async () => {
    await page.getByTestId('pp-nav-comment').click();
    await page.getByTestId('pp-open-plan').filter({ hasText: '卫生健康' }).first().click();
    await page.getByTestId('pp-plan-title').waitFor();
    await page.getByTestId('pp-comment-indicator').selectOption('A1');
    await page.getByTestId('pp-comment-body').fill('建议公布各社区家庭医生签约和履约随访数据');
    await page.getByTestId('pp-comment-submit').click();
    await page.getByTestId('pp-comment-done').waitFor();
    await page.getByTestId('pp-comments').getByText('建议公布各社区家庭医生签约和履约随访数据').waitFor();
    // Answers of the unit are public.
    await page.getByText('单位答复：').first().waitFor();
    await shot(page, 'p03-portal-comment');
    await fits();
  });

  it('rates an appraisee in evaluation on its first-level dimensions', async () => {
    await page.getByTestId('pp-nav-rate').click();
    await page.getByTestId('pp-rate-plan').first().click();
    const inputs = page.locator('[data-testid^="pp-score-"]');
    await inputs.first().waitFor();
    const n = await inputs.count();
    expect(n).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < n; i++) await inputs.nth(i).fill(String(80 + i));
    await shot(page, 'p04-portal-rate');
    await page.getByTestId('pp-rate-submit').click();
    await page.getByTestId('pp-rate-done').waitFor();
    await page.getByTestId('pp-rate-summary').waitFor();
    await fits();
  });

  it('follows an improvement plan and finds it among those followed', async () => {
    await page.getByTestId('pp-nav-improvements').click();
    const plan = page.getByTestId('pp-improvement').first();
    await plan.waitFor();
    const before = await plan.getByTestId('pp-followers').innerText();
    await plan.getByTestId('pp-follow').click();
    await plan.getByTestId('pp-follow').filter({ hasText: '取消关注' }).waitFor();
    expect(await plan.getByTestId('pp-followers').innerText()).not.toBe(before);
    await page.getByTestId('pp-only-followed').check();
    await page
      .getByTestId('pp-improvement')
      .first()
      .getByTestId('pp-follow')
      .filter({ hasText: '取消关注' })
      .waitFor();
    await shot(page, 'p05-portal-improvements');
    await fits();
  });

  it('reads the participation report and switches to English', async () => {
    await page.getByTestId('pp-nav-report').click();
    const hea = await page.locator('[data-testid="pp-unit"] option[data-code="hea"]').getAttribute('value');
    await page.getByTestId('pp-unit').selectOption(hea!);
    await page.getByTestId('pp-report-item').first().waitFor();
    await page.getByTestId('lang-switch').click();
    await page.getByText('Participation report').first().waitFor();
    await page.getByTestId('pp-report-evaluation').first().waitFor();
    await shot(page, 'p06-portal-report-en');
    await fits();
    expect(errors).toEqual([]);
  });
});
