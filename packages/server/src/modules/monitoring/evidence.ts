import { createHash } from 'node:crypto';
import { EVIDENCE_MAX_BYTES } from '@perfcommons/contracts';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { actualValues, evidenceFiles } from '../../db/schema';
import { requireActor, type Actor } from '../../lib/actor';
import { badRequest, notFound } from '../../lib/errors';
import { appendAudit, evidenceMeta as meta } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { assertCanReadPlan, assertCanReport, loadPlanScope } from '../plans/access';
import { sniffEvidence } from './sniff';

/** Largest evidence file stored (the multipart plugin refuses larger uploads with 413). */
export { EVIDENCE_MAX_BYTES };

type EvidenceRow = typeof evidenceFiles.$inferSelect;
export type EvidenceMeta = Omit<EvidenceRow, 'content'>;

async function valueScope(db: Db, valueId: string) {
  const [v] = await db.select().from(actualValues).where(eq(actualValues.id, valueId)).limit(1);
  if (!v) throw notFound('Value');
  return { value: v, scope: await loadPlanScope(db, v.planId) };
}

/** Stores an evidence file for a reported value: who may report the value may attach evidence. */
export async function uploadEvidence(
  db: Db,
  actor: Actor | null,
  valueId: string,
  file: { filename: string; content: Buffer },
): Promise<EvidenceMeta> {
  requireActor(actor);
  const { scope } = await valueScope(db, valueId);
  const a = assertCanReport(actor, scope);
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
    await assertCycleNotPublished(tx, scope.plan.cycleId);
    const [row] = await tx
      .insert(evidenceFiles)
      .values({
        valueId,
        planId: scope.plan.id,
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
        action: 'evidence.upload',
        entityType: 'evidence_file',
        entityId: row.id,
        data: { valueId, planId: scope.plan.id, filename, mimeType, size: row.size, sha256 },
        entity: row,
      },
    ]);
    return row;
  });
}

/** Evidence files of a value (metadata only), for whoever may read the plan. */
export async function listEvidence(db: Db, actor: Actor | null, valueId: string): Promise<EvidenceMeta[]> {
  requireActor(actor);
  const { scope } = await valueScope(db, valueId);
  await assertCanReadPlan(db, actor, scope);
  return db
    .select(meta)
    .from(evidenceFiles)
    .where(eq(evidenceFiles.valueId, valueId))
    .orderBy(asc(evidenceFiles.uploadedAt));
}

/** One file with its content; reading it is audited (evidence may hold personal data). */
export async function downloadEvidence(db: Db, actor: Actor | null, id: string): Promise<EvidenceRow> {
  requireActor(actor);
  const [row] = await db.select().from(evidenceFiles).where(eq(evidenceFiles.id, id)).limit(1);
  if (!row) throw notFound('Evidence file');
  const a = await assertCanReadPlan(db, actor, await loadPlanScope(db, row.planId));
  await db.transaction((tx) =>
    appendAudit(tx, [
      {
        actorId: a.id,
        action: 'evidence.download',
        entityType: 'evidence_file',
        entityId: id,
        data: { sha256: row.sha256 },
      },
    ]),
  );
  return row;
}
