import { and, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { linkageRates, type Granularity, type LinkageRecord } from '@perfcommons/domain';
import type { DbOrTx } from '../../db/client';
import { orgUnits } from '../../db/schema';
import { linkageRecords } from '../../db/schema-linkage';
import { coversOrg, hasRole, isOffice, requireActor, type Actor, type Role } from '../../lib/actor';
import { forbidden } from '../../lib/errors';
import { readCutoffs } from './settings';

type RecordRow = typeof linkageRecords.$inferSelect;

/** A stored record as the domain reads it. */
export const toDomain = (r: RecordRow): LinkageRecord => ({
  source: r.source,
  unitId: r.orgUnitId,
  requestType: r.requestType,
  receivedAt: r.receivedAt.toISOString(),
  acceptedAt: r.acceptedAt?.toISOString() ?? null,
  deadline: r.deadline,
  closedAt: r.closedAt?.toISOString() ?? null,
  onTime: r.onTime,
  resolution: r.resolution,
  satisfaction: r.satisfaction,
  upheld: r.upheld,
  rectified: r.rectified,
});

/** The granularity of a period label: `2025`, `2025-Q3` or `2025-03` (half-years are not computed). */
export function granularityOf(period: string): Granularity | null {
  if (/^\d{4}$/.test(period)) return 'year';
  if (/^\d{4}-Q[1-4]$/.test(period)) return 'quarter';
  if (/^\d{4}-\d{2}$/.test(period)) return 'month';
  return null;
}

/** Roles that read the service data of their subtree (the office reads everything). */
const RATE_READER_ROLES: Role[] = ['unit_manager', 'verifier', 'appraisee'];

/** Whether the actor reads some unit's service data (rateScope does not refuse). */
export const readsServiceData = (actor: Actor | null) =>
  isOffice(actor) || hasRole(actor, ...RATE_READER_ROLES);

/** Who reads rates: the office everything, a unit's managers, verifiers and cadres their subtree. */
export function rateScope(actor: Actor | null): SQL | undefined {
  const a = requireActor(actor);
  if (isOffice(a)) return undefined;
  const paths = a.roles.filter((r) => RATE_READER_ROLES.includes(r.role)).map((r) => r.orgPath);
  if (paths.includes(null)) return undefined;
  if (!paths.length) throw forbidden('Service data is for the performance office and the units');
  return sql`(${sql.join(
    paths.map((p) => sql`${orgUnits.path} like ${`${p}%`}`),
    sql` or `,
  )})`;
}

/** Whether the actor may read the service data of the unit with path `orgPath`. */
export const canReadUnitData = (actor: Actor | null, orgPath: string) =>
  isOffice(actor) || coversOrg(actor, orgPath, ...RATE_READER_ROLES);

/**
 * Records of the given units received in a window (both ends local dates, inclusive), with the batch
 * each was last changed by.
 */
export async function loadRecords(
  db: DbOrTx,
  where: { unitIds?: string[]; scope?: SQL; from?: Date; to?: Date; batchId?: string },
): Promise<RecordRow[]> {
  const conds: SQL[] = [];
  if (where.unitIds) conds.push(inArray(linkageRecords.orgUnitId, where.unitIds));
  if (where.scope) conds.push(where.scope);
  if (where.from) conds.push(gte(linkageRecords.receivedAt, where.from));
  if (where.to) conds.push(lte(linkageRecords.receivedAt, where.to));
  if (where.batchId)
    // The groups (unit, month of receipt) the batch touched: all their records count.
    conds.push(
      sql`(${linkageRecords.orgUnitId}, date_trunc('month', ${linkageRecords.receivedAt} + interval '8 hours')) in
        (select org_unit_id, date_trunc('month', received_at + interval '8 hours') from linkage_records
         where batch_id = ${where.batchId})`,
    );
  const rows = await db
    .select({ r: linkageRecords })
    .from(linkageRecords)
    .innerJoin(orgUnits, eq(orgUnits.id, linkageRecords.orgUnitId))
    .where(conds.length ? and(...conds) : undefined);
  return rows.map((x) => x.r);
}

/**
 * Computed rates per unit and period over all stored records (each id once, in its latest state),
 * of the units the actor may read; optionally one unit, one period prefix, or the groups one batch
 * touched.
 */
export async function listRates(
  db: DbOrTx,
  actor: Actor | null,
  q: { granularity: Granularity; period?: string; unitId?: string; batchId?: string },
) {
  const scope = rateScope(actor);
  const records = await loadRecords(db, {
    scope,
    unitIds: q.unitId ? [q.unitId] : undefined,
    batchId: q.batchId,
  });
  const unitIds = [...new Set(records.map((r) => r.orgUnitId))];
  const unitRows = unitIds.length
    ? await db
        .select({ id: orgUnits.id, code: orgUnits.code, name: orgUnits.name, nameEn: orgUnits.nameEn })
        .from(orgUnits)
        .where(inArray(orgUnits.id, unitIds))
    : [];
  const units = new Map(unitRows.map((u) => [u.id, u]));
  const cutoffs = await readCutoffs(db);
  return linkageRates(records.map(toDomain), { ...cutoffs, granularity: q.granularity })
    .filter((r) => !q.period || r.period.startsWith(q.period))
    .map((r) => {
      const u = units.get(r.unitId)!;
      return { ...r, unitCode: u.code, unitName: u.name, unitNameEn: u.nameEn };
    });
}

/** The local-date window of a period label, as UTC instants of its first and last moment. */
export function periodWindow(period: string): { from: Date; to: Date } {
  const g = granularityOf(period)!;
  const y = Number(period.slice(0, 4));
  const [m0, m1] =
    g === 'year'
      ? [1, 12]
      : g === 'quarter'
        ? [(Number(period.slice(6)) - 1) * 3 + 1, Number(period.slice(6)) * 3]
        : [Number(period.slice(5)), Number(period.slice(5))];
  const from = new Date(Date.UTC(y, m0 - 1, 1) - 8 * 3600_000);
  const to = new Date(Date.UTC(y, m1, 1) - 8 * 3600_000 - 1);
  return { from, to };
}
