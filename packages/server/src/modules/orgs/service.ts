import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { orgUnits, people } from '../../db/schema';

/** Org units in tree order (by materialised path). Structure and names are public information. */
export async function listOrgUnits(db: Db) {
  const rows = await db.select().from(orgUnits).orderBy(asc(orgUnits.path));
  return rows.map((o) => ({
    id: o.id,
    code: o.code,
    name: o.name,
    nameEn: o.nameEn,
    kind: o.kind,
    parentId: o.parentId,
    peerGroup: o.peerGroup,
  }));
}

/** Leading cadres, optionally of one unit; positions and terms are public. */
export async function listPeople(db: Db, opts: { orgUnitId?: string }) {
  const q = db
    .select({
      id: people.id,
      code: people.code,
      name: people.name,
      nameEn: people.nameEn,
      position: people.position,
      positionEn: people.positionEn,
      orgUnitId: people.orgUnitId,
      termStart: people.termStart,
      termEnd: people.termEnd,
    })
    .from(people);
  const rows = await (opts.orgUnitId ? q.where(eq(people.orgUnitId, opts.orgUnitId)) : q).orderBy(
    asc(people.code),
  );
  return rows;
}
