/**
 * The city's cut-offs of the linkage rates 计算口径: the response limit, the weights of 部分解决 and
 * 基本满意 and whether consultations leave the on-time closure rate. One row; without it the defaults of
 * docs/linkage.md. The office sets them (audited with the values before and after); rates and feeds read
 * them when they compute, so a change applies to the next computation, not to values already fed.
 */
import { eq } from 'drizzle-orm';
import type { LinkageCutoffs } from '@perfcommons/contracts';
import type { DbOrTx, Db } from '../../db/client';
import { linkageSettings } from '../../db/schema';
import { isOffice, requireOffice, type Actor } from '../../lib/actor';
import { appendAudit } from '../audit/service';
import { rateScope } from './rates';

/** The common 12345 practice: 2 hours, 部分解决 not counted, 基本满意 counted in full, consultations out. */
export const DEFAULT_CUTOFFS: LinkageCutoffs = Object.freeze({
  responseLimitMinutes: 120,
  partialResolution: 0,
  basicSatisfaction: 1,
  excludeConsultations: true,
});

const SETTINGS_ID = 1;

async function row(db: DbOrTx) {
  const [r] = await db.select().from(linkageSettings).where(eq(linkageSettings.id, SETTINGS_ID)).limit(1);
  return r;
}

const cutoffsOf = (r: typeof linkageSettings.$inferSelect | undefined): LinkageCutoffs =>
  r
    ? {
        responseLimitMinutes: r.responseLimitMinutes,
        partialResolution: r.partialResolution,
        basicSatisfaction: r.basicSatisfaction,
        excludeConsultations: r.excludeConsultations,
      }
    : { ...DEFAULT_CUTOFFS };

/** The cut-offs the rates are computed with (the city's, else the defaults). */
export async function readCutoffs(db: DbOrTx): Promise<LinkageCutoffs> {
  return cutoffsOf(await row(db));
}

/** The cut-offs as the readers of rates (the office and the units) see them. */
export async function getLinkageSettings(db: Db, actor: Actor | null) {
  rateScope(actor);
  const r = await row(db);
  return {
    cutoffs: cutoffsOf(r),
    isDefault: !r,
    updatedAt: r ? r.updatedAt.toISOString() : null,
    can: { edit: isOffice(actor) },
  };
}

/** Sets the city's cut-offs (the office); audited with the cut-offs before and after. */
export async function setLinkageSettings(db: Db, actor: Actor | null, body: LinkageCutoffs) {
  const a = requireOffice(actor, "Setting the rates' cut-offs");
  await db.transaction(async (tx) => {
    const before = cutoffsOf(await row(tx));
    const values = { ...body, updatedBy: a.id, updatedAt: new Date() };
    await tx
      .insert(linkageSettings)
      .values({ id: SETTINGS_ID, ...values })
      .onConflictDoUpdate({ target: linkageSettings.id, set: values });
    await appendAudit(tx, [
      {
        actorId: a.id,
        action: 'linkage.settings',
        entityType: 'linkage_settings',
        entityId: String(SETTINGS_ID),
        data: { before, after: body },
      },
    ]);
  });
  return getLinkageSettings(db, a);
}
