/**
 * Streamed sampling-frame import (issue 16, Large imports): a generated CSV of 1,000,000 units
 * (id, district, area, contact) imported through `importFrameStream` (the code behind
 * POST /api/surveys/:id/frame/import for a .csv), all in one transaction, on the embedded database
 * (PGlite, in this process: its memory, the whole database with it, counts in the RSS) and on
 * PostgreSQL (run first). Prints rows/s and the
 * peak RSS of this process (sampled every 10 ms).
 *
 * Env: BENCH_FRAME_ROWS (default 1,000,000); DATABASE_URL — PostgreSQL admin URL (default
 * postgres://postgres@127.0.0.1:5432/postgres); BENCH_FRAME_PG=0 skips PostgreSQL, BENCH_FRAME_LITE=0
 * skips PGlite.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../packages/server/src/db/client';
import { importFrameStream } from '../packages/server/src/modules/surveys/frame-stream';
import { createSurvey } from '../packages/server/src/modules/surveys/use-cases';
import type { BenchFigures } from './run';
import { benchOffice } from './office';

const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;
/** Milliseconds as seconds; '-' for a phase the import did not time. */
const secs = (ms: number | undefined) => (ms === undefined ? '-' : (ms / 1000).toFixed(1));

async function writeFrame(file: string, n: number) {
  const out = createWriteStream(file);
  out.write('id,district,area,contact\n');
  const chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    chunk.push(
      `U${String(i).padStart(7, '0')},区${i % 16},${i % 3 ? 'urban' : 'rural'},139${String(i).padStart(8, '0')}`,
    );
    if (chunk.length === 10_000 || i === n - 1) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
}

async function importInto(database: Database, file: string, n: number, label: string, figures: BenchFigures) {
  const db = database.db;
  const office = await benchOffice(db);
  const { survey } = await createSurvey(db, office, {
    code: 'frame-bench',
    title: 'frame bench',
    strataFields: ['district', 'area'],
    definition: {
      sections: [
        { id: 's', title: '满意度', questions: [{ id: 'q', type: 'likert5', text: '总体', required: true }] },
      ],
    },
  });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let lastReport = 0;
  const timings: Record<string, number> = {};
  try {
    const res = await importFrameStream(db, office, survey.id, createReadStream(file), {
      mode: 'replace',
      timings,
      onProgress: (rows) => {
        if (rows - lastReport >= 250_000) {
          lastReport = rows;
          console.log(`  ${label}: ${rows} rows after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        }
      },
    });
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    if (res.total !== n) throw new Error(`${label}: stored ${res.total} of ${n} rows`);
    console.log(
      `  ${label}: ${n} rows in ${s.toFixed(1)} s = ${Math.round(n / s)} rows/s, ` +
        `RSS ${mb(rssBefore)} before, ${mb(rssPeak)} peak, ${res.strata.length} strata; ` +
        `${cpuSeconds.toFixed(1)} s CPU in this process; rows written by ${secs(timings.rows)} s, audit entry ${secs(timings.audit)} s`,
    );
    figures[`${label} rows written (s)`] = secs(timings.rows);
    figures[`${label} audit entry (s)`] = secs(timings.audit);
    figures[`${label} seconds`] = s.toFixed(1);
    figures[`${label} rows/s`] = Math.round(n / s);
    figures[`${label} CPU of this process (s)`] = cpuSeconds.toFixed(1);
    figures[`${label} RSS before`] = mb(rssBefore);
    figures[`${label} RSS peak`] = mb(rssPeak);
  } finally {
    clearInterval(sampler);
  }
}

export default async function frameBench(): Promise<BenchFigures> {
  const n = Number(process.env.BENCH_FRAME_ROWS ?? 1_000_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'frame-bench-'));
  const file = path.join(dir, 'frame.csv');
  const figures: BenchFigures = { rows: n };
  try {
    await writeFrame(file, n);
    figures['file size'] = mb(statSync(file).size);
    console.log(`generated ${n} rows (${figures['file size']})`);

    // PostgreSQL first: PGlite's memory (the in-memory database lives in this process) is never
    // given back, so it would hide the PostgreSQL run's own peak.
    if (process.env.BENCH_FRAME_PG !== '0') {
      const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      const name = `perfcommons_frame_${process.pid}`;
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
        const database = await openDatabase({ databaseUrl: url.toString() });
        try {
          await importInto(database, file, n, 'PostgreSQL', figures);
        } finally {
          await database.close();
        }
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    }

    if (process.env.BENCH_FRAME_LITE !== '0') {
      const lite = await openDatabase({ dataDir: 'memory://' });
      try {
        await importInto(lite, file, n, 'PGlite', figures);
      } finally {
        await lite.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
