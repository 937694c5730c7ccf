import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Db } from '../../db/client';
import { buildTestApp, type TestApp } from '../../../test/helper';
import { appendAudit, merkleRoot, sealAudit, verifyAudit } from './service';

/**
 * The audit chain under both suites: entries, Merkle roots and seals hash with SHA-256 by default and
 * with SM3 under `CRYPTO_SUITE=sm`; a log that switched suites midway still verifies, and tampering is
 * found whichever algorithm hashed the entry.
 */
let t: TestApp;
const saved = process.env.CRYPTO_SUITE;
beforeAll(async () => {
  t = await buildTestApp({ city: 'empty' });
});
afterEach(() => {
  if (saved === undefined) delete process.env.CRYPTO_SUITE;
  else process.env.CRYPTO_SUITE = saved;
});
afterAll(() => t.close());

async function append(suite: 'aes' | 'sm', tag: string) {
  process.env.CRYPTO_SUITE = suite;
  await appendAudit(t.db, [
    // Any listed action: the test reads its entries back by entity id.
    { actorId: null, action: 'audit.baseline', entityType: 'test', entityId: `${tag}-1` },
    { actorId: null, action: 'audit.baseline', entityType: 'test', entityId: `${tag}-2` },
    { actorId: null, action: 'audit.baseline', entityType: 'test', entityId: `${tag}-3` },
  ]);
  await sealAudit(t.db);
}

const latest = (tag: string) =>
  rowsOf<{ seq: number; hash: string; seal: number }>(
    t.db,
    sql`select seq, hash, seal from audit_log where entity_id like ${`${tag}-%`} order by seq`,
  );

describe('audit chain suites', () => {
  it('hashes entries and seals with SM3 under CRYPTO_SUITE=sm, and the mixed log verifies', async () => {
    await append('aes', 'sha');
    await append('sm', 'sm3');
    const sha = await latest('sha');
    const sm3 = await latest('sm3');
    expect(sha.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    expect(sm3.every((e) => /^sm3:[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    const [seal] = await rowsOf<{ hash: string; root: string }>(
      t.db,
      sql`select hash, root from audit_seals where id = ${sm3[0].seal}`,
    );
    expect(seal.hash.startsWith('sm3:')).toBe(true);
    expect(seal.root.startsWith('sm3:')).toBe(true);
    const report = await verifyAudit(t.db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('finds a changed SM3 entry and a changed SM3 seal', async () => {
    await append('sm', 'tamper');
    const [first] = await latest('tamper');
    const rollback = new Error('rollback');
    for (const [edit, kind] of [
      [sql`update audit_log set action = 'test.forged' where seq = ${first.seq}`, 'hash'],
      [sql`update audit_seals set count = count + 1 where id = ${first.seal}`, 'chain'],
    ] as const) {
      let kinds: string[] = [];
      await t.db
        .transaction(async (tx) => {
          await tx.execute(edit);
          kinds = (await verifyAudit(tx as unknown as Db)).problems.map((p) => p.kind);
          throw rollback;
        })
        .catch((err) => {
          if (err !== rollback) throw err;
        });
      expect(kinds).toContain(kind);
    }
  });

  it('Merkle roots differ by algorithm and each names it', () => {
    const leaves = ['1:a', '2:b', '3:c'];
    const a = merkleRoot(leaves, 'sha256');
    const b = merkleRoot(leaves, 'sm3');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatch(/^sm3:[0-9a-f]{64}$/);
    expect(b.slice(4)).not.toBe(a);
  });
});
