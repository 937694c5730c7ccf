import { sql } from 'drizzle-orm';
import { auditLog } from '../../db/schema';
import { rowsOf, type DbOrTx } from '../../db/client';
import { insertFromJson } from '../../db/bulk';
import { canonicalJson, chainDigest, type ChainAlgorithm } from '../../lib/hash';
import type { AuditAction } from './actions';
import { ABSENT, COVERED, entityHash, isUuid } from './coverage';

export interface AuditEntryInput {
  actorId: string | null;
  /** One of the listed actions (actions.ts). */
  action: AuditAction;
  /** An audited entity type (see coverage.ts) or any other name. */
  entityType: string;
  entityId: string;
  /** What changed, for people reading the log. */
  data?: unknown;
  /**
   * The row as stored after the change; its hash lets verify-audit notice later edits. Optional for
   * covered types: without it (and without entityHash) the row is read back and hashed here.
   */
  entity?: unknown;
  /**
   * Instead of `entity`: its hash, already computed as {@link entityHash} would (a caller that has
   * serialised a large row once passes the hash rather than the row).
   */
  entityHash?: string;
  /**
   * Hashes of the entity's companions (coverage.ts) that the writer computed itself, by type, taken
   * instead of reading the rows back: a streamed frame import hashes the million units it writes
   * as it writes them (frameDigest).
   */
  companionHashes?: Record<string, string>;
  /**
   * Companions (by type) that the writer knows it left as they were: neither read back nor hashed,
   * and no entry for them. A results compute that inserted and deleted no consequence passes
   * `cycle_consequences` (hashing a province's consequences took 130–160 ms of every compute). A
   * change made outside the platform is then left to verify-audit to find, rather than recorded
   * here under this writer's name.
   */
  unchangedCompanions?: string[];
}

/**
 * The hash of an entry's own fields, with the configured chain algorithm (SM3 under `CRYPTO_SUITE=sm`);
 * verification passes the algorithm the stored hash names.
 */
export function entryHash(
  e: {
    seq: number;
    at: Date;
    actorId: string | null;
    action: string;
    entityType: string;
    entityId: string;
    data: unknown;
    entityHash: string | null;
    prevHash: string | null;
  },
  algorithm?: ChainAlgorithm,
) {
  // Only the entry's own fields: a row read back also carries `hash` and `seal`, which must not hash itself.
  // The intake statement of survey answers builds this same text in SQL (surveys/intake/).
  return chainDigest(
    canonicalJson({
      seq: e.seq,
      at: e.at.toISOString(),
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      data: e.data ?? null,
      entityHash: e.entityHash ?? null,
      prevHash: e.prevHash ?? null,
    }),
    algorithm,
  );
}

/**
 * Entity types whose entries the `audit_entity` index leaves out (migration 0038: a values import
 * writes a million of them, never looked up one by one), and the index's condition: a query by
 * entity repeats it to use the index (a query on a left-out type scans the log).
 */
export const AUDIT_ENTITY_UNINDEXED = ['actual_value'];
export const AUDIT_ENTITY_INDEXED = sql.raw(`entity_type <> 'actual_value'`);

type Keyed = { type: string; id: string };
const keyOf = (k: Keyed) => `${k.type}:${k.id}`;

/** Latest recorded entity hash of each key (null when it has none). */
async function latestHashes(tx: DbOrTx, keys: Keyed[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (keys.length === 0) return out;
  const indexed = keys.every((k) => !AUDIT_ENTITY_UNINDEXED.includes(k.type));
  const list = await rowsOf<{ entity_type: string; entity_id: string; entity_hash: string }>(
    tx,
    sql`select distinct on (entity_type, entity_id) entity_type, entity_id, entity_hash
        from audit_log l
        join jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(type text, id text)
          on l.entity_type = k.type and l.entity_id = k.id
        where l.entity_hash is not null ${indexed ? sql`and ${AUDIT_ENTITY_INDEXED}` : sql``}
        order by entity_type, entity_id, seq desc`,
  );
  for (const r of list) out.set(`${r.entity_type}:${r.entity_id}`, r.entity_hash);
  return out;
}

/**
 * Entity hashes for entries of covered types that carry neither `entity` nor `entityHash` (read back
 * and hashed now, in the writer's transaction, after its change), plus an entry per companion
 * (a user's roles, a survey's frame…) whose hash changed since its last entry.
 */
async function withSnapshots(tx: DbOrTx, entries: AuditEntryInput[]) {
  const hashes = entries.map((e) =>
    e.entityHash !== undefined ? e.entityHash : e.entity === undefined ? null : entityHash(e.entity),
  );
  const wanted = new Map<string, Set<string>>();
  const want = (type: string, id: string) => {
    const set = wanted.get(type) ?? new Set<string>();
    set.add(id);
    wanted.set(type, set);
  };
  entries.forEach((e, i) => {
    const c = COVERED.get(e.entityType);
    if (!c || !isUuid(e.entityId)) return;
    if (hashes[i] === null) want(c.type, e.entityId);
    for (const companion of c.companions ?? [])
      if (e.companionHashes?.[companion] === undefined && !e.unchangedCompanions?.includes(companion))
        want(companion, e.entityId);
  });
  const given = entries.some((e) => e.companionHashes);
  if (wanted.size === 0 && !given) return { hashes, extra: [] as AuditEntryInput[] };
  const current = new Map<string, string>();
  for (const e of entries)
    for (const [type, hash] of Object.entries(e.companionHashes ?? {}))
      current.set(`${type}:${e.entityId}`, hash);
  for (const [type, ids] of wanted) {
    const found = await COVERED.get(type)!.hashes(tx, [...ids]);
    const none = COVERED.get(type)!.empty ?? ABSENT;
    for (const id of ids) current.set(`${type}:${id}`, found.get(id) ?? none);
  }
  entries.forEach((e, i) => {
    if (hashes[i] === null && COVERED.has(e.entityType) && isUuid(e.entityId))
      hashes[i] = current.get(`${e.entityType}:${e.entityId}`)!;
  });
  // Companions: an entry when they changed (or first exist) since their latest one.
  const companions: (Keyed & { by: AuditEntryInput })[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const c = COVERED.get(e.entityType);
    if (!c || !isUuid(e.entityId)) continue;
    for (const type of c.companions ?? []) {
      if (e.unchangedCompanions?.includes(type)) continue;
      const k = `${type}:${e.entityId}`;
      if (!seen.has(k)) companions.push({ type, id: e.entityId, by: e });
      seen.add(k);
    }
  }
  const latest = await latestHashes(tx, companions);
  const extra: AuditEntryInput[] = [];
  for (const c of companions) {
    const now = current.get(keyOf(c))!;
    const before = latest.get(keyOf(c));
    if (now === before || (now === ABSENT && before === undefined)) continue;
    extra.push({
      actorId: c.by.actorId,
      action: c.by.action,
      entityType: c.type,
      entityId: c.id,
      entityHash: now,
    });
  }
  return { hashes, extra };
}

/** Columns of an appended entry (all: `seal` stays null until a seal covers it). */
const AUDIT_PROPS = [
  'seq',
  'at',
  'actorId',
  'action',
  'entityType',
  'entityId',
  'data',
  'entityHash',
  'prevHash',
  'hash',
] as const satisfies (keyof typeof auditLog.$inferInsert)[];

/** `n` new entry numbers from the log's sequence, ascending. */
export async function nextAuditSeqs(tx: DbOrTx, n: number): Promise<number[]> {
  const rows = await rowsOf<{ seq: string | number }>(
    tx,
    // The sequence looked up once, not per number (the catalog look-up cost 2.4 s of the database's
    // CPU per million numbers, nextval itself 0.35 s).
    sql`with s as materialized (select pg_get_serial_sequence('audit_log', 'seq')::regclass as id)
      select nextval(s.id) as seq from s, generate_series(1, ${n})`,
  );
  return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
}

/**
 * Appends entries inside the caller's transaction (the change and its trace commit together).
 *
 * No lock: entries take their numbers from the column's sequence and each hash covers the entry's own
 * fields; {@link sealAudit} later seals them in batches (Merkle root per seal, seals chained). Under
 * concurrent writers numbers may commit out of order or be skipped by a rollback; a seal lists
 * exactly the numbers it covers. Entries of covered types without `entity` are snapshotted here.
 */
export async function appendAudit(tx: DbOrTx, entries: AuditEntryInput[]): Promise<void> {
  if (entries.length === 0) return;
  const { hashes, extra } = await withSnapshots(tx, entries);
  const all = [...entries, ...extra];
  const allHashes: (string | null)[] = [...hashes, ...extra.map((e) => e.entityHash!)];
  const seqs = await nextAuditSeqs(tx, all.length);
  const at = new Date();
  const rows = all.map((input, i) => {
    const row = {
      seq: seqs[i],
      at,
      actorId: input.actorId,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      data: input.data ?? null,
      entityHash: allHashes[i],
      prevHash: null,
    };
    return { ...row, hash: entryHash(row) };
  });
  // One JSON parameter per 5,000 entries (a compute of a province writes 22,000 of them).
  for (let i = 0; i < rows.length; i += 5000)
    await tx.execute(insertFromJson(auditLog, AUDIT_PROPS, rows.slice(i, i + 5000)));
}
