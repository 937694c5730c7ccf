import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

/**
 * Stored XSS through public text fields: script payloads go into what residents write (a comment, a
 * thread title and body) and into an indicator name of a plan published for comment; the portal must
 * show them as text and run nothing.
 */
const baseUrl = inject('baseUrl');
const IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';
const SCRIPT = '<script>window.__xss=(window.__xss||0)+1</script>';

interface Session {
  headers: Record<string, string>;
}

async function login(username: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo1234' }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = cookies.find((c) => c.startsWith('pc_csrf='))!.slice('pc_csrf='.length);
  return {
    headers: { cookie: cookies.join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' },
  };
}

async function call(s: Session, method: string, url: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: s.headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

describe('stored XSS', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let planId: string;
  let unitId: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    const office = await login('office');
    const manager = await login('spo.manager');
    const citizen = await login('citizen07');
    const cycles = (await call(office, 'GET', '/api/cycles')).items as { id: string; code: string }[];
    const orgs = (await call(office, 'GET', '/api/orgs')).items as { id: string; code: string }[];
    const cycleId = cycles.find((c) => c.code === '2026-annual')!.id;
    const spo = orgs.find((o) => o.code === 'spo')!.id;
    unitId = spo;
    const plans = (
      await call(office, 'GET', `/api/plans?cycleId=${cycleId}&orgUnitId=${spo}&appraiseeType=unit`)
    ).items as { id: string }[];
    planId = plans[0].id;
    // A draft plan no other spec or seed touches (sports bureau): an indicator name with markup, saved by
    // the unit and published for comment.
    const detail = (await call(manager, 'GET', `/api/plans/${planId}`)) as {
      plan: { version: number };
      tree: { name: string }[];
    };
    detail.tree[0].name = `健康${IMG}`;
    await call(manager, 'PUT', `/api/plans/${planId}/tree`, {
      tree: detail.tree,
      version: detail.plan.version,
    });
    await call(manager, 'POST', `/api/plans/${planId}/submit`, {});
    // What a resident writes.
    await call(citizen, 'POST', `/api/participation/plans/${planId}/comments`, {
      body: `评论${SCRIPT}${IMG}`,
    });
    await call(citizen, 'POST', `/api/participation/plans/${planId}/threads`, {
      title: `标题${IMG}`,
      body: `内容${SCRIPT}`,
    });

    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors = trackErrors(page);
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await release(browser);
  });

  it('shows comment, thread and indicator name as text on the portal and runs nothing', async () => {
    await page.goto(`${baseUrl}/take-part/plans/${planId}`);
    await page.getByTestId('pp-plan-title').waitFor();
    await page.getByText(`评论${SCRIPT}${IMG}`).waitFor();
    await page.getByText(`标题${IMG}`).first().waitFor();
    await shot(page, 'xss-plan-page');
    // The indicator name, on the unit's portal page with every plan's tree opened.
    await page.goto(`${baseUrl}/units/${unitId}`);
    await page.getByTestId('portal-plan').first().waitFor();
    for (const button of await page
      .locator('[data-testid="portal-plan"] button[aria-expanded="false"]')
      .all())
      await button.click();
    await page.getByText(`健康${IMG}`).first().waitFor();
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('body script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('serves the portal under a CSP that forbids inline script', async () => {
    const res = await fetch(`${baseUrl}/take-part/plans/${planId}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc.trim()).toBe("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
