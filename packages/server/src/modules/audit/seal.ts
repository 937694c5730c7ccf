import { asc, desc, eq, sql } from 'drizzle-orm';
import { auditLog, auditSeals } from '../../db/schema';
import type { Db } from '../../db/client';
import { canonicalJson, chainAlgorithm, chainDigest, type ChainAlgorithm } from '../../lib/hash';

export const GENESIS = '0'.repeat(64);
/** Advisory lock key that keeps two sealers from sealing the same entries. */
const SEAL_LOCK = 727_002;
/** Most entries one seal covers. */
const SEAL_MAX = 20_000;

/**
 * Merkle root of leaves in order (SHA-256, or SM3 under `CRYPTO_SUITE=sm`); an odd node is carried up
 * unchanged. Node digests are bare hex whatever the algorithm; the root names it (`sm3:` prefix).
 */
export function merkleRoot(leaves: string[], algorithm?: ChainAlgorithm): string {
  const alg = algorithm ?? chainAlgorithm();
  const bare = (text: string) => chainDigest(text, alg).replace(/^sm3:/, '');
  if (leaves.length === 0) return chainDigest('', alg);
  let level = leaves.map((l) => bare(`leaf:${l}`));
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? bare(`node:${level[i]}${level[i + 1]}`) : level[i]);
    level = next;
  }
  return alg === 'sm3' ? `sm3:${level[0]}` : level[0];
}

export const leafOf = (e: { seq: number; hash: string }) => `${e.seq}:${e.hash}`;

/** Ascending seq numbers as inclusive ranges. */
function toRanges(seqs: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of seqs) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

export const sealHash = (
  s: {
    id: number;
    at: Date;
    ranges: unknown;
    count: number;
    root: string;
    prevHash: string;
  },
  algorithm?: ChainAlgorithm,
) =>
  chainDigest(
    canonicalJson({
      id: s.id,
      at: s.at.toISOString(),
      ranges: s.ranges,
      count: s.count,
      root: s.root,
      prevHash: s.prevHash,
    }),
    algorithm,
  );

/**
 * Seals the committed entries not yet sealed: per batch of up to SEAL_MAX, a seal listing their numbers,
 * the Merkle root of their `seq:hash` and the previous seal's hash. From then on a deleted, added,
 * renumbered or changed entry of the batch breaks its root. Entries of transactions still running are
 * not visible and go in a later seal. Returns the number of entries sealed.
 */
export async function sealAudit(db: Db): Promise<number> {
  let sealed = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SEAL_LOCK})`);
      const pending = await tx
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .where(sql`${auditLog.seal} is null`)
        .orderBy(asc(auditLog.seq))
        .limit(SEAL_MAX);
      if (pending.length === 0) return 0;
      const [last] = await tx.select().from(auditSeals).orderBy(desc(auditSeals.id)).limit(1);
      const ranges = toRanges(pending.map((p) => p.seq));
      const root = merkleRoot(pending.map(leafOf));
      const at = new Date();
      const prevHash = last?.hash ?? GENESIS;
      const [{ id }] = await tx
        .insert(auditSeals)
        .values({ at, ranges, count: pending.length, root, prevHash, hash: 'pending' })
        .returning({ id: auditSeals.id });
      await tx
        .update(auditSeals)
        .set({ hash: sealHash({ id, at, ranges, count: pending.length, root, prevHash }) })
        .where(eq(auditSeals.id, id));
      // Exactly the entries read above (one committed meanwhile with a lower number waits for the next seal).
      await tx.execute(sql`update audit_log set seal = ${id}
        where seal is null and seq in (select unnest(string_to_array(${pending.map((p) => p.seq).join(',')}, ',')::bigint[]))`);
      return pending.length;
    });
    sealed += n;
    if (n < SEAL_MAX) return sealed;
  }
}

/** Seals every `seconds` (0 disables) until stopped. */
export function startAuditSealer(opts: {
  db: Db;
  seconds: number;
  log?: { error: (obj: unknown, msg?: string) => void };
}) {
  if (!(opts.seconds > 0)) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sealAudit(opts.db)
      .catch((err) => opts.log?.error({ err }, 'sealing the audit log failed'))
      .finally(() => {
        running = false;
      });
  }, opts.seconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
