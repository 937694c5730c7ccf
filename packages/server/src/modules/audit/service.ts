import { asc, count, desc, eq, sql } from 'drizzle-orm';
import {
  auditLog,
  actualValues,
  correctionTasks,
  cyclePreconditionOverrides,
  earlyWarnings,
  evidenceFiles,
  indicatorNodes,
  planRevisions,
  planSignoffs,
  plans,
  ratings,
  results,
  users,
} from '../../db/schema';
import type { Db, DbOrTx } from '../../db/client';
import { canonicalJson, sha256 } from '../../lib/hash';
import type { Actor } from '../../lib/actor';
import { requireOffice } from '../../lib/actor';

const GENESIS = '0'.repeat(64);
/** Advisory lock key that serialises appends, so the chain never forks under concurrency. */
const AUDIT_LOCK = 727_001;

export interface AuditEntryInput {
  actorId: string | null;
  action: string;
  entityType: AuditedEntity | string;
  entityId: string;
  /** What changed, for people reading the log. */
  data?: unknown;
  /** The row as stored after the change; its hash lets verify-audit notice later edits. */
  entity?: unknown;
  /**
   * Instead of `entity`: its hash, already computed as {@link entityHash} would (a caller that has
   * serialised a large row once passes the hash rather than the row).
   */
  entityHash?: string;
}

/** Hash of an audited row as the platform stored it. */
export const entityHash = (row: unknown) => sha256(canonicalJson(row));

function entryHash(e: {
  seq: number;
  at: Date;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
  entityHash: string | null;
  prevHash: string;
}) {
  // Only the entry's own fields: a row read back also carries `hash`, which must not hash itself.
  return sha256(
    canonicalJson({
      seq: e.seq,
      at: e.at.toISOString(),
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      data: e.data ?? null,
      entityHash: e.entityHash ?? null,
      prevHash: e.prevHash,
    }),
  );
}

/**
 * Appends entries inside the caller's transaction (the change and its trace commit together).
 * Entries get consecutive sequence numbers and each carries the previous entry's hash.
 */
export async function appendAudit(tx: DbOrTx, entries: AuditEntryInput[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  let prevHash = last?.hash ?? GENESIS;
  let seq = last?.seq ?? 0;
  const at = new Date();
  const rows = entries.map((input) => {
    seq += 1;
    const row = {
      seq,
      at,
      actorId: input.actorId,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      data: input.data ?? null,
      entityHash: input.entityHash ?? (input.entity === undefined ? null : entityHash(input.entity)),
      prevHash,
    };
    const hash = entryHash(row);
    prevHash = hash;
    return { ...row, hash };
  });
  for (let i = 0; i < rows.length; i += 500) await tx.insert(auditLog).values(rows.slice(i, i + 500));
}

/** Tables whose rows are checked against their last audit entry. */
export const AUDITED_ENTITIES = [
  'plan',
  'plan_tree',
  'actual_value',
  'rating',
  'result',
  'early_warning',
  'correction_task',
  'plan_signoff',
  'plan_revision',
  'evidence_file',
  'cycle_override',
] as const;
export type AuditedEntity = (typeof AUDITED_ENTITIES)[number];
const audited = new Set<string>(AUDITED_ENTITIES);

/**
 * The audited row of an evidence file: its metadata, content excluded (the stored `sha256` stands for
 * the content; verify-audit checks the content against it in the database).
 */
export const evidenceMeta = {
  id: evidenceFiles.id,
  valueId: evidenceFiles.valueId,
  planId: evidenceFiles.planId,
  filename: evidenceFiles.filename,
  mimeType: evidenceFiles.mimeType,
  size: evidenceFiles.size,
  sha256: evidenceFiles.sha256,
  uploadedBy: evidenceFiles.uploadedBy,
  uploadedAt: evidenceFiles.uploadedAt,
};

/** The audited snapshot of a plan's tree: its nodes in a stable order. */
export async function planTreeSnapshot(tx: DbOrTx, planId: string) {
  return tx
    .select()
    .from(indicatorNodes)
    .where(eq(indicatorNodes.planId, planId))
    .orderBy(asc(indicatorNodes.code));
}

export interface AuditProblem {
  seq: number | null;
  kind: 'chain' | 'hash' | 'sequence' | 'entity_changed' | 'entity_missing';
  message: string;
}

/** Checks the chain (changed, deleted or reordered entries) and every audited row against its last entry. */
export async function verifyAudit(
  db: Db,
): Promise<{ ok: boolean; checked: number; problems: AuditProblem[] }> {
  const problems: AuditProblem[] = [];
  const latestHash = new Map<string, { seq: number; hash: string | null }>();
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let checked = 0;
  const pageSize = 5000;
  for (let offset = 0; ; offset += pageSize) {
    const page = await db.select().from(auditLog).orderBy(asc(auditLog.seq)).limit(pageSize).offset(offset);
    for (const e of page) {
      checked += 1;
      if (e.seq !== expectedSeq)
        problems.push({
          seq: e.seq,
          kind: 'sequence',
          message: `expected entry ${expectedSeq}, found ${e.seq}`,
        });
      expectedSeq = e.seq + 1;
      if (e.prevHash !== prevHash)
        problems.push({
          seq: e.seq,
          kind: 'chain',
          message: 'previous-hash link broken (entry deleted or reordered)',
        });
      const recomputed = entryHash(e);
      if (recomputed !== e.hash)
        problems.push({
          seq: e.seq,
          kind: 'hash',
          message: 'entry content does not match its hash (entry changed)',
        });
      prevHash = e.hash;
      if (e.entityHash !== null)
        latestHash.set(`${e.entityType}:${e.entityId}`, { seq: e.seq, hash: e.entityHash });
      else if (e.action.endsWith('.delete')) latestHash.delete(`${e.entityType}:${e.entityId}`);
    }
    if (page.length < pageSize) break;
  }
  await checkEntities(db, latestHash, problems);
  return { ok: problems.length === 0, checked, problems };
}

/**
 * Compares every row of the audited tables with the hash of its latest audit entry: one query per
 * table. A row changed, deleted or inserted by SQL behind the platform is a problem naming its type and id.
 */
async function checkEntities(
  db: Db,
  latest: Map<string, { seq: number; hash: string | null }>,
  problems: AuditProblem[],
) {
  const current = new Map<string, string>();
  const put = (type: AuditedEntity, rows: { id: string }[]) => {
    for (const r of rows) current.set(`${type}:${r.id}`, entityHash(r));
  };
  put('plan', await db.select().from(plans));
  put('actual_value', await db.select().from(actualValues));
  put('rating', await db.select().from(ratings));
  put('result', await db.select().from(results));
  put('early_warning', await db.select().from(earlyWarnings));
  put('correction_task', await db.select().from(correctionTasks));
  put('plan_signoff', await db.select().from(planSignoffs));
  put('plan_revision', await db.select().from(planRevisions));
  put('cycle_override', await db.select().from(cyclePreconditionOverrides));
  // The content is hashed by the database, so files never travel to the verifier.
  const files = await db
    .select({ ...evidenceMeta, contentSha256: sql<string>`encode(sha256(${evidenceFiles.content}), 'hex')` })
    .from(evidenceFiles);
  for (const { contentSha256, ...meta } of files) {
    current.set(`evidence_file:${meta.id}`, entityHash(meta));
    if (contentSha256 !== meta.sha256)
      problems.push({
        seq: latest.get(`evidence_file:${meta.id}`)?.seq ?? null,
        kind: 'entity_changed',
        message: `evidence_file:${meta.id} content does not match its SHA-256 (changed outside the platform)`,
      });
  }
  const nodes = await db.select().from(indicatorNodes).orderBy(asc(indicatorNodes.code));
  const byPlan = new Map<string, (typeof nodes)[number][]>();
  for (const n of nodes) byPlan.set(n.planId, [...(byPlan.get(n.planId) ?? []), n]);
  for (const [planId, list] of byPlan) current.set(`plan_tree:${planId}`, entityHash(list));

  for (const [key, entry] of latest) {
    const type = key.slice(0, key.indexOf(':'));
    if (!audited.has(type)) continue;
    const now = current.get(key) ?? (type === 'plan_tree' ? entityHash([]) : undefined);
    if (now === undefined)
      problems.push({
        seq: entry.seq,
        kind: 'entity_missing',
        message: `${key} was deleted outside the platform`,
      });
    else if (now !== entry.hash)
      problems.push({
        seq: entry.seq,
        kind: 'entity_changed',
        message: `${key} was changed outside the platform`,
      });
  }
  for (const key of current.keys()) {
    if (!latest.has(key) && !key.startsWith('plan_tree:'))
      problems.push({
        seq: null,
        kind: 'entity_changed',
        message: `${key} has no audit entry (written outside the platform)`,
      });
  }
}

/** Lists the log, newest first; office and admin only. */
export async function listAudit(db: Db, actor: Actor | null, opts: { limit: number; offset: number }) {
  requireOffice(actor, 'The audit log');
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
