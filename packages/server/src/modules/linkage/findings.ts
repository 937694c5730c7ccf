import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { FindingKind } from '@perfcommons/domain';
import type { Db, DbOrTx } from '../../db/client';
import { indicatorNodes, orgUnits, plans } from '../../db/schema';
import { linkageFindings } from '../../db/schema-linkage';
import { findingMeta } from './meta';
import { isOffice, requireActor, requireOffice, type Actor } from '../../lib/actor';
import { badRequest, conflict, notFound } from '../../lib/errors';
import { appendAudit } from '../audit/service';
import { assertCycleNotPublished } from '../cycles/freeze';
import { sniffEvidence } from '../monitoring/sniff';
import { EVIDENCE_MAX_BYTES } from '../monitoring/evidence';
import { canReadPlanSync, loadPlanScope } from '../plans/access';

type FindingRow = typeof linkageFindings.$inferSelect;

type FindingMeta = Omit<FindingRow, 'fileContent'>;

export interface FindingInput {
  planId: string;
  indicatorCode: string;
  kind: FindingKind;
  docTitle: string;
  docNumber: string;
  docDate: string;
  description: string;
  points: number;
}

function present(
  f: FindingMeta,
  unit: { orgUnitId: string; name: string; nameEn: string | null },
  actor: Actor | null,
  published: boolean,
) {
  const office = isOffice(actor) && !published;
  return {
    id: f.id,
    cycleId: f.cycleId,
    planId: f.planId,
    orgUnitId: unit.orgUnitId,
    unitName: unit.name,
    unitNameEn: unit.nameEn,
    indicatorCode: f.indicatorCode,
    kind: f.kind,
    docTitle: f.docTitle,
    docNumber: f.docNumber,
    docDate: f.docDate,
    description: f.description,
    points: f.points,
    status: f.status,
    withdrawnReason: f.withdrawnReason,
    withdrawnAt: f.withdrawnAt,
    file: f.fileName
      ? { name: f.fileName, mimeType: f.fileMime!, size: f.fileSize!, sha256: f.fileSha256! }
      : null,
    createdAt: f.createdAt,
    can: { withdraw: office && f.status === 'active', attach: office && f.status === 'active' },
  };
}

async function loadFinding(db: DbOrTx, id: string) {
  const [f] = await db.select(findingMeta).from(linkageFindings).where(eq(linkageFindings.id, id)).limit(1);
  if (!f) throw notFound('Finding');
  return f;
}

async function unitOfPlan(db: DbOrTx, planId: string) {
  const [u] = await db
    .select({ orgUnitId: orgUnits.id, name: orgUnits.name, nameEn: orgUnits.nameEn })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .where(eq(plans.id, planId));
  return u;
}

/**
 * Records a finding against an appraisee's plan in the cycle (the office): its points go to the plan's
 * deduction item `indicatorCode` while the finding is active, so the next compute of the cycle's
 * results deducts them (capped by the item's weight) and the breakdown names the source document.
 */
export async function recordFinding(db: Db, actor: Actor | null, cycleId: string, input: FindingInput) {
  const a = requireOffice(actor, 'Recording findings of audit, inspection and finance');
  return db.transaction(async (tx) => {
    const scope = await loadPlanScope(tx, input.planId);
    if (scope.plan.cycleId !== cycleId)
      throw badRequest('The plan belongs to another cycle', [
        { path: 'planId', message: 'not in this cycle' },
      ]);
    await assertCycleNotPublished(tx, cycleId);
    const [node] = await tx
      .select({ kind: indicatorNodes.kind, rule: indicatorNodes.rule })
      .from(indicatorNodes)
      .where(and(eq(indicatorNodes.planId, input.planId), eq(indicatorNodes.code, input.indicatorCode)));
    if (!node || node.kind !== 'deduction')
      throw badRequest('Findings deduct through a deduction item of the plan', [
        {
          path: 'indicatorCode',
          message: node
            ? `${input.indicatorCode} is not a deduction item`
            : `no ${input.indicatorCode} in the plan`,
        },
      ]);
    // Points add up: an item scored by an attainment rule (pass/fail …) cannot take them.
    if (node.rule && node.rule.type !== 'perUnit')
      throw badRequest('Findings deduct through an item counted in points', [
        { path: 'indicatorCode', message: `${input.indicatorCode} is scored by a ${node.rule.type} rule` },
      ]);
    const [row] = await tx
      .insert(linkageFindings)
      .values({ ...input, cycleId, createdBy: a.id })
      .returning(findingMeta);
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'finding.record',
        entityType: 'linkage_finding',
        entityId: row.id,
        data: {
          planId: row.planId,
          indicatorCode: row.indicatorCode,
          kind: row.kind,
          docNumber: row.docNumber,
          points: row.points,
        },
        entity: row,
      },
    ]);
    return present(row, await unitOfPlan(tx, row.planId), a, false);
  });
}

/** Withdraws a finding with a reason (the office): it deducts nothing from then on; never deleted. */
export async function withdrawFinding(db: Db, actor: Actor | null, id: string, reason: string) {
  const a = requireOffice(actor, 'Withdrawing findings');
  return db.transaction(async (tx) => {
    const f = await loadFinding(tx, id);
    await assertCycleNotPublished(tx, f.cycleId);
    if (f.status !== 'active')
      throw conflict('The finding is already withdrawn', [{ path: 'status', message: f.status }]);
    const [row] = await tx
      .update(linkageFindings)
      .set({ status: 'withdrawn', withdrawnReason: reason, withdrawnBy: a.id, withdrawnAt: new Date() })
      .where(and(eq(linkageFindings.id, id), eq(linkageFindings.status, 'active')))
      .returning(findingMeta);
    if (!row)
      throw conflict('The finding was withdrawn meanwhile', [{ path: 'status', message: 'withdrawn' }]);
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'finding.withdraw',
        entityType: 'linkage_finding',
        entityId: id,
        data: { reason, points: row.points, planId: row.planId },
        entity: row,
      },
    ]);
    return present(row, await unitOfPlan(tx, row.planId), a, false);
  });
}

/** Attaches the source document's file to an active finding (PDF, image, Office file or text; 5 MB). */
export async function attachFindingFile(
  db: Db,
  actor: Actor | null,
  id: string,
  file: { filename: string; content: Buffer },
) {
  const a = requireOffice(actor, 'Recording findings of audit, inspection and finance');
  if (file.content.length > EVIDENCE_MAX_BYTES)
    throw badRequest(`The file is larger than ${EVIDENCE_MAX_BYTES} bytes`, [
      { path: 'file', message: 'too large' },
    ]);
  const mimeType = sniffEvidence(file.content, file.filename);
  if (!mimeType)
    throw badRequest('The document must be a PDF, PNG, JPEG, XLSX, DOCX, CSV or plain-text file', [
      { path: 'file', message: 'unsupported file type' },
    ]);
  // eslint-disable-next-line no-control-regex -- strip path separators and control characters
  const filename = file.filename.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || 'document';
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  return db.transaction(async (tx) => {
    const f = await loadFinding(tx, id);
    await assertCycleNotPublished(tx, f.cycleId);
    if (f.status !== 'active')
      throw conflict('The finding is withdrawn', [{ path: 'status', message: f.status }]);
    const [row] = await tx
      .update(linkageFindings)
      .set({
        fileName: filename,
        fileMime: mimeType,
        fileSize: file.content.length,
        fileSha256: sha256,
        fileContent: file.content,
      })
      .where(eq(linkageFindings.id, id))
      .returning(findingMeta);
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'finding.attach',
        entityType: 'linkage_finding',
        entityId: id,
        data: { filename, mimeType, size: file.content.length, sha256 },
        entity: row,
      },
    ]);
    return present(row, await unitOfPlan(tx, row.planId), a, false);
  });
}

/** The source document of a finding, for whoever may read the finding. */
export async function getFindingFile(db: Db, actor: Actor | null, id: string) {
  const a = requireActor(actor);
  const f = await loadFinding(db, id);
  const scope = await loadPlanScope(db, f.planId);
  if (!canReadPlanSync(a, { ...scope, plan: scope.plan })) throw notFound('Finding');
  const [row] = await db
    .select({
      content: linkageFindings.fileContent,
      name: linkageFindings.fileName,
      mime: linkageFindings.fileMime,
    })
    .from(linkageFindings)
    .where(eq(linkageFindings.id, id));
  if (!row?.content) throw notFound('File');
  // A download of an official document is a security event (MLPS: exports and downloads are logged).
  await appendAudit(db, [
    {
      actorId: a.id,
      action: 'finding.file.download',
      entityType: 'linkage_finding_file',
      entityId: id,
      data: { planId: f.planId, bytes: row.content.length },
    },
  ]);
  return { content: row.content, filename: row.name!, mimeType: row.mime! };
}

/**
 * Findings of a cycle: the office reads all, anyone else those against the plans they may read (a
 * unit its own). Newest first.
 */
export async function listFindings(db: Db, actor: Actor | null, cycleId: string, q: { planId?: string }) {
  const a = requireActor(actor);
  const rows = await db
    .select({
      f: findingMeta,
      orgUnitId: orgUnits.id,
      name: orgUnits.name,
      nameEn: orgUnits.nameEn,
      path: orgUnits.path,
      ownerId: plans.ownerId,
      published: sql<boolean>`(select results_published_at is not null from cycles where id = ${cycleId})`,
    })
    .from(linkageFindings)
    .innerJoin(plans, eq(plans.id, linkageFindings.planId))
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .where(
      and(eq(linkageFindings.cycleId, cycleId), q.planId ? eq(linkageFindings.planId, q.planId) : undefined),
    )
    .orderBy(desc(linkageFindings.createdAt));
  return rows
    .filter((r) => canReadPlanSync(a, { orgPath: r.path, personUserId: null, plan: { ownerId: r.ownerId } }))
    .map((r) => present(r.f, r, a, r.published));
}

/**
 * The cycle's plans with their deduction items, for the finding form (the office).
 */
export async function findingTargets(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Recording findings of audit, inspection and finance');
  const rows = await db
    .select({
      planId: plans.id,
      title: plans.title,
      titleEn: plans.titleEn,
      unitName: orgUnits.name,
      unitNameEn: orgUnits.nameEn,
      code: indicatorNodes.code,
      name: indicatorNodes.name,
      nameEn: indicatorNodes.nameEn,
      weight: indicatorNodes.weight,
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .innerJoin(indicatorNodes, and(eq(indicatorNodes.planId, plans.id), eq(indicatorNodes.kind, 'deduction')))
    .where(eq(plans.cycleId, cycleId))
    .orderBy(asc(orgUnits.code), asc(plans.title), asc(indicatorNodes.code));
  const byPlan = new Map<
    string,
    {
      planId: string;
      title: string;
      titleEn: string | null;
      unitName: string;
      unitNameEn: string | null;
      items: { code: string; name: string; nameEn: string | null; weight: number }[];
    }
  >();
  for (const r of rows) {
    let p = byPlan.get(r.planId);
    if (!p)
      byPlan.set(
        r.planId,
        (p = {
          planId: r.planId,
          title: r.title,
          titleEn: r.titleEn,
          unitName: r.unitName,
          unitNameEn: r.unitNameEn,
          items: [],
        }),
      );
    p.items.push({ code: r.code, name: r.name, nameEn: r.nameEn, weight: r.weight });
  }
  return [...byPlan.values()];
}

/**
 * Active findings of a plan by deduction item, for the scoring inputs and the breakdown: each item's
 * findings with their source documents.
 */
export async function activeFindingsOf(db: DbOrTx, planIds: string[]) {
  if (!planIds.length) return [];
  return db
    .select({
      id: linkageFindings.id,
      planId: linkageFindings.planId,
      indicatorCode: linkageFindings.indicatorCode,
      kind: linkageFindings.kind,
      docTitle: linkageFindings.docTitle,
      docNumber: linkageFindings.docNumber,
      docDate: linkageFindings.docDate,
      description: linkageFindings.description,
      points: linkageFindings.points,
    })
    .from(linkageFindings)
    .where(and(inArray(linkageFindings.planId, planIds), eq(linkageFindings.status, 'active')))
    .orderBy(asc(linkageFindings.docDate), asc(linkageFindings.createdAt));
}
