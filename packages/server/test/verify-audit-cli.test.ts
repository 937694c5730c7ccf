import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SNAPSHOT } from './global-setup';
import { BACKEND, cloneTemplate } from './helper';

/**
 * `perfcommons verify-audit` on a copy of the demo city: intact, it exits 0; after the four edits issue 12
 * found unreported (a published survey report's means, a survey answer, a public rating's relevance, the
 * frozen trimEachSide, and a role grant making a citizen an administrator), it exits 1 naming each table
 * and row.
 */
/** The CLI as the global setup compiled it (compile-server.ts). */
const BIN = inject('compiledServer').cli;
let dir: string;
let env: Record<string, string>;
let drop: (() => Promise<void>) | undefined;

async function query(text: string): Promise<Record<string, string>[]> {
  if (env.DATABASE_URL) {
    const c = new pg.Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    try {
      return (await c.query(text)).rows;
    } finally {
      await c.end();
    }
  }
  const db = await PGlite.create(env.DATA_DIR);
  try {
    return ((await db.exec(text)).at(-1)?.rows ?? []) as Record<string, string>[];
  } finally {
    await db.close();
  }
}

const verify = () =>
  spawnSync(process.execPath, [BIN, 'verify-audit'], { env: { ...process.env, ...env }, encoding: 'utf8' });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pc-verify-'));
  if (BACKEND === 'postgres') {
    const clone = await cloneTemplate('pgTemplate', 'pc_verify');
    env = { DATABASE_URL: clone.url, DATA_DIR: '' };
    drop = clone.drop;
  } else {
    env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    const db = await PGlite.create(env.DATA_DIR, { loadDataDir: new Blob([readFileSync(SNAPSHOT)]) });
    await db.close();
  }
}, 120_000);
afterAll(async () => {
  await drop?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('verify-audit through the command line', () => {
  it('exits 0 on the demo city, then 1 naming each table and row edited by SQL', async () => {
    const ok = verify();
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Audit log intact/);

    const [report] = await query(
      `update survey_reports set report = jsonb_set(report, '{forged}', '99.9')
       where id = (select id from survey_reports order by id limit 1) returning survey_id`,
    );
    const [answer] = await query(
      `update survey_responses set answers = jsonb_set(answers, '{forged}', '1')
       where id = (select id from survey_responses order by id limit 1) returning id`,
    );
    const [rating] = await query(
      `update public_ratings set relevance = 1 where id = (select id from public_ratings where relevance < 1 order by id limit 1) returning id`,
    );
    const [rules] = await query(
      `update cycle_rule_versions set rules = jsonb_set(rules, '{trimEachSide}', '0')
       where frozen_at is not null and cycle_id = (select id from cycles where code = '2025-annual') returning cycle_id`,
    );
    const [grant] = await query(
      `insert into role_assignments (user_id, role) select id, 'admin' from users where username = 'citizen01' returning user_id`,
    );
    const bad = verify();
    expect(bad.status, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stdout).toContain(
      `survey_report:${report.survey_id} was changed outside the platform [table survey_reports]`,
    );
    expect(bad.stdout).toContain(
      `survey_response:${answer.id} was changed outside the platform [table survey_responses]`,
    );
    expect(bad.stdout).toContain(
      `public_rating:${rating.id} was changed outside the platform [table public_ratings]`,
    );
    expect(bad.stdout).toContain(
      `cycle_rules:${rules.cycle_id} was changed outside the platform [table cycle_rule_versions]`,
    );
    expect(bad.stdout).toContain(
      `user_roles:${grant.user_id} was changed outside the platform [table role_assignments]`,
    );
  }, 300_000);
});
