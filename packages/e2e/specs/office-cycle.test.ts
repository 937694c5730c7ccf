import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launch, release, shot, trackErrors } from '../browser';

/** The current code of an authenticator app (RFC 6238: SHA-1, 30 s, 6 digits) for a base32 secret. */
function totpCode(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/[\s=]/g, '').toUpperCase())
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/**
 * A real office's first cycle, from an empty database in production mode (no demo): the administrator
 * made by `perfcommons init` signs in, loads the organisation from sheets, sets up a cycle with plans,
 * and the cycle runs through every link to a published result, an appeal and its revision on the portal.
 * Every step goes through the console or the portal, each user in a browser session of their own.
 */
const baseUrl = inject('prodBaseUrl');
const admin = inject('prodAdmin');
/** The password every account chooses at its first sign-in (long, without a username in it). */
const NEW_PASSWORD = 'Kx7!mPq2-vR9zT';

const UNITS = `code,name,nameEn,kind,parentCode,peerGroup
river,临江市人民政府,Linjiang City Government,government,,
east,临江市东城区人民政府,East District Government,district,river,urban_district
west,临江市西城区人民政府,West District Government,district,river,urban_district
`;
const ACCOUNTS = `username,displayName,displayNameEn,roles
east.manager,李东,Li Dong,unit_manager@east
west.manager,王茜,Wang Qian,unit_manager@west
checker,赵核,Zhao He,verifier
rater1,周评,Zhou Ping,evaluator
rater2,吴议,Wu Yi,evaluator
rater3,郑审,Zheng Shen,evaluator
`;
const PEOPLE = `code,name,position,orgUnit,termStart
east-1,陈明,区长,east,2021-06-01
west-1,刘洋,区长,west,2022-01-01
`;

/** Each district's plan as its manager builds it: two measured indicators and one rated by superiors. */
const TREE = [
  { code: 'A', name: '地区生产总值增速', weight: 40, unit: '%', baseline: 3, target: 6 },
  { code: 'B', name: '城镇新增就业', weight: 30, unit: '人', baseline: 8000, target: 12000 },
  { code: 'C', name: '领导班子综合评价', weight: 30 },
] as const;
const VALUES: Record<'east' | 'west', { A: number; B: number }> = {
  east: { A: 5.2, B: 10400 },
  west: { A: 6.3, B: 9200 },
};
/** Scores of the leadership team (C) by rater1..3. */
const RATINGS: Record<'east' | 'west', number[]> = { east: [86, 90, 88], west: [80, 92, 78] };
const DISTRICT_NAME = { east: '临江市东城区人民政府', west: '临江市西城区人民政府' } as const;

describe('a new office runs its first cycle from an empty install to a corrected, republished result', () => {
  let browser: Browser;
  let dir: string;
  /** One signed-in page per account, each in its own browser context. */
  const pages = new Map<string, Page>();
  const errors = new Map<string, string[]>();
  /** One-time passwords of the imported accounts, read from the import dialog. */
  const initial = new Map<string, string>();
  let cycleId = '';
  const planOf: Record<string, string> = {};

  /** Signs the account in on a fresh context; the first sign-in replaces the one-time password. */
  async function as(username: string): Promise<Page> {
    const known = pages.get(username);
    if (known) return known;
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    errors.set(username, trackErrors(page));
    const password = username === admin.username ? admin.password : initial.get(username);
    expect(password, `one-time password of ${username}`).toBeTruthy();
    await page.goto(`${baseUrl}/console/login`);
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password!);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('change-password').waitFor();
    await page.locator('#currentPassword').fill(password!);
    await page.locator('#newPassword').fill(NEW_PASSWORD);
    await page.locator('#confirmPassword').fill(NEW_PASSWORD);
    await page.getByTestId('change-password-submit').click();
    // Administrators and the office also enrol an authenticator app (a second factor) before going on.
    const totp = page.getByTestId('totp-setup');
    await page.getByTestId('side-menu').or(totp).waitFor();
    if (await totp.isVisible()) {
      await totp.locator('input[type=password]').fill(NEW_PASSWORD);
      await totp.getByTestId('totp-start').click();
      const secret = (await totp.getByTestId('totp-secret').innerText()).trim();
      await totp.getByTestId('totp-code').fill(totpCode(secret));
      await totp.getByTestId('totp-enable').click();
      // Ten one-time recovery codes are shown once; the user confirms having kept them.
      await totp.getByTestId('totp-codes-saved').click();
      await page.getByTestId('side-menu').waitFor();
    }
    pages.set(username, page);
    return page;
  }

  /** Picks an option of an antd Select (the dropdown is rendered at the end of the body). */
  async function choose(page: Page, select: Locator, option: string) {
    await select.click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: option })
      .first()
      .click();
  }

  /** Confirms the open antd confirm dialog (modal.confirm). */
  async function confirm(page: Page) {
    await page.locator('.ant-modal-confirm .ant-btn-primary').click();
  }

  /** Advances the cycle one link from its page; every precondition must hold (no override). */
  async function advance(page: Page, stage: string) {
    await page.goto(`${baseUrl}/console/cycles/${cycleId}`);
    await page.getByTestId('stage-advance').click();
    const dialog = page.getByTestId('stage-advance-dialog');
    await dialog.getByTestId('stage-checklist').waitFor();
    const failing = await dialog.locator('[data-testid^="check-"][data-ok="false"]').count();
    expect(failing, `preconditions into ${stage}`).toBe(0);
    await page.getByTestId('stage-advance-ok').click();
    await page.getByTestId('cycle-stage').filter({ hasText: stage }).waitFor();
  }

  /** antd puts a space between the two characters of a two-character button label. */
  const cjk = (label: string) => new RegExp(`^${[...label].join('\\s*')}$`);

  function fixture(name: string, content: string | Buffer) {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  /**
   * One link of the walk: each builds on the previous ones, so after a failure the rest are skipped
   * and every open session is photographed as it stood.
   */
  let failed = false;
  function step(name: string, fn: () => Promise<void>) {
    it(name, async (ctx) => {
      if (failed) ctx.skip();
      try {
        await fn();
      } catch (e) {
        failed = true;
        for (const [user, page] of pages) await shot(page, `o-failed-${user}`).catch(() => undefined);
        throw e;
      }
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'perfcommons-office-'));
    browser = await launch();
  });

  afterAll(async () => {
    await release(browser);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  step(
    'the administrator from init changes the one-time password and imports units, accounts and cadres',
    async () => {
      const page = await as(admin.username);
      // An empty install: no cycle yet.
      await page.getByTestId('side-menu').getByText('组织与干部').click();
      await page.getByTestId('org-import').click();

      const kinds = [
        ['units', '单位', UNITS],
        ['accounts', '用户账号', ACCOUNTS],
        ['people', '领导干部', PEOPLE],
      ] as const;
      for (const [kind, label, csv] of kinds) {
        const modal = page.locator('.ant-modal:visible');
        await modal.getByTestId('import-kind').getByText(label).click();
        await modal.locator('input[type=file]').setInputFiles(fixture(`${kind}.csv`, csv));
        await modal.getByTestId('import-rows').locator('tbody tr.ant-table-row').first().waitFor();
        expect(await modal.getByTestId('import-errors').count()).toBe(0);
        if (kind === 'units') await shot(page, 'o01-import-units-preview');
        await modal.getByTestId('import-commit').click();
        await modal.getByTestId('import-done').waitFor();
        if (kind === 'accounts') {
          const rows = modal.getByTestId('import-credentials').locator('tbody tr.ant-table-row');
          await rows.first().waitFor();
          for (const row of await rows.all()) {
            const username = (await row.locator('td').first().innerText()).trim();
            initial.set(username, (await row.locator('td').nth(2).locator('code').innerText()).trim());
          }
          expect([...initial.keys()].sort()).toEqual(
            ['checker', 'east.manager', 'rater1', 'rater2', 'rater3', 'west.manager'].sort(),
          );
          await shot(page, 'o02-import-accounts-credentials');
          // The initial passwords are shown once: the office keeps them before going on.
          const download = page.waitForEvent('download');
          await modal.getByTestId('import-download').click();
          expect((await download).suggestedFilename()).toBe('initial-passwords.csv');
        }
        await modal.getByRole('button', { name: '导入其他文件' }).click();
      }
      await page
        .locator('.ant-modal:visible')
        .getByRole('button', { name: cjk('关闭') })
        .click();
      await page.getByText('临江市东城区人民政府').first().waitFor();
      await shot(page, 'o03-org-tree');
      expect(errors.get(admin.username)).toEqual([]);
    },
  );

  step(
    'the office creates the annual cycle, generates a plan per district, sets the rules and opens planning',
    async () => {
      const page = await as(admin.username);
      await page.getByTestId('side-menu').getByText('考核周期').click();
      await page.getByTestId('cycle-create').click();
      const modal = page.locator('.ant-modal:visible');
      await modal.locator('#code').fill('2026-annual');
      await modal.locator('#name').fill('2026年度区县综合考核');
      await modal.locator('#nameEn').fill('2026 annual appraisal of the districts');
      await modal.getByPlaceholder('开始日期').click();
      await modal.getByPlaceholder('开始日期').fill('2026-01-01');
      await modal.getByPlaceholder('结束日期').fill('2026-12-31');
      await modal.getByPlaceholder('结束日期').press('Enter');
      await modal.getByRole('button', { name: cjk('保存') }).click();
      await page.getByTestId('cycle-link').filter({ hasText: '2026年度区县综合考核' }).click();
      await page.getByTestId('cycle-stage').waitFor();
      cycleId = new URL(page.url()).pathname.split('/').pop()!;

      const setup = page.getByTestId('plan-setup');
      await choose(page, setup.getByTestId('setup-template'), '空白计划');
      await setup.getByTestId('setup-run').click();
      const result = setup.getByTestId('setup-result');
      await result.locator('tbody tr.ant-table-row').nth(1).waitFor();
      // Both districts got a plan, each owned by its unit manager.
      for (const name of ['李东', '王茜']) expect(await result.getByText(name).count()).toBe(1);
      // …and the cycle's plan list below shows them.
      await expect.poll(() => page.getByText('临江市西城区2026年度绩效计划').count()).toBe(2);
      await shot(page, 'o04-plans-generated');

      // The rules of the cycle 考核办法: the defaults (3 raters at least, trim 1 on each side), saved as version 1.
      await page.goto(`${baseUrl}/console/evaluation/rules?cycleId=${cycleId}`);
      await page.getByTestId('rules-form').waitFor();
      await page.getByTestId('rules-save').click();
      await page.getByTestId('rules-versions').locator('tbody tr.ant-table-row').first().waitFor();

      await advance(page, '绩效计划');
      expect(errors.get(admin.username)).toEqual([]);
    },
  );

  step('each district manager builds the indicator tree with targets and submits the plan', async () => {
    for (const unit of ['east', 'west'] as const) {
      const page = await as(`${unit}.manager`);
      await page.getByTestId('side-menu').getByText('绩效计划').click();
      await page.getByTestId('plan-link').first().click();
      await page.getByTestId('plan-tree').waitFor();
      planOf[unit] = new URL(page.url()).pathname.split('/').pop()!;

      for (let i = 0; i < TREE.length; i++) await page.getByRole('button', { name: '新增一级指标' }).click();
      const rows = page.getByTestId('plan-tree').locator('tbody tr.ant-table-row');
      for (const [i, node] of TREE.entries()) {
        const row = rows.nth(i);
        await row.getByLabel('编码', { exact: true }).fill(node.code);
        await row.getByTestId(`name-${node.code}`).fill(node.name);
        await row.getByTestId(`weight-${node.code}`).fill(String(node.weight));
        await row.getByTestId(`rule-${node.code}`).click();
        const drawer = page.getByTestId('leaf-drawer');
        if ('target' in node) {
          await drawer.getByTestId('leaf-unit').fill(node.unit);
          await drawer.getByTestId('leaf-baseline').fill(String(node.baseline));
          await drawer.getByTestId('leaf-target').fill(String(node.target));
          await choose(page, drawer.getByTestId('rule-type'), '线性');
        } else {
          await choose(page, drawer.getByTestId('rule-type'), '评价打分');
          await drawer.getByTestId('subject-add').click();
          await choose(page, drawer.getByTestId('subject-type-0'), '上级');
          await drawer.getByTestId('subject-weight-0').fill('100');
        }
        if (unit === 'east' && node.code === 'C') await shot(page, 'o05-leaf-rated-by-superiors');
        await drawer.getByRole('button', { name: cjk('完成') }).click();
        await drawer.waitFor({ state: 'hidden' });
      }
      await page.getByTestId('plan-validation').filter({ hasText: '校验通过' }).waitFor();
      await page.getByTestId('plan-save').click();
      await page.getByText('已保存').first().waitFor();
      if (unit === 'east') await shot(page, 'o06-plan-built');
      await page.getByTestId('plan-submit').click();
      await page
        .locator('.ant-popconfirm')
        .getByRole('button', { name: cjk('提交公示') })
        .click();
      await page.getByText('征求意见').first().waitFor();
      expect(errors.get(`${unit}.manager`)).toEqual([]);
    }
  });

  step(
    'the office approves both plans in bulk, both sides sign the agreements, and execution opens',
    async () => {
      const page = await as(admin.username);
      await page.goto(`${baseUrl}/console/plans?cycleId=${cycleId}`);
      await page.getByTestId('plan-link').nth(1).waitFor();
      await page.locator('thead .ant-checkbox-input').check();
      await page.getByTestId('bulk-approve').click();
      await page.getByTestId('bulk-approve-ok').click();
      await page.locator('tbody tr.ant-table-row').filter({ hasText: '已批准' }).nth(1).waitFor();
      await shot(page, 'o07-plans-approved');

      for (const unit of ['east', 'west'] as const) {
        const manager = await as(`${unit}.manager`);
        await manager.goto(`${baseUrl}/console/plans/${planOf[unit]}`);
        await manager.getByTestId('sign-appraisee').click();
        await manager
          .getByTestId('agreement-panel')
          .getByText(unit === 'east' ? '李东' : '王茜')
          .waitFor();
        await page.goto(`${baseUrl}/console/plans/${planOf[unit]}`);
        await page.getByTestId('sign-office').click();
        await page.getByTestId('agreement-panel').getByText('绩效办主任').waitFor();
      }
      await shot(page, 'o08-agreement-signed');
      await advance(page, '绩效沟通与辅导');
      expect(errors.get(admin.username)).toEqual([]);
    },
  );

  step(
    'each manager reports the values from a sheet with evidence; the verifier checks and verifies them',
    async () => {
      const pdf = (title: string) =>
        Buffer.from(
          `%PDF-1.4\n% ${title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
        );
      for (const unit of ['east', 'west'] as const) {
        const page = await as(`${unit}.manager`);
        await page.goto(`${baseUrl}/console/plans/${planOf[unit]}/values`);
        const sheet = `indicatorCode,period,value,note\nA,2026,${VALUES[unit].A},统计局年报快报\nB,2026,${VALUES[unit].B},人社局就业台账\n`;
        await page.locator('input[type=file]').setInputFiles(fixture(`${unit}-values.csv`, sheet));
        await page.getByText('已导入 2 行').waitFor();
        for (const code of ['A', 'B']) {
          const cell = page.getByTestId(`evidence-${code}`);
          await cell.locator('input[type=file]').setInputFiles({
            name: `${unit}-${code}-证明.pdf`,
            mimeType: 'application/pdf',
            buffer: pdf(`${unit} ${code}`),
          });
          await cell.getByTestId('evidence-file').waitFor();
        }
        if (unit === 'east') await shot(page, 'o09-values-with-evidence');
        expect(errors.get(`${unit}.manager`)).toEqual([]);
      }

      const page = await as('checker');
      for (const unit of ['east', 'west'] as const) {
        await page.goto(`${baseUrl}/console/verify?planId=${planOf[unit]}&cycleId=${cycleId}`);
        const rows = page.locator('tbody tr.ant-table-row');
        await rows.nth(1).waitFor();
        // The verifier sees each value's evidence before deciding.
        await expect.poll(() => page.getByTestId('evidence-file').count()).toBe(2);
        if (unit === 'east') {
          await shot(page, 'o10-verify-with-evidence');
          // The verifier opens a file (the download is audited).
          const download = page.waitForEvent('download');
          await page.getByTestId('evidence-file').first().click();
          expect((await download).suggestedFilename()).toMatch(/^east-[AB]-证明\.pdf$/);
        }
        for (let n = 2; n > 0; n--) {
          await rows.first().getByRole('button', { name: '核验通过' }).click();
          await expect.poll(() => rows.count()).toBe(n - 1);
        }
      }
      expect(errors.get('checker')).toEqual([]);
    },
  );

  step('the office staffs the superiors panel with three evaluators and opens the evaluation', async () => {
    const page = await as(admin.username);
    await page.goto(`${baseUrl}/console/evaluation/panels?cycleId=${cycleId}`);
    await page.getByTestId('assign-open').click();
    const modal = page.locator('.ant-modal:visible');
    await modal.getByRole('button', { name: '全选单位' }).click();
    await choose(page, modal.getByTestId('assign-subject'), '上级');
    // A multiple select stays open while the options are picked.
    await modal.getByTestId('assign-raters').click();
    for (const name of ['周评', '吴议', '郑审'])
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option')
        .filter({ hasText: name })
        .click();
    await page.keyboard.press('Escape');
    await page.getByTestId('assign-submit').click();
    await modal.getByTestId('assign-answer').waitFor();
    await modal.getByRole('button', { name: cjk('取消') }).click();
    await modal.waitFor({ state: 'hidden' });
    await page.getByTestId('panels-table').locator('tbody tr.ant-table-row').nth(1).waitFor();
    await shot(page, 'o11-panels-staffed');
    await advance(page, '绩效评价');
    expect(errors.get(admin.username)).toEqual([]);
  });

  step('three evaluators rate the leadership team of both districts', async () => {
    for (const [i, rater] of ['rater1', 'rater2', 'rater3'].entries()) {
      const page = await as(rater);
      await page.getByTestId('side-menu').getByText('我的评分任务').click();
      const tasks = page.getByTestId('rating-tasks');
      for (const unit of ['east', 'west'] as const) {
        await tasks
          .locator('tbody tr.ant-table-row')
          .filter({ hasText: DISTRICT_NAME[unit] })
          .getByTestId('rate-open')
          .click();
        const drawer = page.getByTestId('rating-drawer');
        await drawer.getByTestId('score-C').fill(String(RATINGS[unit][i]));
        await drawer.getByTestId('submit-C').click();
        await drawer.getByTestId('rated-C').waitFor();
        if (i === 0 && unit === 'east') await shot(page, 'o12-rater-form');
        await drawer.locator('.ant-drawer-close').click();
        await drawer.waitFor({ state: 'hidden' });
      }
      expect(errors.get(rater)).toEqual([]);
    }
  });

  step('the office computes complete results, moves to feedback and publishes them', async () => {
    const page = await as(admin.username);
    await page.goto(`${baseUrl}/console/results?cycleId=${cycleId}`);
    await page.getByTestId('compute').click();
    await confirm(page);
    const table = page.getByTestId('results-table');
    await table.locator('tbody tr.ant-table-row').nth(1).waitFor();
    expect(await page.getByTestId('results-incomplete').count()).toBe(0);
    // Every input is in: 40 × (5.2−3)/(6−3) + 30 × (10400−8000)/(12000−8000) + 30 × 88 (86, 88, 90 trimmed).
    await table.locator('tbody tr.ant-table-row').filter({ hasText: '东城区' }).getByText('73.73').waitFor();
    // Publishing waits for the feedback stage, and the panel says so.
    await page.getByTestId('publication-not-yet').waitFor();
    await shot(page, 'o13-results-computed');

    await advance(page, '绩效反馈');
    await page.goto(`${baseUrl}/console/results?cycleId=${cycleId}`);
    const panel = page.getByTestId('publication-panel');
    await panel.getByTestId('publish-results').click();
    await confirm(page);
    await panel.getByTestId('withdraw-publication').waitFor();
    await shot(page, 'o14-published');
    expect(errors.get(admin.username)).toEqual([]);
  });

  /** The east district's page on the portal, as anyone reads it. */
  async function portalEast() {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errs = trackErrors(page);
    await page.goto(`${baseUrl}/units`);
    await page.getByTestId('portal-unit-link').filter({ hasText: '东城区' }).click();
    await page.getByTestId('portal-result').waitFor();
    return { page, errs, close: () => context.close() };
  }

  step('the portal shows the east district’s result with its breakdown, first version', async () => {
    const { page, errs, close } = await portalEast();
    const result = page.getByTestId('portal-result');
    await result.getByTestId('result-revision-number').filter({ hasText: '1' }).waitFor();
    expect(await result.locator('.pc-score').innerText()).toBe('73.7');
    // The per-indicator table: B's reported value and its points.
    const rowB = page.getByTestId('portal-breakdown-B');
    await rowB.waitFor();
    expect((await rowB.innerText()).replace(/,/g, '')).toContain('10400');
    expect(await rowB.innerText()).toMatch(/\b18(\.0+)?\s*$/);
    await page.locator('.pc-card canvas').nth(1).waitFor();
    await shot(page, 'o15-portal-result-v1');
    expect(errs).toEqual([]);
    await close();
  });

  step('the east manager appeals the jobs figure; the office accepts it with a corrected value', async () => {
    const manager = await as('east.manager');
    await manager.goto(`${baseUrl}/console/results?cycleId=${cycleId}`);
    const table = manager.getByTestId('results-table');
    await table
      .locator('tbody tr.ant-table-row')
      .filter({ hasText: '东城区' })
      .getByTestId('explain')
      .click();
    const drawer = manager.getByTestId('breakdown-drawer');
    await drawer.getByTestId('breakdown-total').waitFor();
    await drawer.getByTestId('appeal-open').click();
    const form = manager.getByTestId('appeal-form');
    await choose(manager, form.getByTestId('appeal-indicator'), '城镇新增就业');
    await form
      .getByTestId('appeal-reason')
      .fill('12月新增就业1900人已由区人社局补录并经市统计局核实，报送时未计入');
    await form.getByTestId('appeal-evidence-0').fill('市统计局核实函〔2026〕31号');
    await shot(manager, 'o16-appeal-form');
    await manager.getByTestId('appeal-submit').click();
    await manager.getByText('申诉已提交').waitFor();
    expect(errors.get('east.manager')).toEqual([]);

    const page = await as(admin.username);
    await page.goto(`${baseUrl}/console/appeals?cycleId=${cycleId}`);
    const pending = page
      .getByTestId('appeals-table')
      .locator('tbody tr.ant-table-row')
      .filter({ hasText: '待处理' });
    await pending.getByTestId('appeal-decide').click();
    const decide = page.getByTestId('decide-form');
    await decide.getByTestId('decide-value').fill('12300');
    await decide.getByTestId('decide-reason').fill('经市统计局核实，城镇新增就业更正为12300人');
    await shot(page, 'o17-office-decides');
    await page.getByTestId('decide-submit').click();
    await page.getByText('已处理：已采纳').waitFor();
    await page.getByTestId('appeals-table').getByTestId('appeal-change').first().waitFor();
    await shot(page, 'o18-appeal-accepted');
    expect(errors.get(admin.username)).toEqual([]);
  });

  step('the portal shows revision 2 of the east district’s result with its note', async () => {
    const { page, errs, close } = await portalEast();
    const revision = page.getByTestId('result-revision');
    await revision.getByTestId('result-revision-number').filter({ hasText: '2' }).waitFor();
    await revision.getByText('经市统计局核实，城镇新增就业更正为12300人', { exact: false }).waitFor();
    expect(await revision.innerText()).toContain('10400');
    expect(await page.getByTestId('portal-result').locator('.pc-score').innerText()).toBe('85.7');
    // The corrected figure in the breakdown, the earlier revision still readable.
    expect((await page.getByTestId('portal-breakdown-B').innerText()).replace(/,/g, '')).toContain('12300');
    await revision.getByTestId('result-earlier-revisions').waitFor();
    await page.locator('.pc-card canvas').nth(1).waitFor();
    await shot(page, 'o19-portal-result-v2');
    expect(errs).toEqual([]);
    await close();
  });
});
