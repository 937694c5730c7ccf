/**
 * Survey answer intake (issues 5 and 16, Performance), over HTTP on PostgreSQL, each answer a
 * different invitation: the bare route (a trivial route registered in the same app, so through the
 * same global hooks: parse a JSON body, answer 201 with JSON), the answer route
 * POST /api/public/s/<token>, and a respondent's full flow (GET the survey by its link, then POST
 * the answers), each for the same duration with the same connections; the ratios to the bare route;
 * then a check that the answers stored equal the answers acknowledged (201). The same trivial route
 * in an empty Fastify app is measured too, for what the app's global hooks cost (not the reference).
 *
 * Env: DATABASE_URL — admin URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * BENCH_SECONDS — duration of each measured run (default 10); BENCH_CONNECTIONS (default 32);
 * BENCH_INVITATIONS — invitations generated (default 160,000; a run that uses them all stops early
 * and says so); BENCH_KEEP=1 keeps the generated database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/client';
import {
  createSurvey,
  drawSample,
  issueInvitations,
  replaceFrame,
  startFielding,
} from '../packages/server/src/modules/surveys/use-cases';
import type { BenchFigures } from './run';
import { benchOffice } from './office';

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

export default async function surveysBench(): Promise<BenchFigures> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const n = Number(process.env.BENCH_INVITATIONS ?? 160_000);
  if (!(seconds > 0) || !(connections > 0) || !(n > 0))
    throw new Error('BENCH_SECONDS, BENCH_CONNECTIONS and BENCH_INVITATIONS must be positive numbers');
  const warmSeconds = Math.min(3, seconds);
  const name = `perfcommons_bench_surveys_${process.pid}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const children: ChildProcess[] = [];
  // A crash outside the awaited promises (an exception thrown in a socket handler) skips `finally`:
  // the servers still go down with this process.
  const killChildren = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  };
  process.on('exit', killChildren);
  try {
    await admin.query(`create database ${name}`);
    console.log(`preparing a fielded survey with ${n} invitations in ${name}`);
    const t0 = performance.now();
    const database = await openDatabase({ databaseUrl: url.toString() });
    const db = database.db;
    let surveyId: string;
    let tokens: string[];
    try {
      const office = await benchOffice(db);
      const { survey } = await createSurvey(db, office, {
        code: 'bench',
        title: 'bench',
        strataFields: ['district', 'area'],
        definition,
      });
      surveyId = survey.id;
      const frame = Array.from({ length: n }, (_, i) => ({
        id: `u${i}`,
        district: `d${i % 8}`,
        area: i % 3 ? 'urban' : 'rural',
      }));
      await replaceFrame(db, office, survey.id, frame);
      await drawSample(db, office, survey.id, { size: n, allocation: 'proportional', seed: 'bench' });
      tokens = (await issueInvitations(db, office, survey.id, {})).map((x) => x.token);
      await startFielding(db, office, survey.id);
    } finally {
      await database.close();
    }
    console.log(`  prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const app = await startServer(['app', url.toString()]);
    children.push(app.child);
    const bare = await startServer(['bare']);
    children.push(bare.child);
    const body = JSON.stringify({ answers });
    const headers = { 'content-type': 'application/json' };
    let next = 0;
    let exhausted = false;
    /**
     * The next unused invitation; when none is left the run stops (its rate stays valid) and the
     * requests still sent meanwhile go to an answered invitation (409): autocannon cannot skip a
     * connection's first request, a setupRequest without one throws.
     */
    const take = (instance: { stop(): void }) => {
      if (next < tokens.length) return tokens[next++];
      if (!exhausted) console.log('  invitations used up: this run stopped early (raise BENCH_INVITATIONS)');
      exhausted = true;
      instance.stop();
      return tokens[tokens.length - 1];
    };
    type Req = autocannon.Request;
    const run = (port: number, duration: number, requests: (stop: { stop(): void }) => Req[]) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const handle = { stop: () => instance.stop() };
        const instance = autocannon(
          { url: `http://127.0.0.1:${port}`, connections, duration, requests: requests(handle) },
          (err, res) => (err ? reject(err) : resolve(res)),
        );
      });
    const bareReq = (): Req[] => [{ method: 'POST', body, headers, path: `/api/bench/bare/${tokens[0]}` }];
    const answerReq = (h: { stop(): void }): Req[] => [
      {
        method: 'POST',
        body,
        headers,
        setupRequest: (req) => ({ ...req, path: `/api/public/s/${take(h)}` }),
      },
    ];
    // The respondent's flow: open the link (the questionnaire), then send the answers, same token.
    const flowReq = (h: { stop(): void }): Req[] => [
      {
        method: 'GET',
        setupRequest: (req, context) => {
          const token = take(h);
          (context as { token?: string }).token = token;
          return { ...req, path: `/api/public/s/${token}` };
        },
      },
      {
        method: 'POST',
        body,
        headers,
        setupRequest: (req, context) => ({
          ...req,
          path: `/api/public/s/${(context as { token?: string }).token}`,
        }),
      },
    ];

    // Warm both servers (JIT, pools), then measure each for the same duration and connections.
    await run(bare.port, warmSeconds, bareReq);
    await run(app.port, warmSeconds, bareReq);
    await run(app.port, warmSeconds, answerReq);
    const emptyRes = await run(bare.port, seconds, bareReq);
    const bareRes = await run(app.port, seconds, bareReq);
    const appRes = await run(app.port, seconds, answerReq);
    const flowRes = await run(app.port, seconds, flowReq);

    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const stored = Number(
      (await check.query(`select count(*)::int as n from survey_responses where survey_id = $1`, [surveyId]))
        .rows[0].n,
    );
    await check.end();
    // Throughput over the whole run (autocannon's per-second average is coarse).
    const rate = (r: autocannon.Result) => r.requests.total / r.duration;
    // The flow's two requests: every 2xx POST is one answered survey; half the 2xx are GETs.
    const flows = (r: autocannon.Result) => r['2xx'] / 2 / r.duration;
    const line = (label: string, r: autocannon.Result) =>
      `${label}: ${Math.round(rate(r))} req/s over ${r.duration.toFixed(1)} s, p50 ${r.latency.p50} ms, ` +
      `p99 ${r.latency.p99} ms, ${r['2xx']} 2xx, ${r.non2xx} non-2xx, ${r.errors} errors`;
    console.log(line('bare route, empty app   ', emptyRes));
    console.log(line('bare route, same app    ', bareRes));
    console.log(line('survey answers (PG)     ', appRes));
    console.log(line('load + answer (PG)      ', flowRes));
    const ratio = rate(appRes) / rate(bareRes);
    console.log(
      `answers / bare route (same app): ${ratio.toFixed(3)}; answers / bare route (empty app): ` +
        `${(rate(appRes) / rate(emptyRes)).toFixed(3)}; respondents/s ${Math.round(flows(flowRes))}`,
    );
    // Every 201 is a stored answer. A timed run stops with up to one request per connection in flight
    // (stored, never acknowledged to autocannon) or a flow's link opened without its answer sent.
    const measured = appRes['2xx'] + Math.floor(flowRes['2xx'] / 2);
    const consistent = stored >= measured && stored <= next && next - stored <= 4 * connections;
    const storedLine =
      `${stored} stored: >= ${measured} acknowledged in the measured runs, <= ${next} invitations used ` +
      `(incl. warm-up): ${consistent ? 'consistent' : 'INCONSISTENT'}`;
    console.log(`answers ${storedLine}`);
    return {
      'answers/s': Math.round(rate(appRes)),
      'answers p50 / p99 (ms)': `${appRes.latency.p50} / ${appRes.latency.p99}`,
      'bare route req/s (same app)': Math.round(rate(bareRes)),
      'bare p50 / p99 (ms)': `${bareRes.latency.p50} / ${bareRes.latency.p99}`,
      'ratio answers / bare': ratio.toFixed(3),
      'bare route req/s (empty app)': Math.round(rate(emptyRes)),
      'ratio answers / empty-app bare': (rate(appRes) / rate(emptyRes)).toFixed(3),
      'respondents/s (load + answer)': Math.round(flows(flowRes)),
      'flow p50 / p99 (ms, per request)': `${flowRes.latency.p50} / ${flowRes.latency.p99}`,
      'ratio flow requests / bare': (rate(flowRes) / rate(bareRes)).toFixed(3),
      'seconds per run': `${seconds}${exhausted ? ' (a run used up the invitations)' : ''}`,
      'stored answers': storedLine,
      connections,
    };
  } finally {
    process.off('exit', killChildren);
    for (const c of children) if (c.exitCode === null) await stop(c);
    if (process.env.BENCH_KEEP !== '1') await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
