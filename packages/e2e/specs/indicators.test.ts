import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { join } from 'node:path';
import { launch, release, screenshotDir, shot, trackErrors } from '../browser';

const baseUrl = inject('baseUrl');

describe('indicator library: the office reads it, picks an indicator into a draft plan and sees the design checks', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let planId = '';
  let dcId = '';

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill('office');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();
    const cycles = (await (await page.request.get(`${baseUrl}/api/public/cycles`)).json()) as {
      items: { id: string; code: string }[];
    };
    const next = cycles.items.find((c) => c.code === '2026-annual')!;
    const orgs = (await (await page.request.get(`${baseUrl}/api/public/orgs`)).json()) as {
      items: { id: string; code: string }[];
    };
    dcId = orgs.items.find((o) => o.code === 'dc')!.id;
    const plans = (await (
      await page.request.get(`${baseUrl}/api/plans?cycleId=${next.id}&orgUnitId=${dcId}`)
    ).json()) as {
      items: { id: string; appraiseeType: string }[];
    };
    planId = plans.items.find((p) => p.appraiseeType === 'unit')!.id;
  });

  afterAll(async () => {
    await release(browser);
  });

  it('lists the library with usage, and shows an indicator with its versions and the plans using it', async () => {
    await page.getByTestId('side-menu').getByText('指标库').click();
    const list = page.getByTestId('indicator-list');
    await list.getByText('地区生产总值增速').waitFor();
    await shot(page, 'i01-library');
    await list.getByText('地区生产总值增速').click();
    await page.getByTestId('indicator-usage').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await page.getByTestId('indicator-usage-counts').innerText()).toContain('2026年度综合考核');
    await shot(page, 'i02-library-detail');
    // The performance database: the urban districts' 2025 values, then one district's history.
    await page.getByTestId('performance-group').click();
    await page.locator('.ant-select-item-option', { hasText: '城区' }).click();
    const peers = page.getByTestId('performance-peers');
    await peers.locator('tbody tr.ant-table-row').nth(3).waitFor();
    await peers.locator('tbody tr.ant-table-row').first().click();
    await page.getByTestId('performance-history').locator('tbody tr.ant-table-row').first().waitFor();
    await page.getByTestId('performance-history').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, 'i02b-performance.png') });
  });

  it('the office adds an indicator and revises it into version 2', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('indicator-create').click();
    await page.getByTestId('indicator-code').fill('GOV-HOTLINE-RESPONSE');
    await page.getByTestId('indicator-name').fill('12345热线签收率');
    await page.locator('#category').click();
    await page.locator('.ant-select-item-option', { hasText: '政府自身建设' }).click();
    await page.getByTestId('indicator-definition').fill('在响应时限（2小时）内签收的工单占本期工单的比例。');
    await page.getByTestId('indicator-mission').fill('群众诉求第一时间有人接');
    await page.getByTestId('indicator-save').click();
    await page.getByText('已保存：GOV-HOTLINE-RESPONSE 第 1 版').waitFor();
    await page.getByTestId('indicator-search').fill('签收率');
    await page.getByTestId('indicator-search').press('Enter');
    await page.getByTestId('indicator-list').getByText('12345热线签收率').click();
    await page.getByTestId('indicator-revise').click();
    await page.getByTestId('indicator-change-note').fill('响应时限改为1小时');
    await page.getByTestId('indicator-save').click();
    await page.getByText('已保存：GOV-HOTLINE-RESPONSE 第 2 版').waitFor();
    const versions = page.getByTestId('indicator-versions');
    await versions.getByText('响应时限改为1小时').waitFor();
    expect(await versions.locator('tbody tr.ant-table-row').count()).toBe(2);
    await shot(page, 'i02c-revised');
  });

  it('picks 地区生产总值增速 again under 经济发展: the saved plan keeps the library version and lint flags the overlap', async () => {
    type Tree = {
      code: string;
      children?: { code: string; library?: { code: string; version: number } }[];
    }[];
    const before = (await (await page.request.get(`${baseUrl}/api/plans/${planId}`)).json()) as {
      tree: Tree;
    };
    // The editor numbers a new child after its siblings (A1…A5 → A6).
    const code = `A${before.tree.find((n) => n.code === 'A')!.children!.length + 1}`;
    await page.goto(`${baseUrl}/console/plans/${planId}`);
    await page.getByTestId('plan-tree').waitFor();
    await page.getByTestId('pick-under-A').click();
    const picker = page.getByTestId('picker-list');
    // antd puts the test id on the search box's <input>.
    await page.getByTestId('picker-search').fill('生产总值');
    await page.getByTestId('picker-search').press('Enter');
    await picker.getByTestId('pick-ECO-GDP-GROWTH').click();
    // The new leaf sits under A, pre-filled from the library.
    await page.getByTestId(`name-${code}`).waitFor();
    await shot(page, 'i03-picked');
    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-lint').waitFor();
    await page.getByTestId('lint-overlap').first().waitFor();
    expect(await page.getByTestId('plan-lint').innerText()).toContain(code);
    const saved = (await (await page.request.get(`${baseUrl}/api/plans/${planId}`)).json()) as { tree: Tree };
    const leaf = saved.tree.find((n) => n.code === 'A')!.children!.find((c) => c.code === code)!;
    expect(leaf.library).toEqual({ code: 'ECO-GDP-GROWTH', version: 1 });
    await shot(page, 'i04-lint');
  });

  it("shows the target-setting aid of a leaf: last year's value and the peer quartiles", async () => {
    await page.getByTestId('rule-A1').click();
    await page.getByTestId('leaf-library').waitFor();
    await page.getByTestId('target-aid-peers').waitFor();
    expect(await page.getByTestId('target-aid').innerText()).toContain('2025');
    await shot(page, 'i05-target-aid');
  });

  it("edits a rated leaf's rubric in the plan editor and saves it with the plan", async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('rule-E3').click();
    const editor = page.getByTestId('rubric-editor');
    await editor.waitFor();
    const first = editor.locator('textarea').first();
    await first.fill('班子团结，重点任务全部按期完成（东城区细则）');
    await page.keyboard.press('Escape');
    await page.getByTestId('plan-save').click();
    await page.getByText('已保存').first().waitFor();
    const saved = (await (await page.request.get(`${baseUrl}/api/plans/${planId}`)).json()) as {
      tree: { code: string; children?: { code: string; rubric?: { description: string }[] }[] }[];
    };
    const e3 = saved.tree.find((n) => n.code === 'E')!.children!.find((c) => c.code === 'E3')!;
    expect(e3.rubric![0].description).toBe('班子团结，重点任务全部按期完成（东城区细则）');
  });

  it('shows a rater the rubric of each rated indicator beside the score', async () => {
    await context.clearCookies();
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill('leader01');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').getByText('我的评分任务').click();
    await page.getByTestId('rating-tasks').getByTestId('rate-open').first().click();
    const drawer = page.getByTestId('rating-drawer');
    // The term plans' 德能勤绩廉 leaves were picked from the library with its rubric.
    await drawer.getByTestId('rubric-DE').waitFor();
    expect(await drawer.getByTestId('rubric-DE').innerText()).toContain('90–100');
    await shot(page, 'i07-rater-rubric');
  });

  it("compares the district's published years on the portal", async () => {
    const p = await context.newPage();
    await p.goto(`${baseUrl}/units/${dcId}`);
    await p.getByTestId('portal-history').waitFor();
    expect(await p.getByTestId('portal-history').innerText()).toContain('地区生产总值增速');
    await shot(p, 'i06-portal-history');
    await p.close();
    expect(errors).toEqual([]);
  });
});
