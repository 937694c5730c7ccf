/**
 * Streamed values and cadres imports (issue 16, Large imports): generated files imported through the
 * code the jobs run (`importValues` behind POST /api/plans/:id/values/import, `commitImport` behind
 * POST /api/import/people/commit), each in one transaction, on PostgreSQL (run first) and on the
 * embedded database (PGlite, in this process: its memory, the whole database with it, counts in the
 * RSS). Prints rows/s and the peak RSS of this process (sampled every 10 ms).
 *
 * Values: one approved plan of 1,000 leaf indicators (a county's statistics plan is a few hundred)
 * with monthly figures, every row audited (`value.report`), as CSV and as XLSX (the XLSX read through
 * the zip-bomb check, then streamed). Cadres: a province's 20,000 to 50,000 cadres in 200 units.
 *
 * Env: BENCH_VALUES_ROWS (default 200,000), BENCH_VALUES_XLSX_ROWS (default 100,000; 0 skips),
 * BENCH_PEOPLE_ROWS (default 50,000; 0 skips); DATABASE_URL — PostgreSQL admin URL (default
 * postgres://postgres@127.0.0.1:5432/postgres); BENCH_IMPORTS_PG=0 skips PostgreSQL,
 * BENCH_IMPORTS_LITE=0 skips PGlite.
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Database } from '../packages/server/src/db/client';
import { cycles, indicatorNodes, orgUnits, plans } from '../packages/server/src/db/schema';
import { importValues } from '../packages/server/src/modules/values/import';
import { commitImport } from '../packages/server/src/modules/onboarding/service';
import type { BenchFigures } from './run';
import { benchOffice } from './office';

const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;
const LEAVES = 1000;
const UNITS = 200;

const leafCode = (i: number) => `L${String(i).padStart(4, '0')}`;
/** Row i of a values file: leaf i mod 1,000, month i / 1,000 counted from January 2000. */
const valueRow = (i: number) => {
  const k = Math.floor(i / LEAVES);
  const period = `${2000 + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  return [leafCode(i % LEAVES), period, ((i * 7919) % 10_000) / 100, i % 10 ? '' : '统计局月报'] as const;
};

async function writeLines(file: string, header: string, n: number, line: (i: number) => string) {
  const out = createWriteStream(file);
  out.write(header + '\n');
  const chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    chunk.push(line(i));
    if (chunk.length === 10_000 || i === n - 1) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
}

async function writeValuesXlsx(file: string, n: number) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const ws = wb.addWorksheet('values');
  ws.addRow(['indicatorCode', 'period', 'value', 'note']).commit();
  for (let i = 0; i < n; i++) ws.addRow([...valueRow(i)]).commit();
  ws.commit();
  await wb.commit();
}

/** The office account, 200 units, and an approved plan of 1,000 leaves in an open cycle. */
async function setUp(database: Database) {
  const db = database.db;
  const office = await benchOffice(db);
  const [root] = await db
    .insert(orgUnits)
    .values({ code: 'prov', name: '省政府', kind: 'government', path: '/prov/' })
    .returning();
  await db.insert(orgUnits).values(
    Array.from({ length: UNITS }, (_, i) => ({
      code: `u${i}`,
      name: `单位${i}`,
      kind: 'department',
      parentId: root.id,
      path: `/prov/u${i}/`,
    })),
  );
  const [cycle] = await db
    .insert(cycles)
    .values({
      code: 'bench-2030',
      name: '2030 年度',
      type: 'annual',
      periodStart: '2030-01-01',
      periodEnd: '2030-12-31',
      stage: 'execution',
    })
    .returning();
  const [plan] = await db
    .insert(plans)
    .values({
      cycleId: cycle.id,
      appraiseeType: 'unit',
      orgUnitId: root.id,
      title: '统计指标计划',
      status: 'approved',
      peerGroup: 'bench',
    })
    .returning();
  const nodes: (typeof indicatorNodes.$inferInsert)[] = [
    { planId: plan.id, code: 'D', parentCode: null, position: 0, name: '维度', weight: 100 },
  ];
  for (let i = 0; i < LEAVES; i++)
    nodes.push({
      planId: plan.id,
      code: leafCode(i),
      parentCode: 'D',
      position: i,
      name: `指标${i}`,
      weight: 1,
    });
  await db.insert(indicatorNodes).values(nodes);
  return { office, planId: plan.id };
}

/** Runs `work`, printing and recording seconds, rows/s and the RSS before and at its peak. */
async function measure(
  label: string,
  n: number,
  figures: BenchFigures,
  work: (progress: (rows: number) => void) => Promise<number>,
  serverCpu?: () => Promise<number | null>,
) {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  // CPU seconds as well as wall seconds: on a shared machine the wall time is mostly waiting for a core.
  const cpu0 = process.cpuUsage();
  const server0 = await serverCpu?.();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
  const t0 = performance.now();
  let lastReport = 0;
  try {
    const stored = await work((rows) => {
      if (rows - lastReport >= 100_000) {
        lastReport = rows;
        console.log(`  ${label}: ${rows} rows after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    });
    const s = (performance.now() - t0) / 1000;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    if (stored !== n) throw new Error(`${label}: stored ${stored} of ${n} rows`);
    const cpu = process.cpuUsage(cpu0);
    const nodeCpu = (cpu.user + cpu.system) / 1e6;
    const server1 = await serverCpu?.();
    const dbCpu = server0 != null && server1 != null ? server1 - server0 : null;
    console.log(
      `  ${label}: ${n} rows in ${s.toFixed(1)} s = ${Math.round(n / s)} rows/s, ` +
        `RSS ${mb(rssBefore)} before, ${mb(rssPeak)} peak; CPU: Node ${nodeCpu.toFixed(1)} s` +
        (dbCpu === null ? '' : `, database backends ${dbCpu.toFixed(1)} s`) +
        `; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    figures[`${label} CPU`] =
      `Node ${nodeCpu.toFixed(1)} s` + (dbCpu === null ? '' : `, database ${dbCpu.toFixed(1)} s`);
    figures[`${label} seconds`] = s.toFixed(1);
    figures[`${label} rows/s`] = Math.round(n / s);
    figures[`${label} RSS peak`] = `${mb(rssPeak)} (${mb(rssBefore)} before)`;
  } finally {
    clearInterval(sampler);
  }
}

interface Files {
  valuesCsv?: { file: string; n: number };
  valuesXlsx?: { file: string; n: number };
  people?: { file: string; n: number };
}

/**
 * CPU seconds (user + system) of the database's backends serving this database, read from /proc: only
 * when PostgreSQL runs on this machine (null otherwise, and on PGlite, which runs in this process).
 */
function backendCpu(database: Database): (() => Promise<number | null>) | undefined {
  if (database.kind === 'pglite') return undefined;
  const seen = new Map<number, number>();
  return async () => {
    const pids = await rowsOf<{ pid: number }>(
      database.db,
      sql`select pid from pg_stat_activity where datname = current_database()`,
    );
    try {
      for (const { pid } of pids) {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        seen.set(pid, (Number(f[11]) + Number(f[12])) / 100);
      }
    } catch {
      return null;
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  };
}

async function run(database: Database, engine: string, files: Files, figures: BenchFigures) {
  const { office, planId } = await setUp(database);
  const db = database.db;
  const serverCpu = backendCpu(database);
  if (files.valuesCsv) {
    const { file, n } = files.valuesCsv;
    await measure(
      `${engine} values CSV`,
      n,
      figures,
      async (onProgress) => {
        const r = await importValues(db, office, planId, createReadStream(file), file, { onProgress });
        return r.inserted;
      },
      serverCpu,
    );
  }
  if (files.valuesXlsx) {
    const { file, n } = files.valuesXlsx;
    // The same rows again (reported again: each value updated, versioned and audited).
    await measure(
      `${engine} values XLSX`,
      n,
      figures,
      async (onProgress) => {
        const r = await importValues(db, office, planId, createReadStream(file), file, { onProgress });
        return r.inserted;
      },
      serverCpu,
    );
  }
  if (files.people) {
    const { file, n } = files.people;
    await measure(`${engine} cadres CSV`, n, figures, async () => {
      const r = await commitImport(db, office, 'people', { content: createReadStream(file), filename: file });
      return r.summary.create;
    });
  }
}

export default async function importsBench(): Promise<BenchFigures> {
  const nValues = Number(process.env.BENCH_VALUES_ROWS ?? 200_000);
  const nXlsx = Number(process.env.BENCH_VALUES_XLSX_ROWS ?? 100_000);
  const nPeople = Number(process.env.BENCH_PEOPLE_ROWS ?? 50_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'imports-bench-'));
  const figures: BenchFigures = {};
  const files: Files = {};
  try {
    if (nValues) {
      const file = path.join(dir, 'values.csv');
      await writeLines(file, 'indicatorCode,period,value,note', nValues, (i) => valueRow(i).join(','));
      files.valuesCsv = { file, n: nValues };
      figures['values CSV'] = `${nValues} rows, ${mb(statSync(file).size)}`;
    }
    if (nXlsx) {
      const file = path.join(dir, 'values.xlsx');
      await writeValuesXlsx(file, nXlsx);
      files.valuesXlsx = { file, n: nXlsx };
      figures['values XLSX'] = `${nXlsx} rows, ${mb(statSync(file).size)}`;
    }
    if (nPeople) {
      const file = path.join(dir, 'people.csv');
      await writeLines(
        file,
        'code,name,position,orgUnit,termStart',
        nPeople,
        (i) =>
          `c${String(i).padStart(6, '0')},干部${i},${i % 5 ? '科员' : '局长'},u${i % UNITS},2024/6/${(i % 28) + 1}`,
      );
      files.people = { file, n: nPeople };
      figures['cadres CSV'] = `${nPeople} rows, ${mb(statSync(file).size)}`;
    }
    console.log(
      Object.entries(figures)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; '),
    );

    // PostgreSQL first: PGlite's memory (the in-memory database lives in this process) is never
    // given back, so it would hide the PostgreSQL run's own peak.
    if (process.env.BENCH_IMPORTS_PG !== '0') {
      const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      const name = `perfcommons_imports_${process.pid}`;
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
        const database = await openDatabase({ databaseUrl: url.toString() });
        try {
          await run(database, 'PostgreSQL', files, figures);
        } finally {
          await database.close();
        }
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    }
    if (process.env.BENCH_IMPORTS_LITE !== '0') {
      const lite = await openDatabase({ dataDir: 'memory://' });
      try {
        await run(lite, 'PGlite', files, figures);
      } finally {
        await lite.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
