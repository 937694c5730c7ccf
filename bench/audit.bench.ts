/**
 * Audited writes per second on PostgreSQL (issue 12), the two designs side by side in one run, so that
 * both see the same machine: BENCH_AUDIT_WORKERS (16) concurrent transactions, each writing one row and
 * its audit entry, for BENCH_AUDIT_SECONDS (10) per design.
 * - chained (the first design): a global advisory lock, the last entry read, the entry chained to it —
 *   the lock is held until commit, so audited transactions run one at a time;
 * - sealed (now): appendAudit takes its numbers from the sequence with no lock; a sealer runs meanwhile.
 * Env: DATABASE_URL — admin URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { desc, sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/client';
import { auditLog } from '../packages/server/src/db/schema';
import { canonicalJson, sha256 } from '../packages/server/src/lib/hash';
import {
  appendAudit,
  entryHash,
  startAuditSealer,
  verifyAudit,
} from '../packages/server/src/modules/audit/service';
import type { BenchFigures } from './run';

export default async function auditBench(): Promise<BenchFigures> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const seconds = Number(process.env.BENCH_AUDIT_SECONDS ?? 10);
  const workers = Number(process.env.BENCH_AUDIT_WORKERS ?? 16);
  const name = `perfcommons_bench_audit_${process.pid}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const database = await openDatabase({ databaseUrl: url.toString() });
    const db = database.db;
    await db.execute(sql`create table bench_rows (id serial primary key, n int not null)`);
    const entry = (n: number, id: number) => ({
      actorId: null,
      // Any listed action (appendAudit takes only those); the bench reads nothing back by action.
      action: 'audit.baseline' as const,
      entityType: 'bench_row',
      entityId: String(id),
      data: { n },
      entity: { id, n },
    });

    const chained = async () => {
      await db.transaction(async (tx) => {
        const n = Math.floor(Math.random() * 1e6);
        const [{ id }] = (await tx.execute(sql`insert into bench_rows (n) values (${n}) returning id`))
          .rows as {
          id: number;
        }[];
        await tx.execute(sql`select pg_advisory_xact_lock(727001)`);
        const [last] = await tx
          .select({ seq: auditLog.seq, hash: auditLog.hash })
          .from(auditLog)
          .orderBy(desc(auditLog.seq))
          .limit(1);
        const e = entry(n, id);
        const row = {
          seq: (last?.seq ?? 0) + 1,
          at: new Date(),
          actorId: null,
          action: e.action,
          entityType: e.entityType,
          entityId: e.entityId,
          data: e.data,
          entityHash: sha256(canonicalJson(e.entity)),
          prevHash: last?.hash ?? '0'.repeat(64),
        };
        await tx.insert(auditLog).values({ ...row, hash: entryHash(row) });
      });
    };
    const sealed = async () => {
      await db.transaction(async (tx) => {
        const n = Math.floor(Math.random() * 1e6);
        const [{ id }] = (await tx.execute(sql`insert into bench_rows (n) values (${n}) returning id`))
          .rows as {
          id: number;
        }[];
        await appendAudit(tx, [entry(n, id)]);
      });
    };
    const run = async (label: string, write: () => Promise<void>) => {
      let done = 0;
      const end = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (Date.now() < end) {
            await write();
            done += 1;
          }
        }),
      );
      const rate = Math.round(done / seconds);
      console.log(`${label}: ${done} audited writes in ${seconds} s, ${rate}/s (${workers} concurrent)`);
      return rate;
    };
    const before = await run('chained (global lock)', chained);
    // The chained entries above are the first design's; seal what follows like the server does.
    await db.execute(
      sql`select setval(pg_get_serial_sequence('audit_log', 'seq'), (select max(seq) from audit_log))`,
    );
    const sealer = startAuditSealer({ db, seconds: 2 });
    const after = await run('sealed (no lock)', sealed);
    sealer.stop();
    const report = await verifyAudit(db);
    console.log(
      `verify: ${report.checked} entries, ${report.seals} seals, ${report.unsealed} unsealed, ok ${report.ok}`,
    );
    for (const p of report.problems.slice(0, 5)) console.log(`  #${p.seq ?? '-'} ${p.kind}: ${p.message}`);
    await database.close();
    return {
      seconds,
      workers,
      'chained audited writes/s': before,
      'sealed audited writes/s': after,
      'verify after both': report.ok ? 'intact' : `${report.problems.length} problems`,
    };
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
