import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { APIResponse, Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

const baseUrl = inject('baseUrl');

/**
 * The worked example of docs/linkage.md, in 2024 for 市教育局: 10 orders in March; 8 due in March of which 7
 * closed on time, 2 due (and closed on time) in April; 6 return visits; 5 rated. Over the year the on-time
 * closure rate is 9/10 = 90 %, the satisfaction rate 4/5 = 80 %.
 */
function workedExample(): Buffer {
  const lines = [
    '工单编号,来电时间,诉求类型,诉求分类,承办单位,签收时间,办理时限,办结时间,是否按期办结,是否解决,满意度',
  ];
  const resolved = ['已解决', '已解决', '已解决', '已解决', '部分解决', '未解决'];
  const satisfied = ['满意', '满意', '满意', '基本满意', '不满意'];
  for (let i = 0; i < 10; i++) {
    const day = String(2 + i).padStart(2, '0');
    const due = i < 8 ? `2024-03-${String(10 + i).padStart(2, '0')}` : `2024-04-0${i - 5}`;
    // Order 7 is closed two days late; the others the day they came in.
    const closed = i === 7 ? `2024-03-${String(10 + i + 2).padStart(2, '0')} 10:00` : `2024-03-${day} 16:00`;
    // Order 10 is accepted after 3 hours.
    const accepted = `2024-03-${day} ${i === 9 ? '12' : '10'}:00`;
    lines.push(
      [
        `E2E2024030${i}`,
        `2024-03-${day} 09:00`,
        '求助',
        '教育',
        i % 2 ? '市教育局' : 'edu',
        accepted,
        due,
        closed,
        '',
        resolved[i] ?? '',
        satisfied[i] ?? '未评价',
      ].join(','),
    );
  }
  return Buffer.from(lines.join('\n') + '\n');
}

/** A small plan: the hotline's on-time closure rate, and a deduction item for findings (1 point per unit). */
const TREE = [
  {
    code: 'S',
    name: '政务服务',
    weight: 100,
    children: [
      {
        code: 'S1',
        name: '12345转办件按期办结率',
        weight: 100,
        unit: '%',
        definition: '按期办结的 12345 工单占当期到期工单的比例',
        dataSource: '市12345热线服务中心',
        target: 100,
        baseline: 60,
        rule: { type: 'linear', baseline: 60, target: 100, direction: 'higher' },
        subjects: [{ type: 'data', weight: 100 }],
      },
    ],
  },
  {
    code: 'H1',
    name: '审计、巡察、财政问题扣分',
    weight: 5,
    kind: 'deduction',
    unit: '项',
    rule: { type: 'perUnit', points: 1 },
  },
];

describe('data linkage: a hotline export becomes reported values, a finding a deduction', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let cycleId = '';
  let planId = '';

  const login = async (username: string) => {
    await context.clearCookies();
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill(username);
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();
  };
  const send = async (method: 'post' | 'put', path: string, body: unknown): Promise<APIResponse> => {
    const csrf = (await context.cookies()).find((c) => c.name === 'pc_csrf')?.value ?? '';
    return page.request[method](`${baseUrl}${path}`, { data: body, headers: { 'x-csrf-token': csrf } });
  };
  const ok = async (r: APIResponse) => {
    expect(r.ok(), `${r.status()} ${await r.text()}`).toBe(true);
    return r.json();
  };

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
    await login('office');
    // A 2024 cycle of its own (older than the demo's, so no page picks it by default) with one approved
    // plan of 市教育局, moved on to evaluation so that its results can be computed.
    const orgs = (await ok(await page.request.get(`${baseUrl}/api/orgs`))) as {
      items: { id: string; code: string }[];
    };
    const edu = orgs.items.find((o) => o.code === 'edu')!.id;
    const code = `e2e-linkage-${Date.now()}`;
    const cycle = await ok(
      await send('post', '/api/cycles', {
        code,
        name: '2024年度数据联动演练',
        nameEn: '2024 data linkage drill',
        type: 'annual',
        periodStart: '2024-01-01',
        periodEnd: '2024-12-31',
      }),
    );
    cycleId = cycle.cycle.id;
    const move = async (to: string) => {
      const check = (await ok(
        await page.request.get(`${baseUrl}/api/cycles/${cycleId}/transition-check?to=${to}`),
      )) as { checklist: { code: string; ok: boolean }[] };
      const overrides = check.checklist
        .filter((c) => !c.ok)
        .map((c) => ({ code: c.code, reason: '浏览器测试：演练周期从简' }));
      await ok(await send('post', `/api/cycles/${cycleId}/transition`, { to, overrides }));
    };
    await move('planning');
    const created = await ok(
      await send('post', '/api/plans', {
        appraiseeType: 'unit',
        cycleId,
        orgUnitId: edu,
        source: { kind: 'template', template: 'blank' },
      }),
    );
    planId = created.plan.id;
    await ok(await send('put', `/api/plans/${planId}/tree`, { tree: TREE, version: created.plan.version }));
    await ok(
      await send('post', `/api/plans/${planId}/submit`, { lintOverride: { reason: '浏览器测试：最小计划' } }),
    );
    await ok(
      await send('post', `/api/plans/${planId}/approve`, { overrideReason: '浏览器测试：征求意见期从简' }),
    );
    await move('execution');
    await move('evaluation');
  });

  afterAll(async () => {
    await release(browser);
  });

  it('the office imports the hotline export in the console and sees its rates', async () => {
    await page.goto(`${baseUrl}/console/linkage/import`);
    await page.getByTestId('linkage-page').waitFor();
    await page.getByTestId('linkage-source').getByText('12345 热线工单').click();
    await page
      .locator('input[type=file]')
      .first()
      .setInputFiles({ name: '12345工单-2024年3月.csv', mimeType: 'text/csv', buffer: workedExample() });
    const preview = page.getByTestId('linkage-preview');
    await preview.waitFor();
    expect(await preview.innerText()).toContain('10');
    await shot(page, 'l01-linkage-preview');
    await page.getByTestId('linkage-commit').click();
    await page.getByTestId('linkage-done').waitFor();
    // The batch is listed with its file name; the year's rates of 市教育局 are computed.
    await page.getByTestId('linkage-batches').getByText('12345工单-2024年3月.csv').waitFor();
    const rates = (await ok(
      await page.request.get(`${baseUrl}/api/linkage/rates?granularity=year&period=2024`),
    )) as {
      items: { unitId: string; metric: string; numerator: number; denominator: number; rate: number }[];
    };
    const onTime = rates.items.find((r) => r.metric === 'on_time_rate' && r.denominator === 10);
    expect(onTime).toMatchObject({ numerator: 9, denominator: 10, rate: 90 });
    await shot(page, 'l02-linkage-imported');
  });

  it('maps the indicator, feeds the year into the cycle: reported values awaiting verification', async () => {
    await page.goto(`${baseUrl}/console/linkage/feed?cycleId=${cycleId}`);
    await page.getByTestId('mapping-code').fill('S1');
    await page.getByTestId('mapping-metric').click();
    await page.locator('.ant-select-item-option', { hasText: '按期办结率' }).click();
    await page.getByTestId('mapping-add').click();
    await page.getByTestId('mappings-table').getByText('S1').waitFor();
    await page.getByTestId('feed-period').fill('2024');
    await page.getByTestId('feed-run').click();
    const result = page.getByTestId('feed-result');
    await result.locator('tbody tr.ant-table-row').first().waitFor();
    expect(await result.innerText()).toContain('90');
    await shot(page, 'l03-linkage-fed');

    const values = (await ok(await page.request.get(`${baseUrl}/api/plans/${planId}/values`))) as {
      items: { indicatorCode: string; period: string; value: number; status: string; note: string | null }[];
    };
    const fed = values.items.find((v) => v.indicatorCode === 'S1')!;
    expect(fed).toMatchObject({ period: '2024', value: 90, status: 'reported' });
    expect(fed.note).toContain('9/10');

    // The statistics bureau's queue lists the fed value as reported (已填报): it scores once verified there,
    // like any other value (the office that fed it may not verify its own report).
    await login('verifier');
    await page.goto(`${baseUrl}/console/verify?cycleId=${cycleId}&planId=${planId}`);
    const row = page.getByTestId('verify-queue').locator('tbody tr.ant-table-row').first();
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('S1');
    expect(text).toContain('90');
    expect(text).toContain('已填报');
    await shot(page, 'l04-linkage-verify-queue');
    await row.getByRole('button', { name: '核验通过' }).click();
    await expect
      .poll(async () => {
        const v = (await ok(
          await page.request.get(`${baseUrl}/api/plans/${planId}/values`),
        )) as typeof values;
        return v.items.find((x) => x.indicatorCode === 'S1')!.status;
      })
      .toBe('verified');
  });

  it('records an audit finding in the console; the computed breakdown deducts it under H1', async () => {
    await login('office');
    await page.goto(`${baseUrl}/console/linkage/findings?cycleId=${cycleId}`);
    await page.getByTestId('finding-add').click();
    await page.getByTestId('finding-plan').click();
    await page.locator('.ant-select-item-option', { hasText: '市教育局' }).click();
    await page.getByTestId('finding-item').click();
    await page.locator('.ant-select-item-option', { hasText: 'H1' }).click();
    await page.getByTestId('finding-points').fill('2');
    await page.getByTestId('finding-date').click();
    await page.getByTestId('finding-date').fill('2024-09-20');
    await page.getByTestId('finding-date').press('Enter');
    await page.getByTestId('finding-title').fill('关于市教育局2023年度预算执行情况的审计报告');
    await page.getByTestId('finding-number').fill('江审报〔2024〕9号');
    await page.getByTestId('finding-description').fill('学生资助专项资金滞留未拨付。');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.getByTestId('findings-table').getByText('江审报〔2024〕9号').waitFor();
    await shot(page, 'l05-linkage-finding');

    await ok(await send('post', `/api/cycles/${cycleId}/compute?wait=true`, {}));
    await page.goto(`${baseUrl}/console/results?cycleId=${cycleId}`);
    const table = page.getByTestId('results-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    await table.getByTestId('explain').first().click();
    const drawer = page.getByTestId('breakdown-drawer');
    await drawer.getByTestId('breakdown-findings').waitFor();
    const findings = await drawer.getByTestId('breakdown-findings').innerText();
    expect(findings).toContain('江审报〔2024〕9号');
    expect(findings).toContain('2');
    // 90 % on-time closure on a 60–100 scale scores 75; the finding deducts 2 points.
    expect(await drawer.getByTestId('breakdown-total').innerText()).toContain('73');
    await shot(page, 'l06-linkage-breakdown');
    expect(errors).toEqual([]);
  });
});
