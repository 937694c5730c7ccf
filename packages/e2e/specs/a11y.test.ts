import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, release, shot, trackErrors, loginDemo, postAs } from '../browser';
import { axeViolations, settle, type AxeFinding } from '../axe';

/**
 * Issue 15, accessibility: axe-core finds no WCAG 2.1 A/AA violation on every portal page (desktop and
 * phone, default and elderly-friendly mode), on the survey answering pages and on the main console
 * pages of each role.
 */
const baseUrl = inject('baseUrl');

type Json = Record<string, unknown>;
const getJson = async <T = Json>(path: string): Promise<T> =>
  (await (await fetch(`${baseUrl}${path}`)).json()) as T;

function report(page: string, found: AxeFinding[]) {
  return found
    .map((v) => `${page}: ${v.id} (${v.impact}) ${v.help}\n    ${v.targets.join('\n    ')}`)
    .join('\n');
}

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const orgs = await getJson<{ items: { id: string; code: string }[] }>('/api/public/orgs');
    ids.bs = orgs.items.find((o) => o.code === 'bs')!.id;
    ids.edu = orgs.items.find((o) => o.code === 'edu')!.id;
    const cycles = await getJson<{ items: { id: string; code: string }[] }>('/api/public/cycles');
    ids.cycle2025 = cycles.items.find((c) => c.code === '2025-annual')!.id;
    const surveys = await getJson<{ items: { id: string }[] }>('/api/public/surveys');
    ids.survey = surveys.items[0]?.id ?? '';
    const plans = await getJson<{ items: { id: string; status: string }[] }>('/api/public/plans');
    ids.plan = (plans.items.find((p) => p.status === 'published_for_comment') ?? plans.items[0]).id;
    const people = await getJson<{ items: { id: string }[] }>('/api/public/people');
    ids.cadre = people.items[0].id;
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
  });
  afterAll(async () => {
    await release(browser);
  });

  async function check(path: string, name: string, ready?: string) {
    await page.goto(`${baseUrl}${path}`);
    if (ready) await page.getByTestId(ready).first().waitFor();
    await settle(page);
    const found = await axeViolations(page);
    await shot(page, `a11y-${name}`);
    return report(path, found);
  }

  const portalPages = (): [string, string, string?][] => [
    ['/', 'portal-home'],
    ['/units', 'portal-units'],
    ['/cadres', 'portal-cadres'],
    [`/cadres/${ids.cadre}`, 'portal-cadre', 'cadre-name'],
    [`/units/${ids.bs}`, 'portal-unit', 'portal-result'],
    ['/surveys', 'portal-surveys'],
    [`/surveys/${ids.survey}`, 'portal-survey-report'],
    [`/cycles/${ids.cycle2025}`, 'portal-cycle'],
    [`/cycles/${ids.cycle2025}/regulations`, 'portal-regulations', 'regulations'],
    ['/take-part', 'portal-take-part'],
    ['/take-part/comment', 'portal-comment-list'],
    [`/take-part/plans/${ids.plan}`, 'portal-plan-comment'],
    ['/take-part/needs', 'portal-needs'],
    ['/take-part/rate', 'portal-rate'],
    [`/take-part/rate/${ids.plan}`, 'portal-rate-plan'],
    ['/take-part/improvements', 'portal-improvements'],
    ['/take-part/report', 'portal-report'],
    ['/take-part/profile', 'portal-profile'],
    ['/no-such-page', 'portal-404', 'not-found'],
    ['/take-part/no-such-page', 'portal-take-part-404', 'not-found'],
  ];

  it('portal pages, desktop', async () => {
    const out: string[] = [];
    for (const [path, name, ready] of portalPages()) out.push(await check(path, name, ready));
    expect(out.filter(Boolean).join('\n')).toBe('');
    expect(errors).toEqual([]);
  });

  it('portal pages on a phone, in the elderly-friendly mode', async () => {
    const phone = await browser.newContext({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const desktop = page;
    page = await phone.newPage();
    try {
      const out: string[] = [];
      out.push(await check('/', 'portal-home-phone'));
      await page.getByTestId('elderly-toggle').click();
      for (const [path, name, ready] of portalPages().slice(0, 4))
        out.push(await check(path, `${name}-elderly`, ready));
      expect(out.filter(Boolean).join('\n')).toBe('');
    } finally {
      await phone.close();
      page = desktop;
    }
  });

  it('survey answering pages: code entry, a mistyped code, an open questionnaire', async () => {
    // An open-mode survey on the 2026 cycle, fielding, so the answering page has a questionnaire.
    await login('office');
    const cycles = (await (await page.request.get(`${baseUrl}/api/cycles`)).json()) as {
      items: { id: string; code: string }[];
    };
    const cycleId = cycles.items.find((c) => c.code === '2026-annual')!.id;
    const code = `a11y-${Date.now()}`;
    const created = await post('/api/surveys', {
      code,
      title: '无障碍检查问卷',
      cycleId,
      strataFields: ['district', 'area'],
      definition: {
        sections: [
          {
            id: 's1',
            title: '公共服务',
            questions: [
              {
                id: 'used',
                type: 'single',
                text: '过去一年是否办理过政务服务事项？',
                required: true,
                options: [
                  { value: 'yes', label: '是' },
                  { value: 'no', label: '否' },
                ],
              },
              { id: 'sat', type: 'likert5', text: '总体满意度', required: true },
              {
                id: 'm',
                type: 'matrix',
                text: '请评价以下方面',
                scale: 5,
                items: [
                  { id: 'eff', text: '办事效率' },
                  { id: 'int', text: '廉洁' },
                ],
              },
              { id: 'nps', type: 'rating0to10', text: '推荐程度' },
              {
                id: 'topics',
                type: 'multiple',
                text: '关心的问题',
                options: [
                  { value: 'school', label: '入学' },
                  { value: 'road', label: '道路' },
                ],
              },
              { id: 'advice', type: 'text', text: '意见建议', maxLength: 500 },
            ],
          },
        ],
      },
    });
    expect(created.status()).toBe(201);
    const surveyId = ((await created.json()) as { survey: { id: string } }).survey.id;
    const csrf = (await context.cookies()).find((c) => c.name === 'pc_csrf')?.value ?? '';
    const patched = await page.request.fetch(`${baseUrl}/api/surveys/${surveyId}`, {
      method: 'PATCH',
      data: { openMode: true },
      headers: { 'x-csrf-token': csrf },
    });
    expect(patched.status()).toBe(200);
    expect((await post(`/api/surveys/${surveyId}/start`, {})).status()).toBe(200);
    await context.clearCookies();

    const out: string[] = [];
    out.push(await check('/s', 'survey-code'));
    out.push(await check('/s/ABCDE-23456', 'survey-not-found', 'code-again'));
    out.push(await check(`/s/open/${surveyId}`, 'survey-open'));
    await page.setViewportSize({ width: 375, height: 812 });
    out.push(await check(`/s/open/${surveyId}`, 'survey-open-phone'));
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(out.filter(Boolean).join('\n')).toBe('');
  });

  const login = (username: string) => loginDemo(page, baseUrl, username);

  const post = (path: string, body: unknown) => postAs(page, baseUrl, path, body);

  it('console login page', async () => {
    await context.clearCookies();
    expect(await check('/console/login', 'console-login', 'login-submit')).toBe('');
  });

  it('main console pages of each role', async () => {
    const out: string[] = [];
    await login('office');
    const staffCycles = (await (await page.request.get(`${baseUrl}/api/cycles`)).json()) as {
      items: { id: string; code: string }[];
    };
    const c2026 = staffCycles.items.find((c) => c.code === '2026-annual')!.id;
    const plans = (await (await page.request.get(`${baseUrl}/api/plans?cycleId=${c2026}`)).json()) as {
      items: { id: string; orgUnitId: string }[];
    };
    const eduPlan = plans.items.find((p) => p.orgUnitId === ids.edu)?.id ?? plans.items[0].id;
    const surveys = (await (await page.request.get(`${baseUrl}/api/surveys`)).json()) as {
      items: { id: string }[];
    };
    for (const [path, name] of [
      ['/console/todo', 'console-todo-office'],
      ['/console/cycles', 'console-cycles'],
      [`/console/cycles/${c2026}`, 'console-cycle'],
      [`/console/plans?cycleId=${c2026}`, 'console-plans'],
      [`/console/plans/${eduPlan}`, 'console-plan-editor'],
      ['/console/results', 'console-results'],
      ['/console/surveys', 'console-surveys'],
      [`/console/surveys/${surveys.items[0].id}`, 'console-survey'],
      ['/console/evaluation', 'console-evaluation'],
      ['/console/participation', 'console-participation'],
      ['/console/monitoring', 'console-monitoring'],
      ['/console/appeals', 'console-appeals'],
      ['/console/orgs', 'console-orgs'],
      ['/console/indicators', 'console-indicators'],
      ['/console/linkage', 'console-linkage'],
    ])
      out.push(await check(path, name, 'side-menu'));
    await login('edu.manager');
    out.push(await check('/console/todo', 'console-todo-manager', 'side-menu'));
    out.push(await check(`/console/plans/${eduPlan}/values`, 'console-values', 'side-menu'));
    await login('verifier');
    out.push(await check('/console/verify', 'console-verify', 'side-menu'));
    await login('leader01');
    out.push(await check('/console/ratings', 'console-ratings', 'side-menu'));
    await login('admin');
    out.push(await check('/console/audit', 'console-audit', 'side-menu'));
    expect(out.filter(Boolean).join('\n')).toBe('');
  });
});
