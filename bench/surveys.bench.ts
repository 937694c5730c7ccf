/**
 * Survey answer intake (issue 5, Performance): POST /api/public/s/<token> over HTTP on PostgreSQL,
 * each request a different invitation, beside a bare Fastify route in the same run; then a check
 * that the answers stored equal the answers acknowledged (201).
 *
 * Env: DATABASE_URL — admin URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * BENCH_ANSWERS — answers to submit (default 30,000); BENCH_CONNECTIONS (default 32);
 * BENCH_KEEP=1 keeps the generated database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/client';
import { users } from '../packages/server/src/db/schema';
import type { Actor } from '../packages/server/src/lib/actor';
import {
  createSurvey,
  drawSample,
  issueInvitations,
  replaceFrame,
  startFielding,
} from '../packages/server/src/modules/surveys/service';
import type { BenchFigures } from './run';

const here = path.dirname(fileURLToPath(import.meta.url));

const definition = {
  sections: [
    {
      id: 's',
      title: '满意度',
      questions: [
        {
          id: 'used',
          type: 'single' as const,
          text: '是否办理过业务',
          required: true,
          options: [
            { value: 'yes', label: '是' },
            { value: 'no', label: '否' },
          ],
        },
        {
          id: 'm',
          type: 'matrix' as const,
          text: '各部门满意度',
          required: true,
          items: Array.from({ length: 8 }, (_, i) => ({
            id: `d${i}`,
            text: `部门${i}`,
            dimension: 'service',
          })),
        },
        { id: 'overall', type: 'rating0to10' as const, text: '总体评分', required: true },
        { id: 'advice', type: 'text' as const, text: '建议' },
      ],
    },
  ],
};
const answers = {
  used: 'yes',
  m: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`d${i}`, 1 + (i % 5)])),
  overall: 8,
  advice: '希望增加停车位，改善道路交通',
};

async function startServer(args: string[]): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROF && args[0] === 'app' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--import',
      'tsx',
      path.join(here, 'surveys-server.ts'),
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: here,
    },
  );
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    const m = /PORT (\d+)/.exec(out);
    if (m) return { port: Number(m[1]), child };
  }
  throw new Error(`server did not start: ${out}`);
}

async function stop(child: ChildProcess) {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

export default async function surveysBench(): Promise<BenchFigures> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const total = Number(process.env.BENCH_ANSWERS ?? 30_000);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const warm = 1000;
  const name = `perfcommons_bench_surveys_${process.pid}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const children: ChildProcess[] = [];
  try {
    console.log(`preparing a fielded survey with ${total + warm} invitations in ${name}`);
    const database = await openDatabase({ databaseUrl: url.toString() });
    const db = database.db;
    const [u] = await db
      .insert(users)
      .values({ username: 'office', passwordHash: 'x', displayName: '绩效办' })
      .returning();
    const office: Actor = {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      displayNameEn: null,
      roles: [{ role: 'office', orgUnitId: null, orgPath: null }],
    };
    const { survey } = await createSurvey(db, office, {
      code: 'bench',
      title: 'bench',
      strataFields: ['district', 'area'],
      definition,
    });
    const n = total + warm;
    const frame = Array.from({ length: n }, (_, i) => ({
      id: `u${i}`,
      district: `d${i % 8}`,
      area: i % 3 ? 'urban' : 'rural',
    }));
    await replaceFrame(db, office, survey.id, frame);
    await drawSample(db, office, survey.id, { size: n, allocation: 'proportional', seed: 'bench' });
    const tokens = (await issueInvitations(db, office, survey.id, {})).map((x) => x.token);
    await startFielding(db, office, survey.id);
    await database.close();

    const app = await startServer(['app', url.toString()]);
    children.push(app.child);
    const bare = await startServer(['bare']);
    children.push(bare.child);
    const body = JSON.stringify({ answers });
    const headers = { 'content-type': 'application/json' };
    let next = 0;
    const run = (port: number, amount: number, pathOf: () => string) =>
      cannon({
        url: `http://127.0.0.1:${port}`,
        connections,
        amount,
        requests: [{ method: 'POST', body, headers, setupRequest: (req) => ({ ...req, path: pathOf() }) }],
      });

    // Warm both servers (JIT, pools), then measure.
    await run(bare.port, warm, () => `/bare/${tokens[0]}`);
    await run(app.port, warm, () => `/api/public/s/${tokens[next++]}`);
    const bareRes = await run(bare.port, total, () => `/bare/${tokens[0]}`);
    const appRes = await run(app.port, total, () => `/api/public/s/${tokens[next++]}`);

    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const stored = Number(
      (await check.query(`select count(*)::int as n from survey_responses where survey_id = $1`, [survey.id]))
        .rows[0].n,
    );
    await check.end();
    // autocannon counts statuses in buckets; every 2xx here is a 201 acknowledgement.
    const acked = appRes['2xx'] + warm;
    // Throughput over the whole run (autocannon's per-second average is coarse on short runs).
    const rate = (r: autocannon.Result) => r.requests.total / r.duration;
    const line = (label: string, r: autocannon.Result) =>
      `${label}: ${Math.round(rate(r))} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ` +
      `${r['2xx']} 2xx, ${r.non2xx} non-2xx, ${r.errors} errors`;
    console.log(line('bare Fastify route      ', bareRes));
    console.log(line('survey answers (PG)     ', appRes));
    console.log(
      `stored answers ${stored}, acknowledged ${acked} (incl. ${warm} warm-up): ${stored === acked ? 'equal' : 'DIFFERENT'}`,
    );
    return {
      'answers/s': Math.round(rate(appRes)),
      'answers p50 / p99 (ms)': `${appRes.latency.p50} / ${appRes.latency.p99}`,
      'bare route req/s': Math.round(rate(bareRes)),
      'bare p50 / p99 (ms)': `${bareRes.latency.p50} / ${bareRes.latency.p99}`,
      'ratio answers / bare': (rate(appRes) / rate(bareRes)).toFixed(3),
      'stored == acknowledged': `${stored} == ${acked}: ${stored === acked}`,
      connections,
    };
  } finally {
    for (const c of children) if (c.exitCode === null) await stop(c);
    if (process.env.BENCH_KEEP !== '1') await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
