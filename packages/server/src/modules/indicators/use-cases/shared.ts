/**
 * What the indicator library's use cases share: who is staff, library entries as read and sent, and
 * for writes the columns of an entry, its owning unit's check and its current version.
 */
import { and, eq, ne } from 'drizzle-orm';
import type { CreateIndicatorInput, IndicatorEntry } from '@perfcommons/contracts';
import type { DbOrTx } from '../../../db/client';
import { indicatorLibrary, orgUnits } from '../../../db/schema';
import { requireActor, type Actor } from '../../../lib/actor';
import { badRequest, conflict, forbidden, notFound } from '../../../lib/errors';

export type LibraryRow = typeof indicatorLibrary.$inferSelect;

/** Officials of any kind (every role but the public participant's). */
export const isStaff = (actor: Actor | null) => !!actor && actor.roles.some((r) => r.role !== 'public');

/** The actor when staff; 401/403 otherwise. */
export function requireStaff(actor: Actor | null, what = 'The indicator library'): Actor {
  const a = requireActor(actor);
  if (!isStaff(a)) throw forbidden(`${what} is for officials`);
  return a;
}

const entryColumns = {
  row: indicatorLibrary,
  ownerName: orgUnits.name,
  ownerNameEn: orgUnits.nameEn,
};

export function selectEntries(db: DbOrTx) {
  return db
    .select(entryColumns)
    .from(indicatorLibrary)
    .leftJoin(orgUnits, eq(orgUnits.id, indicatorLibrary.ownerOrgUnitId));
}

export const present = (r: {
  row: LibraryRow;
  ownerName: string | null;
  ownerNameEn: string | null;
}): IndicatorEntry => {
  const x = r.row;
  return {
    id: x.id,
    code: x.code,
    version: x.version,
    status: x.status,
    name: x.name,
    nameEn: x.nameEn,
    category: x.category,
    measure: x.measure,
    definition: x.definition,
    definitionEn: x.definitionEn,
    unit: x.unit,
    formula: x.formula,
    dataSource: x.dataSource,
    ownerOrgUnitId: x.ownerOrgUnitId,
    ownerName: r.ownerName,
    ownerNameEn: r.ownerNameEn,
    polarity: x.polarity,
    frequency: x.frequency,
    weightMin: x.weightMin,
    weightMax: x.weightMax,
    ruleTemplate: x.ruleTemplate ?? null,
    mission: x.mission,
    rubric: x.rubric ?? null,
    changeNote: x.changeNote,
    retiredReason: x.retiredReason,
    createdAt: x.createdAt.toISOString(),
  };
};

export type Fields = Omit<CreateIndicatorInput, 'code'>;
export const columnsOf = (f: Fields) => ({
  name: f.name,
  nameEn: f.nameEn ?? null,
  category: f.category,
  measure: f.measure,
  definition: f.definition,
  definitionEn: f.definitionEn ?? null,
  unit: f.unit || null,
  formula: f.formula || null,
  dataSource: f.dataSource || null,
  ownerOrgUnitId: f.ownerOrgUnitId ?? null,
  polarity: f.polarity,
  frequency: f.frequency,
  weightMin: f.weightMin,
  weightMax: f.weightMax,
  ruleTemplate: f.ruleTemplate ?? null,
  mission: f.mission,
  rubric: f.rubric ?? null,
});

export async function assertOwner(tx: DbOrTx, id: string | null | undefined) {
  if (!id) return;
  const [u] = await tx.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.id, id));
  if (!u) throw badRequest('No such org unit', [{ path: 'ownerOrgUnitId', message: 'unknown org unit' }]);
}

export async function entryById(tx: DbOrTx, id: string) {
  const [row] = await selectEntries(tx).where(eq(indicatorLibrary.id, id));
  return present(row);
}

export async function currentVersion(tx: DbOrTx, code: string, expected: number) {
  const [cur] = await tx
    .select()
    .from(indicatorLibrary)
    .where(and(eq(indicatorLibrary.code, code), ne(indicatorLibrary.status, 'superseded')))
    .for('update');
  if (!cur) throw notFound('Indicator');
  if (cur.version !== expected)
    throw conflict(
      `The indicator was changed meanwhile (now version ${cur.version}); reload it`,
      [{ path: 'version', message: `stale: current version is ${cur.version}` }],
      'version_conflict',
    );
  return cur;
}
