/**
 * Training material 培训材料 of a cycle, for its raters. The office uploads files (the size limit and type
 * check of value evidence, type sniffed from the bytes) or adds titled links, and removes them; the office,
 * the cycle's staff (unit managers, appraisees, evaluators, verifiers) and anyone holding an evaluation task
 * of the cycle (e.g. a resident on a public panel) list and download them. Material is guidance and feeds no
 * score, so it may still be added after the results are published (a later appeal round or the next cycle's
 * raters read it); the publication freeze does not apply. Every change and every download is audited.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { cycleMaterials, evaluationTasks } from '../../db/schema';
import { hasRole, isOffice, requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { getCycle } from '../cycles/service';
import { EVIDENCE_MAX_BYTES } from '../monitoring/evidence';
import { sniffEvidence } from '../monitoring/sniff';

/** Most pieces of material one cycle holds. */
export const MAX_CYCLE_MATERIALS = 50;

/** The stored row without its content: what lists, uploads and the audit log carry. */
const meta = {
  id: cycleMaterials.id,
  cycleId: cycleMaterials.cycleId,
  kind: cycleMaterials.kind,
  title: cycleMaterials.title,
  url: cycleMaterials.url,
  filename: cycleMaterials.filename,
  mimeType: cycleMaterials.mimeType,
  size: cycleMaterials.size,
  sha256: cycleMaterials.sha256,
  uploadedBy: cycleMaterials.uploadedBy,
  uploadedAt: cycleMaterials.uploadedAt,
};

/** Whether the actor reads the cycle's material: the office, staff roles, or a rater of the cycle. */
async function canRead(db: Db, actor: Actor, cycleId: string) {
  if (isOffice(actor) || hasRole(actor, 'unit_manager', 'appraisee', 'evaluator', 'verifier')) return true;
  const [task] = await db
    .select({ id: evaluationTasks.id })
    .from(evaluationTasks)
    .where(and(eq(evaluationTasks.cycleId, cycleId), eq(evaluationTasks.raterId, actor.id)))
    .limit(1);
  return !!task;
}

async function requireReader(db: Db, actor: Actor | null, cycleId: string) {
  const a = requireActor(actor);
  await getCycle(db, cycleId);
  if (!(await canRead(db, a, cycleId)))
    throw forbidden("The cycle's training material is for its raters, its staff and the performance office");
  return a;
}

/** Material of a cycle, oldest first, with `can.manage` for the office. */
export async function listCycleMaterials(db: Db, actor: Actor | null, cycleId: string) {
  const a = await requireReader(db, actor, cycleId);
  const items = await db
    .select(meta)
    .from(cycleMaterials)
    .where(eq(cycleMaterials.cycleId, cycleId))
    .orderBy(asc(cycleMaterials.uploadedAt), asc(cycleMaterials.id));
  return { items, can: { manage: isOffice(a) } };
}

async function insertMaterial(
  db: Db,
  a: Actor,
  cycleId: string,
  values: Omit<typeof cycleMaterials.$inferInsert, 'cycleId' | 'uploadedBy'>,
) {
  return db.transaction(async (tx) => {
    // The cycle row is locked so that concurrent uploads keep the count.
    await getCycle(tx, cycleId, { forUpdate: true });
    const held = await tx
      .select({ id: cycleMaterials.id })
      .from(cycleMaterials)
      .where(eq(cycleMaterials.cycleId, cycleId));
    if (held.length >= MAX_CYCLE_MATERIALS)
      throw conflict(`A cycle holds at most ${MAX_CYCLE_MATERIALS} pieces of training material`, [
        { path: 'file', message: `${held.length} held` },
      ]);
    const [row] = await tx
      .insert(cycleMaterials)
      .values({ ...values, cycleId, uploadedBy: a.id })
      .returning(meta);
    const { id: _id, uploadedBy: _u, uploadedAt: _t, ...data } = row;
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: row.kind === 'file' ? 'cycle_material.upload' : 'cycle_material.link',
        entityType: 'cycle_material',
        entityId: row.id,
        data,
      },
    ]);
    return row;
  });
}

/** Uploads a training file to a cycle (office). */
export async function uploadCycleMaterial(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  file: { filename: string; content: Buffer },
  title?: string,
) {
  const a = requireOffice(actor, 'Training material');
  await getCycle(db, cycleId);
  if (file.content.length > EVIDENCE_MAX_BYTES)
    throw badRequest(`The file is larger than ${EVIDENCE_MAX_BYTES} bytes`, [
      { path: 'file', message: 'too large' },
    ]);
  const mimeType = sniffEvidence(file.content, file.filename);
  if (!mimeType)
    throw badRequest('Training material must be a PDF, PNG, JPEG, XLSX, DOCX, CSV or plain-text file', [
      { path: 'file', message: 'unsupported file type' },
    ]);
  // eslint-disable-next-line no-control-regex -- strip path separators and control characters
  const filename = file.filename.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || 'material';
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  return insertMaterial(db, a, cycleId, {
    kind: 'file',
    title: title?.trim() || filename,
    filename,
    mimeType,
    size: file.content.length,
    sha256,
    content: file.content,
  });
}

/** Adds a titled link to material held elsewhere (office). */
export async function addCycleMaterialLink(
  db: Db,
  actor: Actor | null,
  cycleId: string,
  body: { title: string; url: string },
) {
  const a = requireOffice(actor, 'Training material');
  await getCycle(db, cycleId);
  return insertMaterial(db, a, cycleId, { kind: 'link', title: body.title, url: body.url });
}

/** Removes a piece of material (office); the audit entry keeps its metadata and hash. */
export async function deleteCycleMaterial(db: Db, actor: Actor | null, id: string) {
  const a = requireOffice(actor, 'Training material');
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(cycleMaterials).where(eq(cycleMaterials.id, id)).returning(meta);
    if (!row) throw notFound('Training material');
    const { id: _id, ...data } = row;
    await appendAudit(tx, [
      { actorId: a.id, action: 'cycle_material.delete', entityType: 'cycle_material', entityId: id, data },
    ]);
    return { ok: true as const };
  });
}

/** One training file with its content, for the cycle's readers; the download is audited. */
export async function downloadCycleMaterial(db: Db, actor: Actor | null, id: string) {
  requireActor(actor);
  const [row] = await db.select().from(cycleMaterials).where(eq(cycleMaterials.id, id)).limit(1);
  if (!row) throw notFound('Training material');
  const a = await requireReader(db, actor, row.cycleId);
  const { content, filename, mimeType } = row;
  if (row.kind !== 'file' || !content || !filename || !mimeType)
    throw badRequest('This material is a link: open its address', [{ path: 'id', message: 'a link' }]);
  await db.transaction((tx) =>
    appendAudit(tx, [
      {
        actorId: a.id,
        action: 'cycle_material.download',
        entityType: 'cycle_material',
        entityId: id,
        data: { cycleId: row.cycleId, sha256: row.sha256 },
      },
    ]),
  );
  return { filename, mimeType, content, sha256: row.sha256 };
}
