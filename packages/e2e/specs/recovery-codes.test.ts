import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

/**
 * Issue 14 in the browser: enabling two-factor authentication shows ten recovery codes once; a recovery
 * code signs in instead of the authenticator code, once; the user menu tells how many remain. Uses the
 * water bureau's manager, whom no other journey signs in as.
 */
const baseUrl = inject('baseUrl');
const USER = 'wat.manager';

describe('TOTP recovery codes in the console', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  async function signIn(extra?: (p: Page) => Promise<void>) {
    await context.clearCookies();
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill(USER);
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    if (extra) await extra(page);
    await page.getByTestId('side-menu').waitFor();
  }

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = trackErrors(page);
  });
  afterAll(async () => {
    await release(browser);
  });

  it('shows the codes once at enrolment, signs in with one once, and counts what is left', async () => {
    await signIn();
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '双因素认证' }).click();
    await page.getByTestId('totp-password').fill('demo1234');
    await page.getByTestId('totp-start').click();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByTestId('totp-code').fill(await generate({ secret }));
    await page.getByTestId('totp-enable').click();
    const box = page.getByTestId('totp-recovery-codes');
    await box.waitFor();
    const codes = (await box.locator('li').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    await shot(page, 'console-totp-recovery-codes');
    await page.getByTestId('totp-codes-saved').click();
    await box.waitFor({ state: 'detached' });

    // Lost phone: a recovery code instead of the 6-digit code.
    await signIn(async (p) => {
      await p.locator('#recoveryCode, #totp').first().waitFor();
      await p.getByTestId('login-use-recovery').click();
      await p.locator('#recoveryCode').fill(codes[0].toUpperCase());
      await p.getByTestId('login-submit').click();
    });
    await page.getByTestId('user-menu').click();
    await expect
      .poll(() => page.getByRole('menuitem', { name: /双因素认证/ }).textContent())
      .toContain('剩余可用恢复码：9 个');
    await page.keyboard.press('Escape');

    // The same code again is refused.
    await context.clearCookies();
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill(USER);
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-use-recovery').click();
    await page.locator('#recoveryCode').fill(codes[0]);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('恢复码错误或已使用过');
    expect(errors).toEqual([]);
  });
});
