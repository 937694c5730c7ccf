/**
 * Mixed load (issue 7): the demo city on PostgreSQL, served by the app in its own process, under three
 * concurrent autocannon streams for BENCH_LOAD_SECONDS (default 60): public portal reads, evaluators'
 * ratings (each a distinct open task) and survey answers (each a distinct invitation). Prints throughput,
 * p50/p99 and errors per stream (errors and unexpected statuses must be 0), then checks that the rows
 * stored equal the writes acknowledged.
 *
 * Env: DATABASE_URL — admin URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * BENCH_LOAD_SECONDS (60); BENCH_CONNECTIONS (per stream, default 16); BENCH_KEEP=1 keeps the database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/client';
import { seedDemoCity, DEMO_PASSWORD } from '../packages/server/src/seed/demo-city';
import { loadActor } from '../packages/server/src/modules/auth/service';
import {
  createSurvey,
  drawSample,
  issueInvitations,
  replaceFrame,
  startFielding,
} from '../packages/server/src/modules/surveys/use-cases';
import type { BenchFigures } from './run';

const here = path.dirname(fileURLToPath(import.meta.url));

const definition = {
  sections: [
    {
      id: 's',
      title: '满意度',
      questions: [
        { id: 'overall', type: 'rating0to10' as const, text: '总体评分', required: true },
        { id: 'advice', type: 'text' as const, text: '建议' },
      ],
    },
  ],
};

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function startServer(url: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'load-server.ts'), url], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: here,
  });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    const m = /PORT (\d+)/.exec(out);
    if (m) return { port: Number(m[1]), child };
  }
  throw new Error(`server did not start: ${out}`);
}

export default async function loadBench(): Promise<BenchFigures> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
  const name = `perfcommons_bench_load_${process.pid}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  let server: ChildProcess | undefined;
  const sql = new pg.Client({ connectionString: url.toString() });
  try {
    console.log(`seeding the demo city into ${name}`);
    const database = await openDatabase({ databaseUrl: url.toString() });
    await seedDemoCity(database.db);
    // Every evaluator gets a task per term plan and subject its indicators are rated by: open rating work.
    await sql.connect();
    await sql.query(`
      insert into evaluation_tasks (cycle_id, plan_id, rater_id, subject_type)
      select distinct p.cycle_id, p.id, u.id, s->>'type'
      from plans p
      join cycles c on c.id = p.cycle_id and c.stage = 'evaluation'
      join indicator_nodes n on n.plan_id = p.id
      cross join lateral jsonb_array_elements(coalesce(n.subjects, '[]'::jsonb)) s
      join role_assignments r on r.role = 'evaluator'
      join users u on u.id = r.user_id
      where s->>'type' not in ('public', 'self')
        and not exists (select 1 from evaluation_tasks t where t.plan_id = p.id and t.rater_id = u.id
                        and t.subject_type = s->>'type')`);
    const open = (
      await sql.query<{ username: string; plan_id: string; code: string; subject: string }>(`
        select u.username, t.plan_id, n.code, t.subject_type as subject
        from evaluation_tasks t
        join cycles c on c.id = t.cycle_id and c.stage = 'evaluation'
        join users u on u.id = t.rater_id
        join indicator_nodes n on n.plan_id = t.plan_id
        where exists (select 1 from jsonb_array_elements(coalesce(n.subjects, '[]'::jsonb)) s
                      where s->>'type' = t.subject_type)
          and not exists (select 1 from ratings r where r.plan_id = t.plan_id and r.indicator_code = n.code
                          and r.subject_type = t.subject_type and r.rater_id = t.rater_id)
        order by random()`)
    ).rows;
    if (open.length === 0) throw new Error('no open rating tasks in the demo city');
    const invitationsNeeded = Math.max(2000, seconds * 600);
    // The survey is created by the demo office account (its creator must be a real user).
    const officeId = (await sql.query<{ id: string }>(`select id from users where username = 'office'`))
      .rows[0].id;
    const office = (await loadActor(database.db, officeId))!;
    const { survey } = await createSurvey(database.db, office, {
      code: 'bench-load',
      title: '负载测试问卷',
      strataFields: ['district'],
      definition,
    });
    await replaceFrame(
      database.db,
      office,
      survey.id,
      Array.from({ length: invitationsNeeded }, (_, i) => ({ id: `h${i}`, district: `d${i % 8}` })),
    );
    await drawSample(database.db, office, survey.id, {
      size: invitationsNeeded,
      allocation: 'proportional',
      seed: 'load',
    });
    const tokens = (await issueInvitations(database.db, office, survey.id, {})).map((x) => x.token);
    await startFielding(database.db, office, survey.id);
    await database.close();
    const before = (
      await sql.query<{ ratings: number; responses: number; audit: number }>(
        `select (select count(*)::int from ratings) as ratings,
                (select count(*)::int from survey_responses where survey_id = $1) as responses,
                (select count(*)::int from audit_log) as audit`,
        [survey.id],
      )
    ).rows[0];

    const app = await startServer(url.toString());
    server = app.child;
    const base = `http://127.0.0.1:${app.port}`;
    // Sessions of the raters (each logs in once, like a browser).
    const sessions = new Map<string, Record<string, string>>();
    for (const username of new Set(open.map((o) => o.username))) {
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      if (res.status !== 200)
        throw new Error(`login of ${username} answered ${res.status}: ${await res.text()}`);
      const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
      const csrf = cookies.find((c) => c.startsWith('pc_csrf='))!.slice('pc_csrf='.length);
      sessions.set(username, {
        cookie: cookies.join('; '),
        'x-csrf-token': csrf,
        'content-type': 'application/json',
      });
    }
    const portal = (await (await fetch(`${base}/api/public/cycles`)).json()) as {
      items: { id: string; resultsPublishedAt: string | null }[];
    };
    const published = portal.items.find((c) => c.resultsPublishedAt)!.id;
    const results = (await (await fetch(`${base}/api/public/results?cycleId=${published}`)).json()) as {
      items: { id: string }[];
    };
    const reads = [
      '/api/public/cycles',
      '/api/public/orgs',
      `/api/public/results?cycleId=${published}`,
      `/api/public/plans?cycleId=${published}`,
      ...results.items.slice(0, 40).map((r) => `/api/public/results/${r.id}`),
    ];

    let r = 0;
    let w = 0;
    let s = 0;
    let ratingsAcked = 0;
    let answersAcked = 0;
    const unexpected: string[] = [];
    const duration = seconds;
    console.log(
      `load: ${duration} s, ${connections} connections per stream; ${open.length} open rating tasks, ${tokens.length} invitations`,
    );
    const [readRes, rateRes, answerRes] = await Promise.all([
      cannon({
        url: base,
        connections,
        duration,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: reads[r++ % reads.length] }) }],
      }),
      cannon({
        url: base,
        connections: Math.max(1, connections / 2),
        duration,
        amount: open.length,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const o = open[w++];
              return {
                ...req,
                path: `/api/plans/${o.plan_id}/ratings`,
                headers: sessions.get(o.username)!,
                body: JSON.stringify({ indicatorCode: o.code, subjectType: o.subject, score: 60 + (w % 40) }),
              };
            },
            onResponse: (status, body) => {
              if (status === 201) ratingsAcked += 1;
              else if (unexpected.length < 5) unexpected.push(`rating ${status} ${body.slice(0, 120)}`);
            },
          },
        ],
      }),
      cannon({
        url: base,
        connections,
        duration,
        amount: tokens.length,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ answers: { overall: 8, advice: '希望缩短办事等待时间' } }),
            setupRequest: (req) => ({ ...req, path: `/api/public/s/${tokens[s++]}` }),
            onResponse: (status, body) => {
              if (status === 201) answersAcked += 1;
              else if (unexpected.length < 5) unexpected.push(`answer ${status} ${body.slice(0, 120)}`);
            },
          },
        ],
      }),
    ]);

    const after = (
      await sql.query<{ ratings: number; responses: number; audit: number }>(
        `select (select count(*)::int from ratings) as ratings,
                (select count(*)::int from survey_responses where survey_id = $1) as responses,
                (select count(*)::int from audit_log) as audit`,
        [survey.id],
      )
    ).rows[0];
    // Audited writes: audit entries appended during the load (each one an audited row written), over
    // the time the writing streams ran (each stops early once its tasks or invitations are used up).
    const writeSeconds = Math.max(rateRes.duration, answerRes.duration);
    const auditedPerSecond = Math.round((after.audit - before.audit) / writeSeconds);
    console.log(
      `audited writes: ${after.audit - before.audit} audit entries in ${writeSeconds.toFixed(1)} s, ${auditedPerSecond}/s`,
    );
    const storedRatings = after.ratings - before.ratings;
    const storedAnswers = after.responses - before.responses;
    const rate = (x: autocannon.Result) => x.requests.total / x.duration;
    const line = (label: string, x: autocannon.Result) =>
      `${label}: ${Math.round(rate(x))} req/s, p50 ${x.latency.p50} ms, p99 ${x.latency.p99} ms, ` +
      `${x['2xx']} 2xx, ${x.non2xx} non-2xx, ${x.errors} errors, ${x.timeouts} timeouts`;
    console.log(line('portal reads ', readRes));
    console.log(line('ratings      ', rateRes));
    console.log(line('survey answers', answerRes));
    for (const u of unexpected) console.log(`unexpected: ${u}`);
    const all = [readRes, rateRes, answerRes];
    const errors = all.reduce((n, x) => n + x.errors + x.timeouts + x.non2xx, 0);
    const total = all.reduce((n, x) => n + x.requests.total, 0);
    const p99 = Math.max(...all.map((x) => x.latency.p99));
    const equal = storedRatings === ratingsAcked && storedAnswers === answersAcked;
    console.log(
      `stored ratings ${storedRatings} / acknowledged ${ratingsAcked}; stored answers ${storedAnswers} / acknowledged ${answersAcked}: ${equal ? 'equal' : 'DIFFERENT'}`,
    );
    if (errors > 0 || !equal) process.exitCode = 1;
    return {
      seconds: seconds,
      'total req/s': Math.round(total / seconds),
      'portal reads req/s, p99 ms': `${Math.round(rate(readRes))}, ${readRes.latency.p99}`,
      'ratings req/s, p99 ms': `${Math.round(rate(rateRes))}, ${rateRes.latency.p99}`,
      'survey answers req/s, p99 ms': `${Math.round(rate(answerRes))}, ${answerRes.latency.p99}`,
      'audited writes/s': auditedPerSecond,
      'worst p99 (ms)': p99,
      'errors (must be 0)': errors,
      'stored == acknowledged': `ratings ${storedRatings}==${ratingsAcked}, answers ${storedAnswers}==${answersAcked}: ${equal}`,
    };
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    await sql.end().catch(() => undefined);
    if (process.env.BENCH_KEEP !== '1') await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
