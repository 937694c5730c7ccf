import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SNAPSHOT, withDatabase } from './global-setup';
import { BACKEND, cloneTemplate } from './helper';

/**
 * The command line against a real database directory (PGlite) or database (PostgreSQL): a bulk import
 * and a recompute killed with SIGKILL mid-way leave no partial state and the next start is clean;
 * `verify-audit` exits 1 on a changed, deleted or reordered audit entry and on a row changed behind the
 * platform's back (a result, a correction task); `backup` / `restore` round-trip the whole database.
 */
const SERVER = path.resolve(import.meta.dirname, '..');
/** The CLI as the global setup compiled it (compile-server.ts), run on plain Node as in production. */
const BIN = inject('compiledServer').cli;
let dir: string;
let dataDir: string;
let databaseUrl = '';
let dropDb: (() => Promise<void>) | undefined;

type Query = <T = Record<string, unknown>>(text: string) => Promise<T[]>;

/** Opens the test database while no CLI process holds it (PGlite has one owner at a time), runs `fn`, closes. */
async function withDb<R>(fn: (q: Query) => Promise<R>): Promise<R> {
  if (databaseUrl) {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      return await fn(async (text) => (await c.query(text)).rows);
    } finally {
      await c.end();
    }
  }
  const db = await PGlite.create(dataDir);
  try {
    return await fn(async <T>(text: string) => ((await db.exec(text)).at(-1)?.rows ?? []) as T[]);
  } finally {
    await db.close();
  }
}
const query: Query = (text) => withDb((q) => q(text));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/**
 * Runs the CLI; with `killOn`, sends SIGKILL `delayMs` after that text appears on stdout; `env` adds to
 * or overrides the environment (another database, NODE_ENV).
 */
function cli(
  args: string[],
  killOn?: { text: string; delayMs: number },
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: SERVER,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let armed = false;
    const onData = (b: Buffer) => {
      out += b.toString();
      if (killOn && !armed && out.includes(killOn.text)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killOn.delayMs);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

const count = async (q: Query, table: string, where = 'true') =>
  Number((await q<{ n: string }>(`select count(*) as n from ${table} where ${where}`))[0].n);

/** Row counts of the tables the platform's figures come from. */
const counts = (q: Query) =>
  q<Record<string, string>>(
    `select ${['plans', 'indicator_nodes', 'actual_values', 'ratings', 'results', 'audit_log', 'users']
      .map((t) => `(select count(*) from ${t}) as ${t}`)
      .join(', ')}`,
  ).then((rows) => rows[0]);
const CLI_TIMEOUT = 420_000;

let plan: { id: string };
let leaves: string[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pc-cli-'));
  dataDir = path.join(dir, 'data');
  if (BACKEND === 'postgres') {
    ({ url: databaseUrl, drop: dropDb } = await cloneTemplate('pgTemplate', 'pc_cli'));
  } else {
    const db = await PGlite.create(dataDir, { loadDataDir: new Blob([readFileSync(SNAPSHOT)]) });
    await db.close();
  }
  await withDb(async (q) => {
    // Publication freezes a cycle's values: the imports below go into an unpublished copy of 2025.
    await q(`update cycles set results_published_at = null where code = '2025-annual'`);
    [plan] = await q<{ id: string }>(
      `select p.id from plans p join cycles c on c.id = p.cycle_id join org_units o on o.id = p.org_unit_id
       where c.code = '2025-annual' and o.code = 'edu' and p.appraisee_type = 'unit'`,
    );
    leaves = (
      await q<{ code: string }>(
        `select n.code from indicator_nodes n where n.plan_id = '${plan.id}'
         and not exists (select 1 from indicator_nodes c where c.plan_id = n.plan_id and c.parent_code = n.code)`,
      )
    ).map((r) => r.code);
  });
}, CLI_TIMEOUT);
afterAll(async () => {
  await dropDb?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A values sheet of `n` distinct (indicator, month) rows. */
function sheet(n: number) {
  const lines = ['indicatorCode,period,value,note'];
  for (let i = 0; i < n; i++) {
    const leaf = leaves[i % leaves.length];
    const k = Math.floor(i / leaves.length);
    const year = 1000 + Math.floor(k / 12);
    lines.push(`${leaf},${year}-${String((k % 12) + 1).padStart(2, '0')},${(i % 97) + 0.5},bulk`);
  }
  const file = path.join(dir, `values-${n}.csv`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('crash safety', () => {
  it(
    'leaves no partial import when the import is killed mid-way; the next start is clean',
    async () => {
      const before = await withDb(counts);
      const run = await cli(
        ['import-values', '--plan', plan.id, '--as', 'edu.manager', '--file', sheet(20_000)],
        // Killed inside the transaction, once its first 10,000 rows are checked (and most of them
        // written): 10,000 rows and their audit entries are still to come, whatever the machine's speed.
        { text: '10000 rows checked', delayMs: 0 },
      );
      expect(run.signal, run.out).toBe('SIGKILL');
      expect(await withDb(counts)).toEqual(before);
      // The next start: a small import goes through and the audit chain is intact.
      const small = await cli([
        'import-values',
        '--plan',
        plan.id,
        '--as',
        'edu.manager',
        '--file',
        sheet(3),
      ]);
      expect(small.code, small.out).toBe(0);
      expect(small.out).toContain('3 values stored');
      expect(await withDb((q) => count(q, 'actual_values', `note = 'bulk'`))).toBe(3);
      const verify = await cli(['verify-audit']);
      expect(verify.code, verify.out).toBe(0);
    },
    CLI_TIMEOUT,
  );

  it(
    'leaves all results or none when a recompute is killed mid-way',
    async () => {
      const where = `cycle_id = (select id from cycles where code = '2021-2025-term')`;
      const before = await withDb((q) => count(q, 'results', where));
      const run = await cli(['compute', '--cycle', '2021-2025-term'], {
        text: 'Computing results',
        delayMs: 50,
      });
      const [after, plans] = await withDb(async (q) => [
        await count(q, 'results', where),
        await count(q, 'plans', `${where} and status in ('approved', 'closed')`),
      ]);
      // Killed before the commit: nothing changed; after it: every plan has its result. Never a part.
      expect([before, plans], run.out).toContain(after);
      const verify = await cli(['verify-audit']);
      expect(verify.code, verify.out).toBe(0);
    },
    CLI_TIMEOUT,
  );
});

describe('audit and backups', () => {
  it(
    'round-trips a backup, and verify-audit exits 1 naming each tampering',
    async () => {
      const file = path.join(dir, databaseUrl ? 'backup.pgdump' : 'backup.tar.gz');
      const saved = await cli(['backup', file]);
      expect(saved.code, saved.out).toBe(0);
      const before = await withDb(counts);

      const [victim] = await query<{ id: string }>(`select id from results order by id limit 1`);
      const [task] = await query<{ id: string }>(`select id from correction_tasks order by id limit 1`);
      await query(`
      update audit_log set data = '{"forged": true}' where seq = 5;
      delete from audit_log where seq = 10;
      update audit_log set seq = -21 where seq = 21;
      update audit_log set seq = 21 where seq = 20;
      update audit_log set seq = 20 where seq = -21;
      update results set total = total + 5 where id = '${victim.id}';
      update correction_tasks set deadline = deadline + 30 where id = '${task.id}';`);
      const bad = await cli(['verify-audit']);
      expect(bad.code, bad.out).toBe(1);
      expect(bad.out).toMatch(/#5 hash/); // changed entry
      expect(bad.out).toMatch(/#11 (sequence|chain)/); // deleted entry
      expect(bad.out).toMatch(/#2[01] (chain|hash)/); // reordered entries
      expect(bad.out).toContain(`entity_changed: result:${victim.id}`); // row changed behind the platform
      expect(bad.out).toContain(`entity_changed: correction_task:${task.id}`); // monitoring records too

      const refused = await cli(['restore', file]);
      expect(refused.code).toBe(1);
      expect(refused.out).toMatch(/not empty.*--force/);
      const restored = await cli(['restore', file, '--force']);
      expect(restored.code, restored.out).toBe(0);
      expect(await withDb(counts)).toEqual(before);
      const good = await cli(['verify-audit']);
      expect(good.code, good.out).toBe(0);
    },
    CLI_TIMEOUT,
  );
});

describe('production mode', () => {
  const production = { NODE_ENV: 'production' };

  it('never loads the demo city', async () => {
    const start = await cli(['start', '--seed-if-empty'], undefined, production);
    expect(start.code, start.out).toBe(1);
    expect(start.out).toMatch(/--seed-if-empty is refused.*never loads the demo city/s);
    expect(start.out).toContain('perfcommons init --admin');
    const seed = await cli(['seed', '--force'], undefined, production);
    expect(seed.code, seed.out).toBe(1);
    expect(seed.out).toContain('seed is refused');
  });

  it(
    'refuses to start while accounts have the demo password, naming the count and the fix',
    async () => {
      const active = await query<{ n: string }>(`select count(*) as n from users where not disabled`);
      const run = await cli(['start'], undefined, { ...production, PORT: '0' });
      expect(run.code, run.out).toBe(1);
      expect(run.out).toContain(`${active[0].n} account(s) still have the demo password`);
      expect(run.out).toMatch(/empty database.*init --admin.*reset-password --user/s);
      const init = await cli(['init', '--admin', 'chief']);
      expect(init.code, init.out).toBe(1);
      expect(init.out).toContain('An administrator exists already');
    },
    CLI_TIMEOUT,
  );

  it(
    'init on an empty database creates the administrator, and production start then serves',
    async () => {
      let env: Record<string, string>;
      let drop: (() => Promise<void>) | undefined;
      if (databaseUrl) {
        const name = `pc_cli_empty_${randomBytes(6).toString('hex')}`;
        const url = process.env.DATABASE_URL!;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`create database ${name}`);
        await admin.end();
        env = { DATABASE_URL: withDatabase(url, name) };
        drop = async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
        };
      } else env = { DATA_DIR: path.join(dir, 'empty') };
      try {
        const init = await cli(['init', '--admin', 'chief', '--name', '系统管理员'], undefined, env);
        expect(init.code, init.out).toBe(0);
        expect(init.out).toMatch(/Administrator chief created \(roles: admin, office\)/);
        expect(init.out).toMatch(/One-time password .*: [\w-]{16}\n/);
        const again = await cli(['init', '--admin', 'other'], undefined, env);
        expect(again.code, again.out).toBe(1);
        const start = await cli(
          ['start'],
          { text: 'PerfCommons on', delayMs: 0 },
          {
            ...env,
            ...production,
            PORT: '0',
            MONITORING_SWEEP_MINUTES: '0',
          },
        );
        expect(start.out).toContain('PerfCommons on');
        expect(start.out).not.toContain('Refusing');
      } finally {
        await drop?.();
      }
    },
    CLI_TIMEOUT,
  );
});
