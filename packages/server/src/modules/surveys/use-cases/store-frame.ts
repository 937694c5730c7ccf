import { count, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { surveyFrameUnits } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { encryptOptional } from '../../../lib/crypto';
import { badRequest, conflict, type ErrorDetail } from '../../../lib/errors';
import { appendAudit } from '../../audit/service';
import { checkFrameRows, type FrameRowInput } from '../frame';
import { lockSurveyForFrame, stratumOf } from './shared';

/** Replaces the sampling frame, all rows or none; refused once a sample is drawn. */
export async function replaceFrame(db: Db, actor: Actor | null, id: string, rows: FrameRowInput[]) {
  return storeFrame(db, actor, id, rows, 'replace');
}

/**
 * Stores frame rows, all or none, refused once a sample is drawn. `replace` swaps the whole
 * frame; `append` adds the rows (a frame sent in chunks: the first chunk replaces, the rest
 * append; an id already in the frame is refused). Without a mode, a survey that already has a
 * frame is refused with 409 `frame_exists`, so a second chunk can never silently replace the first.
 */
export async function storeFrame(
  db: Db,
  actor: Actor | null,
  id: string,
  rows: FrameRowInput[],
  mode: 'replace' | 'append' | undefined,
) {
  const a = requireOffice(actor, 'Sampling');
  return db.transaction(async (tx) => {
    const s = await lockSurveyForFrame(tx, id);
    const details = checkFrameRows(rows, s.strataFields);
    if (details.length) throw badRequest(`${details.length} row(s) refused; nothing was stored`, details);
    if (rows.length === 0) throw badRequest('The frame has no rows', [{ path: 'rows', message: 'empty' }]);
    const existing = await tx
      .select({ externalId: surveyFrameUnits.externalId })
      .from(surveyFrameUnits)
      .where(eq(surveyFrameUnits.surveyId, id));
    if (!mode && existing.length)
      throw conflict(
        `The survey already has a frame of ${existing.length} units: say whether to replace it or append to it`,
        [{ path: 'mode', message: 'replace or append' }],
        'frame_exists',
      );
    if (mode === 'append') {
      const have = new Set(existing.map((e) => e.externalId));
      const dup: ErrorDetail[] = [];
      rows.forEach((r, i) => {
        if (have.has(r.id.trim())) dup.push({ path: `rows.${i}.id`, message: 'already in the frame' });
      });
      if (dup.length) throw badRequest(`${dup.length} row(s) already in the frame; nothing was stored`, dup);
    } else await tx.delete(surveyFrameUnits).where(eq(surveyFrameUnits.surveyId, id));
    const values = rows.map((r) => {
      const profile = Object.fromEntries(s.strataFields.map((f) => [f, (r[f] ?? '').trim()]));
      return {
        surveyId: id,
        externalId: r.id.trim(),
        stratum: stratumOf(s.strataFields, profile),
        profile,
        // Personal data: encrypted at rest, decrypted only for the invitation file.
        contact: encryptOptional(r.contact?.trim()),
      };
    });
    for (let i = 0; i < values.length; i += 2000)
      await tx.insert(surveyFrameUnits).values(values.slice(i, i + 2000));
    const strata = new Map<string, number>();
    const all = await tx
      .select({ stratum: surveyFrameUnits.stratum, n: count() })
      .from(surveyFrameUnits)
      .where(eq(surveyFrameUnits.surveyId, id))
      .groupBy(surveyFrameUnits.stratum);
    for (const r of all) strata.set(r.stratum, r.n);
    const total = all.reduce((x, r) => x + r.n, 0);
    const replaced = mode === 'append' ? 0 : existing.length;
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'survey.frame',
        entityType: 'survey',
        entityId: id,
        data: { rows: values.length, mode: mode ?? 'replace', replaced, total },
      },
    ]);
    return {
      mode: mode ?? 'replace',
      inserted: values.length,
      replaced,
      total,
      strata: [...strata]
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([stratum, population]) => ({ stratum, population })),
    };
  });
}
