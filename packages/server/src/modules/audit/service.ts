import { asc, count, desc, eq, sql } from 'drizzle-orm';
import { auditLog, auditSeals, evidenceFiles, orgUnits, users } from '../../db/schema';
import { rowsOf, type Db, type DbOrTx } from '../../db/client';
import { insertFromJson } from '../../db/bulk';
import {
  algorithmOf,
  canonicalJson,
  chainAlgorithm,
  chainDigest,
  sha256,
  type ChainAlgorithm,
} from '../../lib/hash';
import { copyField } from '../../lib/copy';
import type { Actor, Role } from '../../lib/actor';
import { hasRole, requireActor } from '../../lib/actor';
import { forbidden } from '../../lib/errors';
import { dutiesEnforced } from '../../lib/duties';
import type { AuditAction } from './actions';
import {
  ABSENT,
  AUDIT_COVERAGE,
  COVERED,
  entityHash,
  evidenceMeta,
  isUuid,
  jsonString,
  reportedValueText,
  responseRowHashSql,
} from './coverage';

export { AUDIT_COVERAGE, coverageTable, entityHash, evidenceMeta, planTreeSnapshot } from './coverage';

const GENESIS = '0'.repeat(64);
/** Advisory lock key that keeps two sealers from sealing the same entries. */
const SEAL_LOCK = 727_002;
/** Most entries one seal covers. */
const SEAL_MAX = 20_000;

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
  // The intake statement of survey answers builds this same text in SQL (surveys/intake.ts).
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

type Keyed = { type: string; id: string };
const keyOf = (k: Keyed) => `${k.type}:${k.id}`;

/** Latest recorded entity hash of each key (null when it has none). */
async function latestHashes(tx: DbOrTx, keys: Keyed[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (keys.length === 0) return out;
  const list = await rowsOf<{ entity_type: string; entity_id: string; entity_hash: string }>(
    tx,
    sql`select distinct on (entity_type, entity_id) entity_type, entity_id, entity_hash
        from audit_log l
        join jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(type text, id text)
          on l.entity_type = k.type and l.entity_id = k.id
        where l.entity_hash is not null
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
      if (e.companionHashes?.[companion] === undefined) want(companion, e.entityId);
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
    sql`select nextval(pg_get_serial_sequence('audit_log', 'seq')) as seq from generate_series(1, ${n})`,
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

/**
 * A data-modifying CTE (SQL text) that appends one audit entry per stored survey answer, for the
 * intake statements that store answers in bulk without a round trip of their own: `source` names the
 * CTE of inserted survey_responses rows (all columns). The entity hash is the database's row hash
 * (coverage.ts responseRowHashSql) and the entry hash is {@link entryHash}'s canonical JSON built in
 * SQL (keys in sorted order; `at` truncated to milliseconds like a JavaScript Date), so verify-audit
 * checks these entries like any other. These entry hashes stay SHA-256 under `CRYPTO_SUITE=sm` too (the
 * database has no SM3 function); seals and Merkle roots over them use the configured algorithm.
 */
export function answerAuditCte(source: string): string {
  const text = [
    `'{"action":"survey.answer","actorId":'`,
    `coalesce('"' || s.actor_id::text || '"', 'null')`,
    `',"at":"' || s.at_text`,
    `'","data":null,"entityHash":"' || s.h`,
    `'","entityId":"' || s.id::text`,
    `'","entityType":"survey_response","prevHash":null,"seq":' || s.seq::text || '}'`,
  ].join(' || ');
  return `insert into audit_log (seq, at, actor_id, action, entity_type, entity_id, data, entity_hash, prev_hash, hash)
    select s.seq, s.at, s.actor_id, 'survey.answer', 'survey_response', s.id::text, null, s.h, null,
      encode(sha256(convert_to(${text}, 'UTF8')), 'hex')
    from (select nextval(k.sequence) as seq, k.at, k.at_text, r.interviewer_id as actor_id, r.id,
            ${responseRowHashSql('r')} as h
          from ${source} r,
            -- Once per statement, not per entry: the sequence (by oid) and the time, with its text.
            (select pg_get_serial_sequence('audit_log', 'seq')::regclass as sequence, t.at,
               to_char(t.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at_text
             from (select date_trunc('milliseconds', now()) as at) t) k) s`;
}

/**
 * The `value.report` entry of a value stored by a values import, as {@link appendAudit} would write it
 * with the row as `entity` and `data: { planId, indicatorCode, period, value }`, the actor being the
 * reporter: one line of COPY text for audit_log (columns {@link AUDIT_COPY_COLUMNS}), hashed here
 * as text (the import writes a million of them). `row` as in coverage.ts reportedValueText; `at` is
 * the entry's time as toISOString writes it; the entry hash's algorithm is the configured one.
 */
export function valueReportLine(
  row: Parameters<typeof reportedValueText>[0],
  seq: number,
  at: string,
  algorithm: ChainAlgorithm = chainAlgorithm(),
) {
  const h = sha256(reportedValueText(row));
  const data =
    `{"indicatorCode":${jsonString(row.indicatorCode)},"period":${jsonString(row.period)},` +
    `"planId":"${row.planId}","value":${row.value}}`;
  const hash = chainDigest(
    `{"action":"value.report","actorId":"${row.reportedBy}","at":"${at}","data":${data},` +
      `"entityHash":"${h}","entityId":"${row.id}","entityType":"actual_value","prevHash":null,"seq":${seq}}`,
    algorithm,
  );
  return `${seq}\t${at}\t${row.reportedBy}\tvalue.report\tactual_value\t${row.id}\t${copyField(data)}\t${h}\t\\N\t${hash}\n`;
}

/** audit_log columns of the lines {@link valueReportLine} writes. */
export const AUDIT_COPY_COLUMNS = [
  'seq',
  'at',
  'actor_id',
  'action',
  'entity_type',
  'entity_id',
  'data',
  'entity_hash',
  'prev_hash',
  'hash',
];

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

const leafOf = (e: { seq: number; hash: string }) => `${e.seq}:${e.hash}`;

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

const sealHash = (
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

/**
 * Records the current hash of every covered row that has no audit entry yet (action `audit.baseline`):
 * for the demo seed, which inserts rows in bulk, and once after upgrading a database to a version
 * that covers more tables. Every row written afterwards is covered by its writer's entries.
 */
export async function auditBaseline(db: Db, actorId: string | null): Promise<number> {
  return db.transaction(async (tx) => {
    const entries: AuditEntryInput[] = [];
    for (const c of AUDIT_COVERAGE) {
      const current = await c.hashes(tx);
      const known = new Set(
        (
          await rowsOf<{ entity_id: string }>(
            tx,
            sql`select distinct entity_id from audit_log where entity_type = ${c.type} and entity_hash is not null`,
          )
        ).map((r) => r.entity_id),
      );
      for (const [id, hash] of current)
        if (!known.has(id))
          entries.push({
            actorId,
            action: 'audit.baseline',
            entityType: c.type,
            entityId: id,
            entityHash: hash,
          });
    }
    await appendAudit(tx, entries);
    return entries.length;
  });
}

export interface AuditProblem {
  seq: number | null;
  kind: 'chain' | 'hash' | 'sequence' | 'entity_changed' | 'entity_missing';
  message: string;
  /** For entity problems: the entity type, its tables and the row (or set key). */
  entity?: { type: string; tables: string[]; id: string };
}

/**
 * Checks the log and every covered row:
 * - each entry's hash over its own fields (an entry changed);
 * - seals: each seal's chain link and hash, and that its entries are exactly the numbers it lists with
 *   the Merkle root it recorded (an entry deleted, added or renumbered);
 * - entries of the first design (with prevHash): their global chain;
 * - every covered row (coverage.ts) against its latest entry (a row changed, deleted or inserted
 *   behind the platform's back).
 * Entries not sealed yet are checked by their own hash only (`unsealed` counts them).
 */
export async function verifyAudit(db: Db): Promise<AuditReport> {
  // One snapshot: entries, seals and rows as of the same instant, whatever commits meanwhile.
  return db.transaction((tx) => verifyIn(tx as unknown as Db), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
}

export interface AuditReport {
  ok: boolean;
  checked: number;
  unsealed: number;
  seals: number;
  problems: AuditProblem[];
}

async function verifyIn(db: Db): Promise<AuditReport> {
  const problems: AuditProblem[] = [];
  const latestHash = new Map<string, { seq: number; hash: string | null }>();
  const seals = await db.select().from(auditSeals).orderBy(asc(auditSeals.id));
  const sealById = new Map(seals.map((s) => [s.id, s]));
  let prevSeal = GENESIS;
  for (const s of seals) {
    if (s.prevHash !== prevSeal)
      problems.push({
        seq: null,
        kind: 'chain',
        message: `seal ${s.id}: previous-seal link broken (seal deleted or reordered)`,
      });
    if (sealHash(s, algorithmOf(s.hash)) !== s.hash)
      problems.push({
        seq: null,
        kind: 'chain',
        message: `seal ${s.id} does not match its hash (seal changed)`,
      });
    prevSeal = s.hash;
  }
  const members = new Map<number, { seq: number; hash: string }[]>();
  let prevLegacy = GENESIS;
  let expectedLegacy = 1;
  let checked = 0;
  let unsealed = 0;
  const pageSize = 5000;
  for (let after = -Infinity; ;) {
    const page = await db
      .select()
      .from(auditLog)
      .where(Number.isFinite(after) ? sql`${auditLog.seq} > ${after}` : undefined)
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    for (const e of page) {
      checked += 1;
      if (entryHash(e, algorithmOf(e.hash)) !== e.hash)
        problems.push({
          seq: e.seq,
          kind: 'hash',
          message: 'entry content does not match its hash (entry changed)',
        });
      if (e.prevHash !== null) {
        // The first design: one global chain, numbered without gaps.
        if (e.seq !== expectedLegacy)
          problems.push({
            seq: e.seq,
            kind: 'sequence',
            message: `expected entry ${expectedLegacy}, found ${e.seq}`,
          });
        expectedLegacy = e.seq + 1;
        if (e.prevHash !== prevLegacy)
          problems.push({
            seq: e.seq,
            kind: 'chain',
            message: 'previous-hash link broken (entry deleted or reordered)',
          });
        prevLegacy = e.hash;
      }
      if (e.seal === null) unsealed += 1;
      else {
        const list = members.get(e.seal) ?? [];
        list.push({ seq: e.seq, hash: e.hash });
        members.set(e.seal, list);
      }
      if (e.entityHash !== null)
        latestHash.set(`${e.entityType}:${e.entityId}`, { seq: e.seq, hash: e.entityHash });
      else if (e.action.endsWith('.delete')) latestHash.delete(`${e.entityType}:${e.entityId}`);
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1].seq;
  }
  for (const [id] of members)
    if (!sealById.has(id))
      problems.push({
        seq: members.get(id)![0].seq,
        kind: 'chain',
        message: `entries name seal ${id}, which does not exist`,
      });
  for (const s of seals) {
    const list = members.get(s.id) ?? [];
    // Walk the numbers the seal lists against the entries that name it.
    const expected: number[] = [];
    for (const [a, b] of s.ranges) for (let x = a; x <= b; x++) expected.push(x);
    let j = 0;
    for (const seq of expected) {
      while (j < list.length && list[j].seq < seq) {
        problems.push({
          seq: list[j].seq,
          kind: 'sequence',
          message: `entry ${list[j].seq} is not one seal ${s.id} lists (entry added or renumbered)`,
        });
        j++;
      }
      if (j < list.length && list[j].seq === seq) j++;
      else
        problems.push({
          seq: list[j]?.seq ?? seq,
          kind: 'sequence',
          message: `expected entry ${seq} (sealed in seal ${s.id}), found ${list[j]?.seq ?? 'none'} (entry deleted or renumbered)`,
        });
    }
    for (; j < list.length; j++)
      problems.push({
        seq: list[j].seq,
        kind: 'sequence',
        message: `entry ${list[j].seq} is not one seal ${s.id} lists (entry added or renumbered)`,
      });
    if (list.length !== s.count || merkleRoot(list.map(leafOf), algorithmOf(s.root)) !== s.root)
      problems.push({
        seq: list[0]?.seq ?? null,
        kind: 'chain',
        message: `seal ${s.id}: the Merkle root of its ${list.length} entries does not match the one sealed over ${s.count} (entry deleted, added, renumbered or changed)`,
      });
  }
  await checkEntities(db, latestHash, problems);
  return { ok: problems.length === 0, checked, unsealed, seals: seals.length, problems };
}

/**
 * Compares every covered row (coverage.ts) with the hash of its latest audit entry: one query per
 * entity type. A row changed, deleted or inserted by SQL behind the platform is a problem naming its
 * type, tables and id.
 */
async function checkEntities(
  db: Db,
  latest: Map<string, { seq: number; hash: string | null }>,
  problems: AuditProblem[],
) {
  const current = new Map<string, string>();
  for (const c of AUDIT_COVERAGE) for (const [id, h] of await c.hashes(db)) current.set(`${c.type}:${id}`, h);
  // Entries recorded under an earlier hash definition are checked with that definition.
  const legacyKeys = new Set<string>();
  const legacyIds = new Map<string, string[]>();
  for (const [key, entry] of latest) {
    const type = key.slice(0, key.indexOf(':'));
    const c = COVERED.get(type);
    const h = entry.hash;
    if (!c?.legacy || h === null || h === ABSENT || h === c.empty || h.startsWith(c.legacy.prefix)) continue;
    legacyKeys.add(key);
    const ids = legacyIds.get(type) ?? [];
    ids.push(key.slice(type.length + 1));
    legacyIds.set(type, ids);
  }
  const legacyNow = new Map<string, string>();
  for (const [type, ids] of legacyIds)
    for (const [id, h] of await COVERED.get(type)!.legacy!.hashes(db, ids)) legacyNow.set(`${type}:${id}`, h);
  // The content is hashed by the database, so files never travel to the verifier.
  const files = await db
    .select({
      id: evidenceMeta.id,
      sha256: evidenceMeta.sha256,
      contentSha256: sql<string>`encode(sha256(${evidenceFiles.content}), 'hex')`,
    })
    .from(evidenceFiles);
  for (const f of files)
    if (f.contentSha256 !== f.sha256)
      problems.push({
        seq: latest.get(`evidence_file:${f.id}`)?.seq ?? null,
        kind: 'entity_changed',
        message: `evidence_file:${f.id} content does not match its SHA-256 (changed outside the platform)`,
        entity: { type: 'evidence_file', tables: ['evidence_files'], id: f.id },
      });
  // Paths scope every permission: each must be its parent's path followed by its own code.
  const units = await db
    .select({ id: orgUnits.id, code: orgUnits.code, parentId: orgUnits.parentId, path: orgUnits.path })
    .from(orgUnits);
  const unitById = new Map(units.map((u) => [u.id, u]));
  for (const u of units) {
    const parent = u.parentId ? unitById.get(u.parentId) : undefined;
    const expected = `${parent ? parent.path : '/'}${u.code}/`;
    if (u.path !== expected)
      problems.push({
        seq: latest.get(`org_unit:${u.id}`)?.seq ?? null,
        kind: 'entity_changed',
        message: `org_unit:${u.id} path ${u.path} is not its parent's path and code (${expected}): changed outside the platform`,
        entity: { type: 'org_unit', tables: ['org_units'], id: u.id },
      });
  }
  const describe = (key: string) => {
    const i = key.indexOf(':');
    const type = key.slice(0, i);
    const c = COVERED.get(type)!;
    const id = key.slice(i + 1);
    // The message keeps the form `type:id …`; `entity` names the tables (the CLI prints them).
    return { entity: { type, tables: c.tables, id }, label: key };
  };
  for (const [key, entry] of latest) {
    const type = key.slice(0, key.indexOf(':'));
    const c = COVERED.get(type);
    if (!c) continue;
    const now = (legacyKeys.has(key) ? legacyNow : current).get(key) ?? c.empty;
    const { entity, label } = describe(key);
    if (entry.hash === ABSENT) {
      if (now !== undefined)
        problems.push({
          seq: entry.seq,
          kind: 'entity_changed',
          message: `${label} was written outside the platform (recorded as absent)`,
          entity,
        });
    } else if (now === undefined)
      problems.push({
        seq: entry.seq,
        kind: 'entity_missing',
        message: `${label} was deleted outside the platform`,
        entity,
      });
    else if (now !== entry.hash)
      problems.push({
        seq: entry.seq,
        kind: 'entity_changed',
        message: `${label} was changed outside the platform`,
        entity,
      });
  }
  for (const key of current.keys())
    if (!latest.has(key) && !COVERED.get(key.slice(0, key.indexOf(':')))!.entryOptional) {
      const { entity, label } = describe(key);
      problems.push({
        seq: null,
        kind: 'entity_changed',
        message: `${label} has no audit entry (written outside the platform)`,
        entity,
      });
    }
}

/**
 * Who reads the audit log and its verification. In production (`NODE_ENV=production`, where the
 * separation of duties is enforced: `lib/duties.ts`) the audit administrator only (三员分立: the office
 * and the system administrator, whose actions the log records, do not read it). Outside production
 * (development, the demo city, tests) the performance office and the administrator read it too, beside
 * the demo's `auditor`: a convenience for trying the demo and checking the chain in tests — the same
 * switch (`dutiesEnforced`) that lets the demo combine duty roles.
 * Nobody can alter the log through the API.
 */
export const auditReaderRoles = (): Role[] =>
  dutiesEnforced() ? ['audit_admin'] : ['audit_admin', 'office', 'admin'];

/** Whether the actor reads the audit log (sent to the console as `canReadAudit`). */
export const canReadAudit = (actor: Actor | null) => hasRole(actor, ...auditReaderRoles());

export function requireAuditReader(actor: Actor | null, what: string): Actor {
  const a = requireActor(actor);
  if (!canReadAudit(a))
    throw forbidden(
      dutiesEnforced()
        ? `${what} is for the audit administrator`
        : `${what} is for the audit administrator and the performance office`,
    );
  return a;
}

/** Lists the log, newest first (see {@link requireAuditReader}). */

export async function listAudit(db: Db, actor: Actor | null, opts: { limit: number; offset: number }) {
  requireAuditReader(actor, 'The audit log');
  const items = await db
    .select({
      seq: auditLog.seq,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorName: users.displayName,
      actorNameEn: users.displayNameEn,
      action: auditLog.action,
      entityType: auditLog.entityType,
      entityId: auditLog.entityId,
      data: auditLog.data,
      entityHash: auditLog.entityHash,
      prevHash: auditLog.prevHash,
      hash: auditLog.hash,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .orderBy(desc(auditLog.seq))
    .limit(opts.limit)
    .offset(opts.offset);
  const [{ total }] = await db.select({ total: count() }).from(auditLog);
  return { items, total };
}
