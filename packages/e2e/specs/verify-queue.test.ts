import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors, loginDemo, postAs } from '../browser';

const baseUrl = inject('baseUrl');

interface Node {
  code: string;
  subjects?: { type: string }[];
  rule?: { type: string };
  children?: Node[];
}
const dataLeaves = (ns: Node[]): string[] =>
  ns.flatMap((n) =>
    n.children?.length
      ? dataLeaves(n.children)
      : n.rule?.type !== 'rating' && !(n.subjects ?? []).some((s) => s.type !== 'data')
        ? [n.code]
        : [],
  );

describe('my to-do and the verifier’s queue: a unit reports with evidence, the verifier verifies', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let cycle2026: string;
  let planId: string;
  let codes: string[];

  const login = (username: string) => loginDemo(page, baseUrl, username);

  const post = (path: string, body: unknown) => postAs(page, baseUrl, path, body);

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
    const res = await page.request.get(`${baseUrl}/api/public/cycles`);
    cycle2026 = ((await res.json()) as { items: { id: string; code: string }[] }).items.find(
      (c) => c.code === '2026-annual',
    )!.id;
  });

  afterAll(async () => {
    await release(browser);
  });

  it('a unit manager lands on 我的待办, reports two values and drops two evidence files at once', async () => {
    // The demo's unpublished cycles hold no reported data: the office approves the education bureau's
    // 2026 plan (through the API, past the comment window) so that the unit can report on it.
    await login('office');
    const orgs = (await (await page.request.get(`${baseUrl}/api/orgs`)).json()) as {
      items: { id: string; code: string }[];
    };
    const edu = orgs.items.find((o) => o.code === 'edu')!.id;
    const plans = (await (await page.request.get(`${baseUrl}/api/plans?cycleId=${cycle2026}`)).json()) as {
      items: { id: string; status: string; orgUnitId: string; appraiseeType: string }[];
    };
    const plan = plans.items.find((p) => p.orgUnitId === edu && p.appraiseeType === 'unit')!;
    planId = plan.id;
    if (plan.status === 'draft') {
      const r = await post(`/api/plans/${planId}/submit`, {
        lintOverride: { reason: '浏览器测试：跳过设计检查' },
      });
      expect(r.status(), await r.text()).toBe(200);
    }
    if (plan.status !== 'approved') {
      const r = await post(`/api/plans/${planId}/approve`, { overrideReason: '浏览器测试：征求意见期从简' });
      expect(r.status(), await r.text()).toBe(200);
    }

    await login('edu.manager');
    await page.getByTestId('todo-page').waitFor();
    expect(page.url()).toContain('/console/todo');
    await shot(page, 'q01-todo-unit-manager');
    const detail = (await (await page.request.get(`${baseUrl}/api/plans/${planId}`)).json()) as {
      tree: Node[];
    };
    codes = dataLeaves(detail.tree).slice(0, 2);
    expect(codes).toHaveLength(2);
    for (const [i, code] of codes.entries()) {
      const r = await post(`/api/plans/${planId}/values`, {
        indicatorCode: code,
        period: '2026',
        value: 90 + i,
      });
      expect(r.status(), await r.text()).toBe(201);
    }
    await page.goto(`${baseUrl}/console/plans/${planId}/values`);
    // Files already there (a journey run again on the same server) are counted first.
    const values = (await (await page.request.get(`${baseUrl}/api/plans/${planId}/values`)).json()) as {
      items: { id: string; indicatorCode: string; period: string }[];
    };
    const valueId = values.items.find((v) => v.indicatorCode === codes[0] && v.period === '2026')!.id;
    const held = (
      (await (await page.request.get(`${baseUrl}/api/values/${valueId}/evidence`)).json()) as {
        items: unknown[];
      }
    ).items.length;
    const cell = page.getByTestId(`evidence-${codes[0]}`);
    await cell.locator('input[type=file]').setInputFiles([
      { name: '统计年报.txt', mimeType: 'text/plain', buffer: Buffer.from('2025 年统计年报：完成 90\n') },
      { name: '核验说明.csv', mimeType: 'text/csv', buffer: Buffer.from('指标,数值\nA,90\n') },
    ]);
    await expect.poll(() => cell.getByTestId('evidence-file').count(), { timeout: 15_000 }).toBe(held + 2);
    await shot(page, 'q02-values-evidence-dropzone');
    expect(errors).toEqual([]);
  });

  it('the verifier lands on 我的待办, opens the queue across plans, filters, previews evidence, verifies one', async () => {
    await login('verifier');
    await page.getByTestId('todo-verify').waitFor();
    expect(page.url()).toContain('/console/todo');
    await shot(page, 'q03-todo-verifier');
    await page.getByTestId('todo-open-queue').click();
    const queue = page.getByTestId('verify-queue');
    await queue.locator('tbody tr.ant-table-row').first().waitFor();
    await shot(page, 'q04-verify-queue');

    // Filter to the value just reported: cycle and indicator code.
    await page.goto(`${baseUrl}/console/verify?cycleId=${cycle2026}&planId=${planId}&indicator=${codes[0]}`);
    const rows = queue.locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    const row = rows.first();
    await expect
      .poll(() => row.getByTestId('evidence-file').count(), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);
    await row.getByTestId('evidence-preview').first().click();
    await page.getByTestId('evidence-text').waitFor();
    // The modal's opening animation ends before the picture is taken.
    await page.waitForTimeout(600);
    expect(await page.getByTestId('evidence-text').innerText()).toContain('统计年报');
    await shot(page, 'q05-evidence-preview');
    await page.keyboard.press('Escape');

    await row.getByRole('button', { name: '核验通过' }).click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(0);

    // The other value of the plan: selected and rejected in bulk with a reason.
    await page.goto(`${baseUrl}/console/verify?cycleId=${cycle2026}&planId=${planId}`);
    await rows.first().waitFor();
    const before = await rows.count();
    await rows.first().locator('input[type=checkbox]').check();
    await page.getByTestId('bulk-reject').click();
    await page.getByTestId('reject-reason').fill('缺少统计局盖章');
    await page.getByTestId('reject-ok').click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(before - 1);
    await shot(page, 'q06-verify-queue-after');
    // The same queue in English: every string of the page comes from the i18n tables.
    await page.getByTestId('lang-switch').getByText('English').click();
    await page.getByText('Verify data').first().waitFor();
    await shot(page, 'q08-verify-queue-en');
    await page.getByTestId('lang-switch').getByText('中文').click();

    const values = (await (await page.request.get(`${baseUrl}/api/plans/${planId}/values`)).json()) as {
      items: { indicatorCode: string; period: string; status: string }[];
    };
    const first = values.items.find((v) => v.indicatorCode === codes[0] && v.period === '2026');
    expect(first?.status).toBe('verified');
    expect(values.items.some((v) => v.status === 'rejected' && v.period === '2026')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('the office’s 我的待办 shows each running cycle’s next step with its checklist', async () => {
    await login('office');
    await page.getByTestId('todo-stages').waitFor();
    await shot(page, 'q07-todo-office');
    expect(errors).toEqual([]);
  });

  it('an unknown portal address answers 404 with the portal’s 404 page; real pages answer 200', async () => {
    const res = await page.goto(`${baseUrl}/no-such-page`);
    expect(res?.status()).toBe(404);
    await page.getByTestId('not-found').waitFor();
    expect((await page.goto(`${baseUrl}/units`))?.status()).toBe(200);
  });
});
