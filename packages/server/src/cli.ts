import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { BUNDLE_FORMAT, recomputeBundle, type OpenDataBundle } from '@perfcommons/domain';
import { parseArgs } from 'node:util';
import { isProduction, loadEnv } from './env';
import { openDatabase, type Database } from './db/client';
import { buildApp, DEFAULT_WEB_DIST } from './app';
import { seedDemoCity, isEmpty } from './seed/demo-city';
import { auditBaseline, sealAudit, startAuditSealer, verifyAudit } from './modules/audit/service';
import { computeCycleResults, listResults } from './modules/results/service';
import { systemActor } from './lib/system';
import { importValues } from './modules/values/import';
import { backup, restore } from './ops/backup';
import { loadActor, resetTotp } from './modules/auth/service';
import { productionRefusal } from './modules/auth/production';
import { initAdmin, resetPassword } from './modules/users/service';
import { queueSweep, startMonitoringScheduler } from './modules/monitoring/scheduler';
import { AppError } from './lib/errors';
import { openRedis } from './lib/redis';

const HELP = `perfcommons — government performance management with public participation

Usage: perfcommons <command> [options]

Commands:
  start [--seed-if-empty]   migrate, optionally seed the demo city, and serve API + web on PORT
  init --admin <username> [--name <display name>]
                            migrate and create the first administrator (roles admin and office); prints a
                            one-time password to change at first login; refused once an administrator exists
  reset-password --user <username>
                            give that account a new one-time password (to change at its next login)
  reset-totp --user <username>
                            break glass for a lost authenticator and lost recovery codes: remove that
                            account's second factor and end its sessions (audited; it enrols anew)
  migrate                   apply pending database migrations
  seed [--force]            load the demo city (refuses a non-empty database unless --force)
  compute --cycle <code>    compute results of a cycle and print a summary
  verify-audit              check the audit log, its seals and every covered row; exit 1 on any problem
  audit-baseline            once after an upgrade that covers more tables: record the current hash of
                            covered rows that have no audit entry yet
  verify-bundle <file>      recompute every published result of an open data bundle (GET
                            /api/public/cycles/:id/bundle) from the bundle alone; exit 1 listing each
                            result whose recomputed figures differ (no database needed)
  import-values --plan <id> --file <f.csv|f.xlsx> --as <username>
                            report actual values from a sheet as that user (one transaction: all rows or none)
  backup <file>             PGlite: dump the data directory; PostgreSQL: pg_dump (custom format)
  restore <file> [--force]  load a backup into an empty database (--force replaces a non-empty one)

Environment: PORT (3000), HOST (0.0.0.0), DATA_DIR (./data, PGlite), DATABASE_URL (PostgreSQL; overrides DATA_DIR),
  REDIS_URL (several processes share rate limits through it), TRUST_PROXY (behind a reverse proxy: its
  addresses / CIDR ranges, whose X-Forwarded-For gives the client address for rate limits, lockouts and the
  audit log; unset: the socket's address), SHUTDOWN_GRACE_SECONDS (25: SIGTERM drains
  in-flight requests and running jobs this long at most; jobs queued meanwhile are left to other processes),
  AUDIT_SEAL_SECONDS (5; 0 disables): start seals new audit entries this often;
  MONITORING_SWEEP_MINUTES (60; 0 disables): start sends reporting reminders and escalations, raises early
  warnings and opens correction tasks for cycles in the execution stage this often;
  NODE_ENV=production: the demo city is never loaded (start --seed-if-empty and seed are refused) and start
  refuses while any account still has the demo password
`;

const NO_DEMO_IN_PRODUCTION =
  'Production mode (NODE_ENV=production) never loads the demo city, whose accounts share a published password.\n' +
  'Create the first administrator with `perfcommons init --admin <username>` and import the organisation in the console.';

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'seed-if-empty': { type: 'boolean' },
      force: { type: 'boolean' },
      cycle: { type: 'string' },
      plan: { type: 'string' },
      file: { type: 'string' },
      as: { type: 'string' },
      admin: { type: 'string' },
      name: { type: 'string' },
      user: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 1;
  }
  if (command === 'verify-bundle') return verifyBundleFile(positionals[1]);
  const env = loadEnv();
  const open = () => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  const production = isProduction(env);
  switch (command) {
    case 'start': {
      if (production && values['seed-if-empty']) {
        console.error(`start --seed-if-empty is refused. ${NO_DEMO_IN_PRODUCTION}`);
        return 1;
      }
      // Seconds from `npm start` (scripts/start.mjs, web build included) or else from this process's start.
      const t0 = Number(process.env.PC_START_T0);
      const since = () => (t0 ? (Date.now() - t0) / 1000 : performance.now() / 1000);
      const database = await open();
      console.log(
        `  ${since().toFixed(1).padStart(5)} s  database open (${database.kind}), migrations applied`,
      );
      if (production) {
        const refusal = await productionRefusal(database.db);
        if (refusal) {
          console.error(refusal);
          await database.close();
          return 1;
        }
        const [admin] = await database.db.query.roleAssignments.findMany({
          where: (r, { eq }) => eq(r.role, 'admin'),
          limit: 1,
        });
        if (!admin)
          console.log('No administrator yet: create one with `perfcommons init --admin <username>`.');
      }
      let seeded = 0;
      if (values['seed-if-empty'] && (await isEmpty(database.db))) {
        const seedStart = since();
        console.log('Empty database: loading the demo city 江宁市 (first start only)…');
        await seedDemoCity(database.db, {
          progress: (step) => console.log(`  ${since().toFixed(1).padStart(5)} s  ${step}`),
        });
        seeded = since() - seedStart;
      }
      // Several processes behind a balancer share rate-limit counters through Redis.
      const redis = env.REDIS_URL ? openRedis(env.REDIS_URL, console) : undefined;
      const app = await buildApp({
        database,
        webDist: env.WEB_DIST ?? DEFAULT_WEB_DIST,
        cookieSecure: env.COOKIE_SECURE,
        logger: true,
        logLevel: env.LOG_LEVEL,
        redis: redis && { client: redis, prefix: env.REDIS_PREFIX },
      });
      if (redis) app.addHook('onClose', async () => void (await redis.quit().catch(() => undefined)));
      // Reminders, early warnings and correction tasks without anyone calling the endpoints: every
      // process ticks, the first to queue the period's sweep job wins and one process runs it.
      const sweeps = startMonitoringScheduler({
        db: database.db,
        minutes: env.MONITORING_SWEEP_MINUTES,
        log: app.log,
        sweep: async (at) => {
          const jobId = await queueSweep(app.jobs, env.MONITORING_SWEEP_MINUTES, at);
          if (jobId) app.log.info({ jobId }, 'monitoring sweep of this period queued');
          else app.log.info('monitoring sweep of this period queued by another process');
        },
      });
      app.addHook('onClose', () => sweeps.stop());
      // Audit entries are appended without a lock; the sealer seals them in batches (Merkle roots).
      const sealer = startAuditSealer({
        db: database.db,
        seconds: Number(process.env.AUDIT_SEAL_SECONDS ?? 5),
        log: app.log,
      });
      app.addHook('onClose', () => sealer.stop());
      // Graceful shutdown: stop listening (readiness answers 503) and taking jobs (queued ones are left
      // to the other processes), let in-flight requests finish and running jobs drain (the app's
      // preClose and onClose hooks), then close the database; past the grace period exit anyway, a
      // job cut there uncommitted (taken again when it expires, or at PGlite's next start). On PGlite
      // a statement runs on this thread: the signal and the bound are seen between two statements.
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.log.info(`${signal}: draining in-flight requests (at most ${env.SHUTDOWN_GRACE_SECONDS} s)`);
        const force = setTimeout(() => {
          app.log.error('shutdown grace period over: exiting with work still open');
          process.exit(1);
        }, env.SHUTDOWN_GRACE_SECONDS * 1000);
        force.unref();
        await app.close();
        await database.close();
        clearTimeout(force);
        app.log.info('stopped');
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      await app.listen({ port: env.PORT, host: env.HOST });
      const ready = since();
      console.log(
        `PerfCommons on http://localhost:${env.PORT}/ (console /console/, API docs /docs) — ${database.kind}, ` +
          `ready in ${ready.toFixed(1)} s${t0 ? ' since npm start' : ''}` +
          (seeded ? ` (demo city loaded in ${seeded.toFixed(1)} s)` : ''),
      );
      return null;
    }
    case 'migrate':
      return withDb(await open(), async () => {
        console.log('Migrations applied');
        return 0;
      });
    case 'init':
      return withDb(await open(), async (database) => {
        if (!values.admin) {
          console.error('init needs --admin <username>');
          return 1;
        }
        const { user, password } = await initAdmin(database.db, {
          username: values.admin,
          displayName: values.name,
        });
        console.log(`Migrations applied. Administrator ${user.username} created (roles: admin, office).`);
        console.log(`One-time password (shown only now; to be changed at first login): ${password}`);
        return 0;
      });
    case 'reset-password':
      return withDb(await open(), async (database) => {
        const user = await userNamed(database.db, 'reset-password', values.user);
        if (!user) return 1;
        const { password } = await resetPassword(database.db, systemActor(), user.id);
        console.log(`New one-time password of ${user.username} (to be changed at next login): ${password}`);
        return 0;
      });
    case 'reset-totp':
      return withDb(await open(), async (database) => {
        const user = await userNamed(database.db, 'reset-totp', values.user);
        if (!user) return 1;
        const was = await resetTotp(database.db, user.id, null);
        console.log(
          was
            ? `Second factor of ${user.username} removed, sessions ended: it enrols a new authenticator at its next login`
            : `${user.username} had no second factor enabled; sessions ended`,
        );
        return 0;
      });
    case 'seed':
      if (production) {
        console.error(`seed is refused. ${NO_DEMO_IN_PRODUCTION}`);
        return 1;
      }
      return withDb(await open(), async (database) => {
        if (!values.force && !(await isEmpty(database.db))) {
          console.error('The database is not empty; use --force to seed anyway');
          return 1;
        }
        const summary = await seedDemoCity(database.db);
        console.log('Demo city loaded:', summary);
        return 0;
      });
    case 'compute':
      return withDb(await open(), async (database) => {
        if (!values.cycle) {
          console.error('compute needs --cycle <code>');
          return 1;
        }
        const cycle = await database.db.query.cycles.findFirst({
          where: (c, { eq }) => eq(c.code, values.cycle!),
        });
        if (!cycle) {
          console.error(`No cycle with code ${values.cycle}`);
          return 1;
        }
        console.log(`Computing results of ${cycle.code}…`);
        const summary = await computeCycleResults(database.db, systemActor(), cycle.id);
        const items = await listResults(database.db, systemActor(), cycle.id);
        for (const r of items)
          console.log(
            `${r.peerGroup.padEnd(14)} #${String(r.rank ?? '-').padStart(2)} ${r.total.toFixed(2).padStart(7)} ${(r.grade ?? '-').padEnd(20)} ${r.appraiseeName}`,
          );
        console.log(
          `${items.length} results of ${cycle.code}: ${summary.rescored} rescored, ${summary.rewritten} changed`,
        );
        return 0;
      });
    case 'verify-audit':
      return withDb(await open(), async (database) => {
        const report = await verifyAudit(database.db);
        for (const p of report.problems)
          console.log(
            `#${p.seq ?? '-'} ${p.kind}: ${p.message}${p.entity ? ` [table ${p.entity.tables.join(', ')}]` : ''}`,
          );
        console.log(
          report.ok
            ? `Audit log intact (${report.checked} entries, ${report.seals} seals, ${report.unsealed} not sealed yet)`
            : `${report.problems.length} problem(s) found`,
        );
        return report.ok ? 0 : 1;
      });
    case 'audit-baseline':
      return withDb(await open(), async (database) => {
        const n = await auditBaseline(database.db, null);
        const sealed = await sealAudit(database.db);
        console.log(`${n} covered row(s) recorded as audit.baseline; ${sealed} entries sealed`);
        return 0;
      });
    case 'import-values':
      return withDb(await open(), async (database) => {
        if (!values.plan || !values.file || !values.as) {
          console.error('import-values needs --plan <id>, --file <sheet> and --as <username>');
          return 1;
        }
        // Values are reported by a real account (recorded as reporter, checked for permission, audited).
        const user = await database.db.query.users.findFirst({
          where: (u, { eq }) => eq(u.username, values.as!),
        });
        const actor = user && (await loadActor(database.db, user.id));
        if (!actor) {
          console.error(`No active user ${values.as}`);
          return 1;
        }
        // Streamed (bounded memory, up to 1,000,000 rows), one transaction: all rows or none.
        console.log(`Importing ${values.file} into plan ${values.plan}…`);
        const stored = await importValues(
          database.db,
          actor,
          values.plan,
          createReadStream(values.file),
          values.file,
          { onProgress: (n) => console.log(`${n} rows checked, not yet committed`) },
        );
        console.log(`${stored.inserted} values stored`);
        return 0;
      });
    case 'backup':
    case 'restore': {
      const file = positionals[1];
      if (!file) {
        console.error(`${command} needs a file name`);
        return 1;
      }
      const target = { databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR };
      console.log(
        command === 'backup' ? await backup(target, file) : await restore(target, file, values.force),
      );
      return 0;
    }
    default:
      console.error(`Unknown command ${command}\n`);
      process.stdout.write(HELP);
      return 1;
  }
}

/** `verify-bundle <file>`: no database, no environment; the domain recomputes from the file alone. */
function verifyBundleFile(file: string | undefined): number {
  if (!file) {
    console.error('verify-bundle needs the bundle file (GET /api/public/cycles/<id>/bundle)');
    return 1;
  }
  const text = readFileSync(file, 'utf8');
  const bundle = JSON.parse(text) as OpenDataBundle;
  if (bundle.format !== BUNDLE_FORMAT) {
    console.error(`${file} is not a PerfCommons open data bundle (format ${String(bundle.format)})`);
    return 1;
  }
  console.log(`Bundle ${bundle.cycle.code}, SHA-256 ${createHash('sha256').update(text).digest('hex')}`);
  const { results, differences } = recomputeBundle(bundle);
  for (const d of differences)
    console.log(
      `DIFFERS ${d.name} (result ${d.resultId || '-'}): ${d.field} published ${JSON.stringify(d.published)}, recomputed ${JSON.stringify(d.recomputed)}`,
    );
  const bad = new Set(differences.map((d) => d.planId)).size;
  console.log(
    bad === 0
      ? `All ${results} published results recomputed from the bundle: identical`
      : `${bad} of ${results} results differ from their recomputation`,
  );
  return bad === 0 ? 0 : 1;
}

async function withDb(database: Database, fn: (d: Database) => Promise<number>) {
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    const cause = err instanceof Error ? err.cause : undefined;
    if (cause) console.error(`  cause: ${cause instanceof Error ? cause.message : String(cause)}`);
    for (const d of err instanceof AppError ? err.details : []) console.error(`  ${d.path}: ${d.message}`);
    process.exit(1);
  },
);

/** The account a command's `--user` names, or null after saying what is wrong. */
async function userNamed(db: Database['db'], command: string, username: string | undefined) {
  if (!username) {
    console.error(`${command} needs --user <username>`);
    return null;
  }
  const user = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, username) });
  if (!user) console.error(`No user ${username}`);
  return user ?? null;
}
