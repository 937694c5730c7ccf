/**
 * Recompute of a province-scale cycle (issue 6, Performance) against a plain SQL aggregate over the
 * same rating rows, on PostgreSQL.
 *
 * Env: DATABASE_URL — admin URL of the server (default postgres://postgres@127.0.0.1:5432/postgres);
 * BENCH_SCALE — 1 is the full province (22,000 plans, 3.3M indicator nodes, 2.7M values, 2M ratings;
 * ~2 minutes to generate); the default 0.05 keeps the bench short;
 * BENCH_DB — reuse an already generated database of that name (kept afterwards);
 * BENCH_KEEP=1 — keep the generated database.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/client';
import { computeCycleResults } from '../packages/server/src/modules/results/service';
import { systemActor } from '../packages/server/src/lib/system';
import { generateProvince } from './province';
import type { BenchFigures } from './run';

/**
 * A full garbage collection (gc() of a context made once --expose-gc is set): each compute starts
 * without the garbage of the one before, so the RSS peak sampled while it runs is its own.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * CPU seconds used so far by the server processes serving `database` (user + system, from
 * /proc/<pid>/stat; the server must run on this machine), by backend pid. Backends gone since are
 * not counted: the pool keeps its connections for 10 s after their last use.
 */
async function dbCpu(client: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    `select pid from pg_stat_activity where datname = $1`,
    [database],
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // Not on this machine, or ended meanwhile.
    }
  }
  return out;
}

/** CPU seconds of the backends between two {@link dbCpu} readings (a new backend counts whole). */
const dbCpuSpent = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, s]) => sum + s - (before.get(pid) ?? 0), 0);

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

export default async function recomputeBench(): Promise<BenchFigures> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const scale = Number(process.env.BENCH_SCALE ?? 0.05);
  if (!(scale > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
  const reuse = process.env.BENCH_DB;
  const name = reuse ?? `perfcommons_bench_${process.pid}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (reuse && !(await admin.query(`select 1 from pg_database where datname = $1`, [reuse])).rowCount)
      throw new Error(`BENCH_DB=${reuse}: no such database on ${url.host} (unset BENCH_DB to generate one)`);
    if (!reuse) await admin.query(`create database ${name}`);
  } catch (err) {
    await admin.end();
    throw err;
  }
  const figures: BenchFigures = reuse ? { database: reuse } : { scale };
  const database = await openDatabase({ databaseUrl: url.toString() });
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    let cycleId: string;
    if (reuse) {
      cycleId = (await client.query(`select id from cycles where code = 'bench-2025'`)).rows[0].id;
      console.log(`reusing database ${name}`);
    } else {
      console.log(`generating the province at scale ${scale} into ${name}`);
      const gen = await timed(() => generateProvince(client, scale, console.log));
      cycleId = gen.value.cycleId;
      const { cycleId: _, ...counts } = gen.value;
      console.log(`  generated ${JSON.stringify(counts)} in ${seconds(gen.ms)}`);
      figures['generation'] = seconds(gen.ms);
    }
    // The computes below rewrite results, consequences and counters: a reused database carries the
    // dead rows of earlier runs, which a server's autovacuum would have cleared (this one may run
    // without it), so each run starts from the same state.
    // The inputs too: the compute reads them index-only (migration 0037), as it does on a server whose
    // autovacuum has marked the pages written by the generation (or by an earlier run) all-visible.
    // (index_cleanup on: the dead rows of an earlier run's late ratings are cleared from the indexes
    // too, so their pages are all-visible again, whatever vacuum would have judged by their number.)
    await client.query(
      'vacuum (analyze, index_cleanup on) results, result_inputs, consequences, plan_input_versions, audit_log, actual_values, ratings',
    );
    const { rows: counts } = await client.query(
      `select (select count(*) from plans where cycle_id = $1)::int as plans,
              (select count(*) from indicator_nodes n join plans p on p.id = n.plan_id where p.cycle_id = $1)::int as nodes,
              (select count(*) from ratings where cycle_id = $1)::int as ratings`,
      [cycleId],
    );
    Object.assign(figures, counts[0]);

    // The plain aggregate: one GROUP BY over the cycle's ratings, rows fetched by the client.
    const aggregate = [];
    for (let i = 0; i < 3; i += 1) {
      const dbBefore = await dbCpu(client, name);
      const nodeBefore = process.cpuUsage();
      const run = await timed(() =>
        client.query(
          `select plan_id, indicator_code, subject_type, avg(score) from ratings
           where cycle_id = $1 group by 1, 2, 3`,
          [cycleId],
        ),
      );
      const nodeSpent = process.cpuUsage(nodeBefore);
      aggregate.push(run.ms);
      console.log(
        `  plain aggregate run ${i + 1}: ${seconds(run.ms)} (${run.value.rowCount} groups; CPU ${((nodeSpent.user + nodeSpent.system) / 1e6).toFixed(2)} s Node + ${dbCpuSpent(dbBefore, await dbCpu(client, name)).toFixed(2)} s DB)`,
      );
    }

    const actor = systemActor();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
    const agg = median(aggregate);
    figures['plain aggregate (median of 3)'] = seconds(agg);
    /** Per scenario: its time and the peak RSS sampled while it ran. */
    const ran = new Map<string, { ms: number; rss: number }>();
    /** Runs a compute after `prepare`, prints it and records its time and ratio to the aggregate. */
    const scenario = async (label: string, prepare: () => Promise<unknown>, db = database.db) => {
      await prepare();
      collectGarbage();
      const outerPeak = rssPeak;
      rssPeak = process.memoryUsage().rss;
      const dbBefore = await dbCpu(client, name);
      const nodeBefore = process.cpuUsage();
      const run = await timed(() => computeCycleResults(db, actor, cycleId));
      const nodeSpent = process.cpuUsage(nodeBefore);
      const cpu = `CPU ${((nodeSpent.user + nodeSpent.system) / 1e6).toFixed(2)} s Node + ${dbCpuSpent(dbBefore, await dbCpu(client, name)).toFixed(2)} s DB`;
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      ran.set(label, { ms: run.ms, rss: rssPeak });
      const v = run.value;
      console.log(
        `  ${label}: ${seconds(run.ms)} (${v.count} results, ${v.rescored} rescored, ${v.rewritten} rewritten, ${v.unchanged} unchanged; ${cpu}; RSS peak ${mb(rssPeak)})`,
      );
      figures[label] =
        `${seconds(run.ms)} (${(run.ms / agg).toFixed(2)}× aggregate; ${v.rescored} rescored, ${v.rewritten} rewritten, ${v.unchanged} unchanged; ${cpu}; RSS peak ${mb(rssPeak)})`;
      rssPeak = Math.max(rssPeak, outerPeak);
      return v;
    };
    try {
      // 1. Everything from scratch: no stored results, trees not compiled yet (this handle has not
      // computed before; trees are compiled per handle).
      await scenario('full compute (cold)', () =>
        client.query(`delete from results where cycle_id = $1`, [cycleId]),
      );
      // 2. The same again with every plan rescored: trees compiled (same handle), but all inputs
      // counters moved (the data did not: every result comes out the same, and is kept). Three
      // times, the counters moved before each: the figure is their median, as the aggregate's.
      for (let i = 1; i <= 3; i += 1) {
        const rescore = await scenario(`full rescore (warm trees) run ${i}`, () =>
          client.query(
            `insert into plan_input_versions (plan_id, version) select id, 1000000 from plans where cycle_id = $1
             on conflict (plan_id) do update set version = plan_input_versions.version + 1`,
            [cycleId],
          ),
        );
        // The check of the rescore against the cold compute: the data did not move, so every plan is
        // rescored to the figures the cold compute stored, to the byte (none rewritten).
        if (
          rescore.rescored !== rescore.count ||
          rescore.rewritten !== 0 ||
          rescore.unchanged !== rescore.count
        )
          throw new Error(
            `full rescore differs from the cold compute: ${JSON.stringify(rescore)} (expected every result rescored and unchanged)`,
          );
        figures['rescore = cold compute'] =
          `yes (${rescore.unchanged} of ${rescore.count} results the same to the byte, ${i} of 3 runs)`;
      }
      // 3. An appeal corrects one verified value: one plan rescored, its group re-ranked.
      await scenario('recompute after 1 corrected value', () =>
        client.query(
          `update actual_values set value = value + 1 where id = (
             select v.id from actual_values v join plans p on p.id = v.plan_id
             where p.cycle_id = $1 and v.status = 'verified' order by v.id limit 1)`,
          [cycleId],
        ),
      );
      // 4. A late batch of ratings for 1% of the plans.
      await scenario('recompute after ratings of 1% plans', () =>
        client.query(
          `update ratings set score = least(100, score + 3) where cycle_id = $1 and plan_id in (
             select id from plans where cycle_id = $1 order by id limit greatest(1, (select count(*) / 100 from plans where cycle_id = $1)))`,
          [cycleId],
        ),
      );
      // 5. Nothing changed since the last compute.
      await scenario('recompute, nothing changed', async () => undefined);
    } finally {
      clearInterval(sampler);
    }
    // The target: a full rescore within 1.5× the plain aggregate of the same run, under 1 GB.
    const rescores = [1, 2, 3].map((i) => ran.get(`full rescore (warm trees) run ${i}`)!);
    const rescoreMs = median(rescores.map((r) => r.ms));
    const rescoreRss = Math.max(...rescores.map((r) => r.rss));
    figures['full rescore vs plain aggregate'] =
      `${seconds(rescoreMs)} (median of 3) vs ${seconds(agg)} = ${(rescoreMs / agg).toFixed(2)}× (target ≤ 1.5×); ` +
      `RSS peak ${mb(rescoreRss)} (target < 1024 MB)`;
    figures['RSS before compute'] = mb(rssBefore);
    figures['RSS peak (sampled)'] = mb(rssPeak);
    figures['max RSS of process'] = mb(process.resourceUsage().maxRSS * 1024);
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(34)} ${v}`);
    return figures;
  } finally {
    await client.end();
    await database.close();
    if (!reuse && process.env.BENCH_KEEP !== '1') await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
}
