import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

/**
 * Issue 15, public pages that explain: 北山区's published 2025 result shows every indicator's score in a
 * table, the radar, and which indicator's veto capped its grade under which rule; it prints without the
 * navigation and with the page's address.
 */
const baseUrl = inject('baseUrl');

describe('public result explained', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let unitId: string;

  beforeAll(async () => {
    const orgs = (await (await fetch(`${baseUrl}/api/public/orgs`)).json()) as {
      items: { id: string; code: string }[];
    };
    unitId = orgs.items.find((o) => o.code === 'bs')!.id;
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = trackErrors(page);
  });
  afterAll(async () => {
    await release(browser);
  });

  it('北山区 2025: per-indicator table, radar values and the veto reason', async () => {
    await page.goto(`${baseUrl}/units/${unitId}`);
    await page.getByTestId('portal-result').waitFor();
    await expect.poll(() => page.getByTestId('portal-result').textContent()).toContain('72.5');
    const table = page.getByTestId('portal-breakdown-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await table.locator('thead').textContent()).toContain('得分率');
    const veto = page.getByTestId('portal-veto');
    await veto.waitFor();
    const text = (await veto.textContent()) ?? '';
    expect(text).toContain('一票否决');
    expect(text).toContain('最低等次');
    expect(text).toContain('不合格');
    // The vetoed indicator is named in the notice and marked in the table.
    const vetoRow = table.locator('tr.pc-row-veto').first();
    await vetoRow.waitFor();
    const code = (await vetoRow.locator('.pc-code').textContent())!.trim();
    expect(text).toContain(code);
    await shot(page, 'portal-result-explained-zh');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.pc-header').isVisible()).toBe(false);
    expect(await page.getByTestId('print-url').first().textContent()).toContain(`/units/${unitId}`);
    await shot(page, 'portal-result-print');
    await page.emulateMedia({ media: 'screen' });

    await page.getByTestId('lang-switch').click();
    await expect.poll(async () => (await veto.textContent()) ?? '').toContain('veto');
    expect(await table.locator('thead').textContent()).toContain('Attainment');
    await shot(page, 'portal-result-explained-en');
    await page.getByTestId('lang-switch').click();
    expect(errors).toEqual([]);
  });

  it('the regulations print without navigation and with their address', async () => {
    const cycles = (await (await fetch(`${baseUrl}/api/public/cycles`)).json()) as {
      items: { id: string; code: string }[];
    };
    const cycleId = cycles.items.find((c) => c.code === '2025-annual')!.id;
    await page.goto(`${baseUrl}/cycles/${cycleId}/regulations`);
    await page.getByTestId('regulations').waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.pc-nav').isVisible()).toBe(false);
    expect(await page.getByTestId('print-url').textContent()).toContain(`/cycles/${cycleId}/regulations`);
    await shot(page, 'portal-regulations-print');
    await page.emulateMedia({ media: 'screen' });
    expect(errors).toEqual([]);
  });

  it('the elderly-friendly mode enlarges the type and is remembered', async () => {
    await page.goto(`${baseUrl}/units/${unitId}`);
    await page.getByTestId('portal-result').waitFor();
    const size = () =>
      page.evaluate<number>('parseFloat(getComputedStyle(document.documentElement).fontSize)');
    const before = await size();
    await page.getByTestId('elderly-toggle').click();
    expect(await page.evaluate<boolean>("document.documentElement.classList.contains('pc-elderly')")).toBe(
      true,
    );
    expect(await size()).toBeGreaterThan(before);
    await page.reload();
    await page.getByTestId('portal-result').waitFor();
    expect(await page.evaluate<boolean>("document.documentElement.classList.contains('pc-elderly')")).toBe(
      true,
    );
    expect(await page.getByTestId('elderly-toggle').getAttribute('aria-pressed')).toBe('true');
    await shot(page, 'portal-elderly-mode');
    await page.getByTestId('elderly-toggle').click();
    expect(await page.evaluate<boolean>("document.documentElement.classList.contains('pc-elderly')")).toBe(
      false,
    );
    expect(errors).toEqual([]);
  });
});
