import { asc, sql } from 'drizzle-orm';
import { auditLog, auditSeals, evidenceFiles, orgUnits } from '../../db/schema';
import type { Db, DbOrTx } from '../../db/client';
import { algorithmOf } from '../../lib/hash';
import { ABSENT, AUDIT_COVERAGE, COVERED, evidenceMeta } from './coverage';
import { entryHash } from './append';
import { GENESIS, leafOf, merkleRoot, sealHash } from './seal';

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
  return db.transaction((tx) => verifyIn(tx), {
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

async function verifyIn(db: DbOrTx): Promise<AuditReport> {
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
  db: DbOrTx,
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
