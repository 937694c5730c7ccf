import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const screenshotDir = join(repoRoot, 'test-output/screenshots');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

let shared: Promise<Browser> | undefined;

/**
 * The browser of the test process, launched once for every spec file: vitest runs the files one after
 * another in one process (vitest.config.ts: isolate false), and each file works in contexts of its own,
 * which `release` closes at its end. A browser that went away is launched again.
 */
export async function launch(): Promise<Browser> {
  const running = await shared?.catch(() => undefined);
  if (running?.isConnected()) return running;
  shared = chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  return shared;
}

/** Closes every context a spec file opened in the shared browser (the next file starts from none). */
export async function release(browser: Browser | undefined) {
  if (browser) await Promise.all(browser.contexts().map((c) => c.close()));
}

export async function shot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Collects uncaught page errors so a journey fails on a broken page, not only on a missing element. */
export function trackErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Logs a demo account into the console (password demo1234) on a fresh session of `page`'s context. */
export async function loginDemo(page: Page, baseUrl: string, username: string) {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/console/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill('demo1234');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
}

/** A write through the page's session, as the console would send it (cookie + CSRF header). */
export async function postAs(page: Page, baseUrl: string, path: string, body: unknown) {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'pc_csrf')?.value ?? '';
  return page.request.post(`${baseUrl}${path}`, { data: body, headers: { 'x-csrf-token': csrf } });
}
