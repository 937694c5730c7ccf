import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { appealFiles, appeals } from '../../db/schema';
import { isOffice, requireActor, type Actor } from '../../lib/actor';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { EVIDENCE_MAX_BYTES } from '../monitoring/evidence';
import { sniffEvidence } from '../monitoring/sniff';
import { loadPlanScope } from '../plans/access';
import { appealIsOpen, isAppraiseeSide } from './service';

/** Most files one appeal holds. */
export const MAX_APPEAL_FILES = 20;

/** The stored row without its content: what lists, uploads and the audit log carry. */
const meta = {
  id: appealFiles.id,
  appealId: appealFiles.appealId,
  filename: appealFiles.filename,
  mimeType: appealFiles.mimeType,
  size: appealFiles.size,
  sha256: appealFiles.sha256,
  uploadedBy: appealFiles.uploadedBy,
  uploadedAt: appealFiles.uploadedAt,
};

/**
 * The appeal and whether the actor is a party to it: its appellant, the appraisee side of its plan (the
 * cadre, managers of the unit or above), or the office. Others get 403, as for the appeal itself.
 */
async function partyTo(db: Db, actor: Actor | null, appealId: string) {
  const a = requireActor(actor);
  const [appeal] = await db.select().from(appeals).where(eq(appeals.id, appealId)).limit(1);
  if (!appeal) throw notFound('Appeal');
  const party =
    isOffice(a) || appeal.appellantId === a.id || isAppraiseeSide(a, await loadPlanScope(db, appeal.planId));
  if (!party) throw forbidden('Only the parties to the appeal and the performance office see its evidence');
  return { actor: a, appeal };
}

/**
 * Attaches an evidence file to a pending appeal: the same size limit and type check (by the file's bytes) as
 * a value's evidence. Parties to the appeal and the office attach; once decided, the file set is closed.
 */
export async function uploadAppealFile(
  db: Db,
  actor: Actor | null,
  appealId: string,
  file: { filename: string; content: Buffer },
) {
  const { actor: a, appeal } = await partyTo(db, actor, appealId);
  if (!appealIsOpen(appeal))
    throw conflict(`The appeal was already ${appeal.status}; its evidence is closed`, [
      { path: 'status', message: `current: ${appeal.status}` },
    ]);
  if (file.content.length > EVIDENCE_MAX_BYTES)
    throw badRequest(`The file is larger than ${EVIDENCE_MAX_BYTES} bytes`, [
      { path: 'file', message: 'too large' },
    ]);
  const mimeType = sniffEvidence(file.content, file.filename);
  if (!mimeType)
    throw badRequest('Evidence must be a PDF, PNG, JPEG, XLSX, DOCX, CSV or plain-text file', [
      { path: 'file', message: 'unsupported file type' },
    ]);
  // eslint-disable-next-line no-control-regex -- strip path separators and control characters
  const filename = file.filename.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || 'evidence';
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  return db.transaction(async (tx) => {
    // The appeal row is locked: a decision and an upload do not cross, and the count holds.
    const [now] = await tx.select().from(appeals).where(eq(appeals.id, appealId)).for('update');
    if (!appealIsOpen(now))
      throw conflict(`The appeal was already ${now.status}; its evidence is closed`, [
        { path: 'status', message: `current: ${now.status}` },
      ]);
    const held = await tx
      .select({ id: appealFiles.id })
      .from(appealFiles)
      .where(eq(appealFiles.appealId, appealId));
    if (held.length >= MAX_APPEAL_FILES)
      throw conflict(`An appeal holds at most ${MAX_APPEAL_FILES} files`, [
        { path: 'file', message: `${held.length} files attached` },
      ]);
    const [row] = await tx
      .insert(appealFiles)
      .values({
        appealId,
        filename,
        mimeType,
        size: file.content.length,
        sha256,
        content: file.content,
        uploadedBy: a.id,
      })
      .returning(meta);
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'appeal.evidence.upload',
        entityType: 'appeal_file',
        entityId: row.id,
        data: { appealId, filename, mimeType, size: row.size, sha256 },
      },
    ]);
    return row;
  });
}

/** Evidence files of an appeal (metadata), for its parties and the office. */
export async function listAppealFiles(db: Db, actor: Actor | null, appealId: string) {
  await partyTo(db, actor, appealId);
  return db
    .select(meta)
    .from(appealFiles)
    .where(eq(appealFiles.appealId, appealId))
    .orderBy(asc(appealFiles.uploadedAt));
}

/** One file with its content, for the appeal's parties and the office; the download is audited. */
export async function downloadAppealFile(db: Db, actor: Actor | null, id: string) {
  requireActor(actor);
  const [row] = await db.select().from(appealFiles).where(eq(appealFiles.id, id)).limit(1);
  if (!row) throw notFound('Appeal file');
  const { actor: a } = await partyTo(db, actor, row.appealId);
  await db.transaction((tx) =>
    appendAudit(tx, [
      {
        actorId: a.id,
        action: 'appeal.evidence.download',
        entityType: 'appeal_file',
        entityId: id,
        data: { appealId: row.appealId, sha256: row.sha256 },
      },
    ]),
  );
  return row;
}
