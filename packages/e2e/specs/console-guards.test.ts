import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, release, loginDemo, shot, trackErrors } from '../browser';
import { axeViolations, settle } from '../axe';

/**
 * Issue 15, the console does not trip its users: a rater's 120 is shown as an error (never changed to 100)
 * and cannot be sent; 提交全部 asks first; a new indicator under B is coded like its siblings (B3, not
 * B.3); the scoring rules stay clear of the fixed action column; the indicator drawer shows baseline,
 * target and direction once and names each of its inputs (axe finds no unlabelled field); the menu
 * highlights 数据填报 on a plan's data-entry page. Nothing here is submitted: other specs share the demo.
 */
const baseUrl = inject('baseUrl');

describe('console guards', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
  });
  afterAll(async () => {
    await release(browser);
  });

  it('a score of 120 is refused in the form with the rule, and 提交全部 asks first', async () => {
    await loginDemo(page, baseUrl, 'leader01');
    await page.goto(`${baseUrl}/console/ratings`);
    const tasks = page.getByTestId('rating-tasks');
    await tasks.locator('tbody tr.ant-table-row').first().waitFor();
    await tasks.getByTestId('rate-open').first().click();
    const drawer = page.getByTestId('rating-drawer');
    const inputs = drawer.locator('input[data-testid^="score-"]');
    await inputs.first().waitFor();
    expect(await inputs.count()).toBeGreaterThanOrEqual(2);
    const code = (await inputs.first().getAttribute('data-testid'))!.slice('score-'.length);

    await inputs.first().fill('120');
    await inputs.first().blur();
    const error = drawer.getByTestId(`score-error-${code}`);
    await error.waitFor();
    expect(await error.innerText()).toContain('0 到 100');
    expect(await error.innerText()).toContain('120');
    // Kept as typed, not clamped, and it cannot be sent, alone or with the others.
    expect(await inputs.first().inputValue()).toBe('120');
    expect(await drawer.getByTestId(`submit-${code}`).isDisabled()).toBe(true);
    expect(await drawer.getByTestId('rate-submit-all').isDisabled()).toBe(true);
    await shot(page, 'g01-rater-score-120-refused');

    await inputs.first().fill('88');
    await inputs.nth(1).fill('76');
    await inputs.nth(1).blur();
    expect(await error.count()).toBe(0);
    await drawer.getByTestId('rate-submit-all').click();
    const confirm = page.locator('.ant-popconfirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toMatch(/2/);
    await shot(page, 'g02-rater-submit-all-confirm');
    // Cancelled: nothing was sent.
    await confirm.getByRole('button', { name: /取\s*消/ }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await drawer.getByTestId(`rated-${code}`).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a new child is coded like its siblings (A4, B3), rules stay in view, the drawer labels every field once', async () => {
    await loginDemo(page, baseUrl, 'office');
    const cycles = (await (await page.request.get(`${baseUrl}/api/cycles`)).json()) as {
      items: { id: string; code: string }[];
    };
    const c2026 = cycles.items.find((c) => c.code === '2026-annual')!.id;
    const plans = (await (await page.request.get(`${baseUrl}/api/plans?cycleId=${c2026}`)).json()) as {
      items: { id: string; status: string }[];
    };
    const draft = plans.items.find((p) => p.status === 'draft');
    expect(draft, 'the demo has draft plans of 2026').toBeDefined();
    await page.goto(`${baseUrl}/console/plans/${draft!.id}`);
    const tree = page.getByTestId('plan-tree');
    await tree.locator('tbody tr.ant-table-row').first().waitFor();
    const codes = async () =>
      tree
        .locator('input[aria-label="编码"]')
        .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    const before = await codes();
    // A first-level node with numbered children (B1, B2, …): its new child continues the numbering.
    const parent = before.find((c) => /^[A-Z]+$/.test(c) && before.includes(`${c}1`))!;
    expect(parent).toBeDefined();
    const children = before.filter((c) => new RegExp(`^${parent}\\d+$`).test(c)).length;
    const row = tree.locator('tbody tr.ant-table-row').filter({ has: page.getByTestId(`name-${parent}`) });
    await row.getByRole('button', { name: '新增下级' }).click();
    await tree.getByTestId(`name-${parent}${children + 1}`).waitFor();
    const added = (await codes()).filter((c) => !before.includes(c));
    expect(added).toEqual([`${parent}${children + 1}`]);
    await shot(page, 'g03-plan-new-child-code');
    // The scoring rule of each leaf is in view: none of it lies under the fixed action column.
    const covered = await tree.locator('button[data-testid^="rule-"]').evaluateAll((els) =>
      els
        .filter((b) => {
          const row = b.closest('tr')!;
          const fixed = row.querySelector('td.ant-table-cell-fix-right');
          const cell = b.closest('td')!;
          const right = Math.max(
            ...[...cell.querySelectorAll('*')].map((e) => e.getBoundingClientRect().right),
          );
          return !!fixed && right > fixed.getBoundingClientRect().left + 1;
        })
        .map((b) => b.getAttribute('data-testid')),
    );
    expect(covered).toEqual([]);

    // The drawer of a leaf: every input has a name, baseline/target/direction appear once.
    const leaf = before.find((c) => /^[A-Z]+\d+$/.test(c))!;
    await page.getByTestId(`rule-${leaf}`).click();
    const drawer = page.getByTestId('leaf-drawer');
    await drawer.getByTestId('leaf-baseline').waitFor();
    await settle(page);
    const found = await axeViolations(page);
    expect(found.map((v) => `${v.id}: ${v.targets.join(' | ')}`)).toEqual([]);
    const labels = await drawer
      .locator('.ant-form-item-label label')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()).filter(Boolean));
    for (const name of ['基期值', '目标值', '方向']) {
      const n = labels.filter((l) => l === name).length;
      expect(n, `${name} in ${labels.join(', ')}`).toBeLessThanOrEqual(1);
    }
    await shot(page, 'g04-leaf-drawer-labelled');
    expect(errors).toEqual([]);
  });

  it('on a plan’s data-entry page the menu highlights 数据填报', async () => {
    await loginDemo(page, baseUrl, 'edu.manager');
    const plans = (await (await page.request.get(`${baseUrl}/api/plans`)).json()) as {
      items: { id: string; status: string }[];
    };
    const plan = plans.items.find((p) => p.status === 'approved') ?? plans.items[0];
    await page.goto(`${baseUrl}/console/plans/${plan.id}/values`);
    const selected = page.getByTestId('side-menu').locator('.ant-menu-item-selected');
    await selected.waitFor();
    expect((await selected.innerText()).trim()).toBe('数据填报');
    await shot(page, 'g05-values-menu-highlight');
    expect(errors).toEqual([]);
  });
});
